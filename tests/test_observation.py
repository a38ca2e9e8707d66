"""Payload → Observation for every shape the host sends."""

from __future__ import annotations

import pytest

from healing_hooks.errors import HookError
from healing_hooks.observation import Observation, observation_from_payload, split_exit_code
from tests import payloads

ROOT = "/home/dev/shop"


def observe(payload: dict[str, object], project_dir: str | None = None) -> Observation:
    env = {"CLAUDE_PROJECT_DIR": project_dir} if project_dir else {}
    return observation_from_payload(payload, env)


def test_success_has_exit_code_zero_and_merged_output() -> None:
    obs = observe(payloads.success("pytest -q", "3 passed in 0.01s\n", ROOT))
    assert (obs.event, obs.tool_name, obs.command) == ("PostToolUse", "Bash", "pytest -q")
    assert obs.output == "3 passed in 0.01s\n"
    assert obs.exit_code == 0
    assert not obs.failed and not obs.interrupted and not obs.truncated
    assert obs.project_root == ROOT
    assert obs.session_id.startswith("3f0c2a9e") and obs.tool_use_id == "toolu_01ABCDEF"


def test_failure_exit_code_is_parsed_from_the_error_text() -> None:
    obs = observe(payloads.failure("python app.py", "Traceback ...\nKeyError: 'x'", 1, ROOT))
    assert obs.failed
    assert obs.exit_code == 1
    assert obs.output == "Traceback ...\nKeyError: 'x'"


def test_failure_without_exit_code_line_is_a_shell_that_did_not_start() -> None:
    payload = payloads.failure("ls", "spawn /bin/bash ENOENT", None, ROOT)
    obs = observe(payload)
    assert obs.exit_code is None
    assert obs.output == "spawn /bin/bash ENOENT"


def test_truncated_failure_keeps_head_tail_and_counts_the_cut() -> None:
    output = "start\n" + "x" * 30_000 + "\nValueError: the end"
    obs = observe(payloads.failure("python big.py", output, 1, ROOT))
    assert obs.exit_code == 1
    assert obs.truncated_chars == len("Exit code 1\n" + output) - 10_000
    assert obs.output.startswith("start") and obs.output.endswith("ValueError: the end")


def test_unknown_fields_are_accepted() -> None:
    payload = payloads.success("ls", "a\nb\n", ROOT, prompt_id="p-1", effort={"level": "high"})
    payload["tool_response"]["returnCodeInterpretation"] = "No matches found"
    payload["tool_input"]["run_in_background"] = False
    obs = observe(payload)
    assert obs.output == "a\nb\n"
    assert obs.tool_input["run_in_background"] is False


def test_interrupted_command() -> None:
    payload = payloads.failure("sleep 100", "", 130, ROOT)
    payload["is_interrupt"] = True
    assert observe(payload).interrupted


def test_claude_project_dir_wins_over_cwd() -> None:
    obs = observe(payloads.success("ls", "", "/home/dev/shop/sub"), project_dir=ROOT)
    assert (obs.cwd, obs.project_root) == ("/home/dev/shop/sub", ROOT)


def test_edit_event_keeps_its_input() -> None:
    obs = observe(payloads.edit(f"{ROOT}/a.py", "x = 1", "x = 2", ROOT))
    assert (obs.tool_name, obs.command, obs.output) == ("Edit", "", "")
    assert obs.tool_input["new_string"] == "x = 2"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"hook_event_name": None}, "no 'hook_event_name'"),
        ({"tool_input": "ls"}, "'tool_input' is a str"),
        ({"cwd": 3}, "'cwd' is a int"),
        ({"error": ["x"]}, "'error' is not a string"),
    ],
)
def test_malformed_fields_are_named(change: dict[str, object], message: str) -> None:
    payload = {**payloads.failure("ls", "x", 1, ROOT), **change}
    payload = {k: v for k, v in payload.items() if v is not None}
    with pytest.raises(HookError, match=message):
        observe(payload)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        ("Exit code 2\nboom", ("boom", 2)),
        ("Exit code 137", ("", 137)),
        ("Exit code 1\r\nwindows", ("windows", 1)),
        ("Command failed with no output", ("Command failed with no output", None)),
        ("exit code 1\nlowercase is output", ("exit code 1\nlowercase is output", None)),
    ],
)
def test_split_exit_code(error: str, expected: tuple[str, int | None]) -> None:
    assert split_exit_code(error) == expected
