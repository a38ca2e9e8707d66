"""A real failing command, the payload the host would send, the installed hook, the memory after."""

from __future__ import annotations

import json
from pathlib import Path

from healing_hooks.protocol import HookOutput
from tests.conftest import hook
from tests.corpus.runner import Case, run_case, to_payload

BROKEN_IMPORT = {
    "shop/__init__.py": "",
    "shop/pricing.py": "def total(items):\n    return sum(items)\n",
    "shop/cart.py": "from shop.prices import total\n\n\ndef checkout(items):\n    return total(items)\n",
    "app.py": "from shop.cart import checkout\n\nprint(checkout([1, 2]))\n",
}


def memory(project: Path) -> Path:
    return project / ".claude-flow" / "memory"


def test_real_wrong_import_gets_advice_and_is_remembered(project: Path) -> None:
    recorded = run_case(Case("e2e", "python", BROKEN_IMPORT, "python app.py", None), project)
    assert recorded.exit_code == 1 and "ModuleNotFoundError" in recorded.output

    result = hook(to_payload(recorded))

    assert result.returncode == 0, result.stderr
    answer = HookOutput.model_validate_json(result.stdout)
    assert answer.hookSpecificOutput is not None
    context = answer.hookSpecificOutput.additionalContext
    assert "shop.prices" in context
    assert "shop/cart.py:1" in context
    log = [json.loads(line) for line in (memory(project) / "error-log.txt").read_text().splitlines()]
    assert len(log) == 1
    assert log[0]["exit_code"] == 1 and log[0]["command"] == "python app.py"
    assert log[0]["findings"][0]["location"] == {"file": "shop/cart.py", "line": 1, "column": None}
    patterns = json.loads((memory(project) / "error-patterns.json").read_text())["patterns"]
    counted = {p["id"]: p["occurrences"] for p in patterns}
    assert counted[log[0]["findings"][0]["pattern_id"]] == 1
    assert json.loads((memory(project) / "recovery-playbook.json").read_text())["playbooks"]
    assert "python app.py" in json.loads((memory(project) / "pending.json").read_text())["commands"]


def test_the_fixed_command_clears_the_pending_failure(project: Path) -> None:
    broken = run_case(Case("e2e", "python", BROKEN_IMPORT, "python app.py", None), project)
    hook(to_payload(broken))
    (project / "shop/cart.py").write_text(BROKEN_IMPORT["shop/cart.py"].replace("prices", "pricing"))
    fixed = run_case(Case("e2e", "python", {}, "python app.py", None), project)
    assert fixed.exit_code == 0

    result = hook(to_payload(fixed))

    assert (result.returncode, result.stdout) == (0, "")
    assert not (memory(project) / "pending.json").exists()


def test_a_real_test_run_is_written_to_test_history(project: Path) -> None:
    files = {
        "test_math.py": "def test_ok():\n    assert 1 + 1 == 2\n\n\ndef test_bad():\n    assert 1 + 1 == 3\n",
    }
    recorded = run_case(
        Case("e2e", "pytest", files, "python -m pytest -q -p no:cacheprovider", None), project
    )
    assert recorded.exit_code == 1

    hook(to_payload(recorded))

    lines = (memory(project) / "test-history.log").read_text().splitlines()
    run = json.loads(lines[-1])
    assert (run["passed"], run["failed"], run["exit_code"]) == (1, 1, 1)
    assert run["failed_tests"] == ["test_math.py::test_bad"]


WARNS = {
    "app.py": "import asyncio\n\n\nasync def save():\n    await asyncio.sleep(0)\n\n\nsave()\n",
}
FAILING_TEST = {"tests/test_sum.py": "def test_sum():\n    assert sum([1, 2]) == 4\n"}


def _spoken(project: Path, files: dict[str, str], command: str, warnings_on: bool) -> str:
    recorded = run_case(Case("e2e", "python", files, command, None), project)
    assert recorded.exit_code == 0
    (project / ".claude-flow").mkdir(exist_ok=True)
    config = json.dumps({"report_success_warnings": warnings_on})
    (project / ".claude-flow" / "healing.json").write_text(config)
    result = hook(to_payload(recorded))
    assert result.returncode == 0, result.stderr
    if not result.stdout.strip():
        return ""
    answer = HookOutput.model_validate_json(result.stdout)
    return answer.hookSpecificOutput.additionalContext if answer.hookSpecificOutput else ""


def test_report_success_warnings_off_silences_warnings_of_a_success(project: Path) -> None:
    for command in ("python app.py", "python app.py 2>&1 | tail -n 20"):
        assert "never awaited" in _spoken(project, WARNS, command, warnings_on=True)
        assert _spoken(project, WARNS, command, warnings_on=False) == ""


def test_report_success_warnings_off_still_reports_failures_a_pipe_hid(project: Path) -> None:
    context = _spoken(project, FAILING_TEST, "python -m pytest -q -p no:cacheprovider | tail -n 15", False)
    assert "test_sum" in context
