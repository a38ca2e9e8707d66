"""`doctor`: what it finds on real installations and real (and broken) memory files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from healing_hooks.cli import main
from healing_hooks.install.entries import hook_command
from tests.conftest import hook, run_cli
from tests.payloads import failure


def doctor(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, Any]]]:
    code = main(["doctor", "--json", *args])
    return code, json.loads(capsys.readouterr().out)


def lines(checks: list[dict[str, Any]], status: str) -> str:
    return "\n".join(f"{c['what']} | {c['fix']}" for c in checks if c["status"] == status)


def write(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else json.dumps(data, indent=2))
    return path


def only_post_tool_use(command: str) -> dict[str, Any]:
    return {
        "hooks": {"PostToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": command}]}]}
    }


def test_nothing_installed_is_a_problem_with_a_fix(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, checks = doctor(capsys)
    assert code == 1
    assert "not registered in any settings file" in lines(checks, "fail")
    assert "healing-hooks install" in lines(checks, "fail")


def test_a_good_install_runs_the_command_on_a_test_failure(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["install", "--scope", "local"]) == 0
    capsys.readouterr()

    code = main(["doctor"])

    out = capsys.readouterr().out
    assert code == 0, out
    assert "local settings" in out and "PostToolUseFailure:Bash" in out
    assert f"the command runs: {hook_command()} (answered a test failure in" in out
    assert out.rstrip().endswith("all good")
    assert not (project / ".claude-flow").exists()  # the smoke test ran in a scratch project


def test_a_command_that_points_nowhere(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gone = "/gone/venv/bin/healing-hooks hook"
    settings = {
        "hooks": {
            "PostToolUseFailure": [{"matcher": "Bash", "hooks": [{"type": "command", "command": gone}]}]
        }
    }
    write(project / ".claude/settings.json", settings)

    code, checks = doctor(capsys)

    assert code == 1
    assert "names /gone/venv/bin/healing-hooks, which does not exist" in lines(checks, "fail")
    assert "missing PostToolUse:Bash, PostToolUse:Edit|Write|MultiEdit" in lines(checks, "warn")


def test_without_the_failure_event_errors_never_reach_the_hook(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project / ".claude/settings.json", only_post_tool_use(hook_command()))

    code, checks = doctor(capsys)

    assert code == 1
    assert "missing PostToolUseFailure:Bash" in lines(checks, "fail")
    assert "healing-hooks install --scope project" in lines(checks, "fail")


def test_plugin_and_settings_both_active_run_twice(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["install"]) == 0
    write(Path.home() / ".claude/settings.json", {"enabledPlugins": {"healing-hooks@healing-hooks": True}})
    data = Path.home() / ".claude/plugins/data/healing-hooks-healing-hooks"
    write(data / "setup-failed", "healing-hooks: creating the environment with python3 failed.\n")
    capsys.readouterr()

    code, checks = doctor(capsys)

    assert code == 1
    assert "every event runs the hook twice" in lines(checks, "warn")
    assert "could not be built: healing-hooks: creating the environment" in lines(checks, "fail")
    assert "the healing-hooks plugin is enabled (healing-hooks@healing-hooks" in lines(checks, "ok")


def test_two_different_commands_in_two_scopes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["install", "--scope", "user"]) == 0
    python_form = f"{Path(hook_command().split()[0]).parent / 'python'} -m healing_hooks hook"
    settings = json.loads((Path.home() / ".claude/settings.json").read_text())
    text = json.dumps(settings).replace(hook_command(), python_form)
    write(project / ".claude/settings.local.json", text)
    capsys.readouterr()

    code, checks = doctor(capsys)

    assert code == 0
    assert "2 different healing-hooks commands are registered (user, local)" in lines(checks, "warn")
    assert lines(checks, "ok").count("the command runs") == 2


def test_settings_that_switch_hooks_off_or_use_seed_placeholders(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["install"]) == 0
    seed = {
        "disableAllHooks": True,
        "hooks": {"PostToolUse": [{"matcher": "^Bash$", "hooks": [{"type": "command", "command": (
            "source .claude/hooks/self-healing.sh && main '${tool.result.exitCode}' '${tool.result.output}'"
        )}]}]},
    }  # fmt: skip
    write(project / ".claude/settings.local.json", seed)
    capsys.readouterr()

    code, checks = doctor(capsys)

    assert code == 1
    assert "disableAllHooks: true" in lines(checks, "fail")
    assert "${tool.result.*} placeholders: Claude Code never fills them" in lines(checks, "warn")


def test_an_unreadable_settings_file_is_reported_not_fatal(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(Path.home() / ".claude/settings.json", '{"hooks": {,}}')
    assert main(["install", "--scope", "local"]) == 0
    capsys.readouterr()

    code, checks = doctor(capsys)

    assert code == 1
    assert "settings.json is not valid JSON (line 1, column 12: Expecting property name" in lines(
        checks, "fail"
    )
    assert "local settings" in lines(checks, "ok")


def test_memory_files_broken_in_every_way(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answered = hook(
        failure("python app.py", "ModuleNotFoundError: No module named 'aiohttp'", 1, str(project))
    )
    assert answered.returncode == 0
    memory = project / ".claude-flow/memory"
    assert (memory / "error-log.txt").exists()
    with (memory / "error-log.txt").open("a") as log:
        log.write("not json\n")
    write(memory / "error-patterns.json", {"patterns": [{"id": "x"}]})
    write(memory / "recovery-playbook.json.corrupt-20260101T000000Z", "{")
    write(project / ".claude-flow/healing.json", {"max_findings": 0})
    write(project / ".claude-flow/healing-hooks.log", "--- 2026-01-01T00:00:00\nTraceback ...\n")
    assert main(["install"]) == 0
    capsys.readouterr()

    code, checks = doctor(capsys)

    assert code == 1
    failed, warned = lines(checks, "fail"), lines(checks, "warn")
    assert "error-patterns.json does not match its schema (patterns/0: 'error_regex' is a required" in failed
    assert "healing.json is invalid" in failed
    assert "error-log.txt: 1 of 2 lines are not JSON records" in warned
    assert "moved aside: recovery-playbook.json.corrupt-20260101T000000Z" in warned
    assert "recorded 1 internal error(s)" in warned


def test_a_skipped_pattern_is_named(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    evil = {"id": "evil", "error_regex": "(a+)+$", "category": "x", "severity": "low"}
    write(project / ".claude-flow/memory/error-patterns.json", {"patterns": [evil]})

    _, checks = doctor(capsys)

    assert "pattern 'evil' skipped" in lines(checks, "warn")


def test_doctor_through_the_installed_cli_prints_for_people(project: Path) -> None:
    result = run_cli(["doctor"], cwd=project)
    assert result.returncode == 1
    assert result.stdout.startswith(f"healing-hooks doctor: {project}\n")
    assert "  FAIL  the hook is not registered" in result.stdout
    assert "        fix: run `healing-hooks install`" in result.stdout
    assert "Traceback" not in result.stderr
