"""The hook process: its answers to good and bad input, and its fast pre-check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from healing_hooks.hotpath import needs_pipeline
from healing_hooks.protocol import HookOutput
from tests import payloads
from tests.conftest import hook

IMPORT_ERROR = """Traceback (most recent call last):
  File "{root}/app.py", line 1, in <module>
    from shop.models import Order
ImportError: cannot import name 'Order' from 'shop.models' ({root}/shop/models.py)"""


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("", "empty hook payload"),
        ("not json at all", "hook payload is not JSON"),
        ("[1, 2]", "hook payload is a JSON list"),
        (
            '{"hook_event_name": "PostToolUseFailure", "tool_name": "Bash", "tool_input": "x"}',
            "'tool_input' is a str",
        ),
        ("\xff\xfe garbage", "not JSON"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_1(project: Path, stdin: str, message: str) -> None:
    result = hook(stdin)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and lines[0].startswith("healing-hooks: ")
    assert "Traceback" not in result.stderr


def test_success_with_nothing_to_say_is_silent_and_writes_nothing(project: Path) -> None:
    result = hook(payloads.success("ls -la", "total 0\nREADME.md\n", str(project)))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert not (project / ".claude-flow").exists()


@pytest.mark.parametrize("event", ["PreToolUse", "SessionStart", "Stop", "SomethingNew"])
def test_other_events_are_ignored(project: Path, event: str) -> None:
    payload = {**payloads.success("ls", "", str(project)), "hook_event_name": event}
    result = hook(payload)
    assert (result.returncode, result.stdout) == (0, "")


def test_failure_answer_is_valid_host_json(project: Path) -> None:
    output = IMPORT_ERROR.format(root=project)
    result = hook(payloads.failure("python app.py", output, 1, str(project)))
    assert result.returncode == 0, result.stderr
    answer = HookOutput.model_validate_json(result.stdout)
    assert answer.hookSpecificOutput is not None
    assert answer.hookSpecificOutput.hookEventName == "PostToolUseFailure"
    context = answer.hookSpecificOutput.additionalContext
    assert "`Order` is not defined in `shop.models`" in context
    assert "at app.py:1" in context


def test_viewing_a_log_with_errors_stays_silent(project: Path) -> None:
    text = IMPORT_ERROR.format(root=project)
    for command in ("cat build.log", "grep -n Error build.log", "tail -50 build.log", "git log -p"):
        result = hook(payloads.success(command, text, str(project)))
        assert (result.returncode, result.stdout) == (0, ""), command


def test_grep_exit_one_is_not_an_error(project: Path) -> None:
    result = hook(payloads.failure("grep -rn ImportError src", "", 1, str(project)))
    assert (result.returncode, result.stdout) == (0, "")


def test_hidden_failure_behind_a_pipe_is_reported(project: Path) -> None:
    """`python app.py | tail` exits with tail's status: the host calls it a success."""
    output = IMPORT_ERROR.format(root=project)
    result = hook(payloads.success("python app.py 2>&1 | tail -5", output, str(project)))
    answer = json.loads(result.stdout)
    assert answer["hookSpecificOutput"]["hookEventName"] == "PostToolUse"
    assert "shop.models" in answer["hookSpecificOutput"]["additionalContext"]


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (payloads.success("ls", "a b c", "/p"), False),
        (payloads.success("python app.py", "Traceback (most recent call last):\n", "/p"), True),
        (payloads.success("cat x", "Traceback (most recent call last):\n", "/p"), False),
        (payloads.success("pytest -q", "5 passed in 0.1s", "/p"), True),
        (payloads.success("cargo build", "warning: unused import: `std::fmt`", "/p"), True),
        (payloads.success("echo done", "done", "/p"), False),
        (payloads.failure("make", "boom", 2, "/p"), True),
        ({**payloads.failure("x", "boom", 2, "/p"), "tool_name": "Read"}, False),
        (payloads.edit("/p/a.py", "a", "b", "/p"), False),
    ],
)
def test_needs_pipeline(payload: dict[str, object], expected: bool) -> None:
    assert needs_pipeline(payload, {}) is expected


def test_edits_matter_only_while_a_failure_is_pending(tmp_path: Path) -> None:
    payload = payloads.edit(f"{tmp_path}/a.py", "a", "b", str(tmp_path))
    assert needs_pipeline(payload, {}) is False
    pending = tmp_path / ".claude-flow" / "memory" / "pending.json"
    pending.parent.mkdir(parents=True)
    pending.write_text("{}")
    assert needs_pipeline(payload, {}) is True


def test_internal_error_is_one_line_without_traceback(project: Path) -> None:
    """A memory folder that is a file makes saving fail: the hook still answers."""
    (project / ".claude-flow").write_text("not a folder")
    output = IMPORT_ERROR.format(root=project)
    result = hook(payloads.failure("python app.py", output, 1, str(project)))
    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert "memory not saved" in answer["systemMessage"]
    assert "shop.models" in answer["hookSpecificOutput"]["additionalContext"]
