"""The command-line contract of DESIGN.md: replay, analyze, patterns, log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from healing_hooks.cli import main
from tests import payloads
from tests.conftest import run_cli

OUTPUT = """Traceback (most recent call last):
  File "{root}/svc/bus.py", line 12, in shutdown
    await event_bus.stop()
TypeError: object NoneType can't be used in 'await' expression"""

FINDING_KEYS = {
    "id", "pattern_id", "category", "severity", "tool", "message", "location", "remedy",
    "confidence", "playbook", "details",
}  # fmt: skip


def write_payload(project: Path) -> Path:
    path = project / "payload.json"
    path.write_text(
        json.dumps(payloads.failure("python -m svc", OUTPUT.format(root=project), 1, str(project)))
    )
    return path


def test_replay_json_follows_the_contract(project: Path) -> None:
    result = run_cli(["replay", str(write_payload(project)), "--json"])
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {"event", "findings", "hook_output"}
    assert report["event"] == "PostToolUseFailure"
    finding = report["findings"][0]
    assert set(finding) == FINDING_KEYS
    assert finding["category"] == "async"
    assert finding["severity"] in {"critical", "high", "medium", "low"}
    assert finding["location"] == {"file": "svc/bus.py", "line": 12, "column": None}
    assert finding["playbook"] == "async-await-mismatch"
    assert finding["remedy"]["kind"] == "steps"
    assert 0 <= finding["confidence"] <= 1
    assert report["hook_output"]["hookSpecificOutput"]["hookEventName"] == "PostToolUseFailure"


def test_replay_does_not_record_unless_asked(project: Path) -> None:
    path = write_payload(project)
    assert main(["replay", str(path)]) == 0
    assert not (project / ".claude-flow").exists()
    assert main(["replay", str(path), "--record"]) == 0
    assert (project / ".claude-flow" / "memory" / "error-log.txt").exists()


def test_replay_reads_stdin_and_names_a_bad_field(project: Path) -> None:
    bad = {**payloads.failure("x", "y", 1, str(project)), "is_interrupt": "maybe"}
    result = run_cli(["replay", "-"], json.dumps(bad))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "healing-hooks: - is not a hook payload: PostToolUseFailure.is_interrupt: "
        "Input should be a valid boolean, unable to interpret input"
    )


def test_replay_of_a_missing_file_is_one_line(project: Path) -> None:
    result = run_cli(["replay", "nope.json"])
    assert result.returncode == 1
    assert (
        result.stderr.startswith("healing-hooks: cannot read nope.json") and "Traceback" not in result.stderr
    )


def test_analyze_reads_raw_output(project: Path) -> None:
    text = OUTPUT.format(root=project)
    result = run_cli(["analyze", "--command", "python -m svc", "--exit-code", "1", "--json"], text)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert [f["category"] for f in report["findings"]] == ["async"]
    assert (project / ".claude-flow" / "memory" / "error-log.txt").exists()


def test_analyze_of_healthy_output_says_nothing_to_say(project: Path) -> None:
    result = run_cli(
        ["analyze", "--command", "pytest", "--exit-code", "0", "--no-record"], "4 passed in 0.02s\n"
    )
    assert result.stdout.strip() == "healing-hooks: nothing to say about this output"


def test_patterns_list_show_validate(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["patterns", "list", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert "rust-unused-import" in {r["id"] for r in rows}
    assert main(["patterns", "show", "rust-unused-import"]) == 0
    assert json.loads(capsys.readouterr().out)["category"] == "lint"
    assert main(["patterns", "show", "no-such-pattern"]) == 1


def test_patterns_validate_names_the_problem(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = project / "p.json"
    bad.write_text(json.dumps({"patterns": [{"id": "a", "error_regex": "("}, {"id": "b"}]}))
    assert main(["patterns", "validate", str(bad)]) == 1
    assert "patterns/1: 'error_regex' is a required property" in capsys.readouterr().out
    bad.write_text(json.dumps({"patterns": [{"id": "a", "error_regex": "(unclosed"}]}))
    assert main(["patterns", "validate", str(bad)]) == 1
    assert "pattern 'a' skipped: bad error_regex" in capsys.readouterr().out


def test_log_shows_recorded_events(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["replay", str(write_payload(project)), "--record"])
    capsys.readouterr()
    assert main(["log"]) == 0
    line = capsys.readouterr().out.strip()
    assert "exit=1" in line and "[async/high]" in line and "python -m svc" in line


def test_python_dash_m_works(project: Path) -> None:
    import subprocess
    import sys

    completed = subprocess.run(
        [sys.executable, "-m", "healing_hooks", "--version"], capture_output=True, text=True, check=False
    )
    assert completed.stdout.startswith("healing-hooks ")


def test_replay_moves_a_recorded_project_to_its_copy(tmp_path: Path) -> None:
    """The README's first command: a payload recorded elsewhere, replayed on the shipped copy."""
    repo = Path(__file__).resolve().parents[2]
    copy = tmp_path / "shop"
    import shutil

    shutil.copytree(repo / "examples" / "shop", copy)
    result = run_cli(
        ["replay", str(repo / "examples/payloads/python-wrong-import.json"), "--project", str(copy), "--json"]
    )
    assert result.returncode == 0, result.stderr
    finding = json.loads(result.stdout)["findings"][0]
    assert finding["category"] == "import"
    assert finding["location"]["file"] == "shop/cart.py"
    assert finding["remedy"]["kind"] == "edit" and "shop.pricing" in finding["remedy"]["replace"]
    payload = str(repo / "examples/payloads/python-wrong-import.json")
    applied = run_cli(["replay", payload, "--project", str(copy), "--apply"])
    assert "applied" in applied.stdout, applied.stdout + applied.stderr
    import subprocess
    import sys

    healed = subprocess.run([sys.executable, "app.py"], cwd=copy, capture_output=True, text=True, check=False)
    assert (healed.returncode, healed.stdout.strip()) == (0, "3")
