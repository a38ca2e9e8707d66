"""Bad input to the hook process: one clear line or silence, exit 0 or 1 (never 2), never a traceback.

"Within a second or two" is a benchmark matter (bench/bench.py); here every run has a generous
subprocess timeout, so a hang fails the test instead of stalling the suite.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests import payloads
from tests.conftest import cli_path

TIMEOUT = 60


def run(stdin: bytes, project: Path, **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [cli_path(), "hook"],
        input=stdin,
        capture_output=True,
        env={**os.environ, "CLAUDE_PROJECT_DIR": str(project), **env},
        timeout=TIMEOUT,
        check=False,
    )


def assert_clean(result: subprocess.CompletedProcess[bytes], *, silent: bool = False) -> str:
    """Exit 0/1, no traceback, at most one stderr line; stdout empty or one JSON object."""
    stderr = result.stderr.decode("utf-8", "replace")
    assert result.returncode in (0, 1), (result.returncode, stderr)
    assert "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) <= 1, stderr
    if result.returncode == 1:
        assert stderr.startswith("healing-hooks: "), stderr
    out = result.stdout.decode("utf-8")
    if silent:
        assert (result.returncode, out, stderr) == (0, "", "")
    elif out.strip():
        assert isinstance(json.loads(out), dict)
    return stderr


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        (b"", "empty hook payload"),
        (b"  \n\t ", "empty hook payload"),
        (b"\x00\x01\x02\xff\xfe binary", "not JSON"),
        (b'{"hook_event_name": "PostToolUse"', "not JSON"),
        (b"null", "JSON NoneType"),
        (b"42", "JSON int"),
        (b'"PostToolUse"', "JSON str"),
        (b"[]", "JSON list"),
        (b"[" * 100_000, "nested too deeply"),
        (b'{"a": ' * 50_000 + b"1" + b"}" * 50_000, "nested too deeply"),
    ],
    ids=["empty", "blank", "binary", "truncated", "null", "number", "string", "array", "deep", "deep-obj"],
)
def test_unreadable_payload_is_one_clear_line(project: Path, stdin: bytes, message: str) -> None:
    result = run(stdin, project)
    assert result.returncode == 1
    assert message in assert_clean(result)


FAILURE = payloads.failure("python app.py", "ModuleNotFoundError: No module named 'x'", 1, "/p")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"tool_input": ["python app.py"]}, "'tool_input' is a list"),
        ({"tool_input": {"command": 42}}, "'tool_input.command' is not a string"),
        ({"error": 123}, "'error' is not a string"),
        ({"cwd": {"dir": "/p"}}, "'cwd' is a dict"),
        ({"session_id": 7}, "'session_id' is a int"),
    ],
)
def test_wrong_types_name_the_field(project: Path, change: dict[str, Any], message: str) -> None:
    result = run(json.dumps({**FAILURE, "cwd": str(project), **change}).encode(), project)
    assert result.returncode == 1
    assert message in assert_clean(result)


def test_a_byte_order_mark_is_accepted(project: Path) -> None:
    assert_clean(run(b"\xef\xbb\xbf{}", project), silent=True)


@pytest.mark.parametrize(
    "change",
    [
        {"hook_event_name": 5},
        {"hook_event_name": None},
        {"hook_event_name": "PreToolUse"},
        {"hook_event_name": "SomethingFromTheFuture"},
        {"tool_name": "Read"},
        {"tool_name": "mcp__github__create_issue"},
        {"tool_name": None},
        {"tool_name": ["Bash"]},
        {"hook_event_name": "PostToolUse", "tool_name": ["Edit"]},
        {"hook_event_name": "PostToolUse", "tool_name": {"name": "Bash"}},
    ],
)
def test_unknown_events_and_tools_are_silent(project: Path, change: dict[str, Any]) -> None:
    assert_clean(run(json.dumps({**FAILURE, "cwd": str(project), **change}).encode(), project), silent=True)


@pytest.mark.parametrize(
    "change",
    [
        {"tool_response": ["a", "b"]},
        {"tool_response": 7},
        {"tool_response": {"stdout": 12, "stderr": None, "interrupted": "yes"}},
        {"duration_ms": "slow"},
        {"is_interrupt": "maybe"},
        {"brand_new_field": {"nested": [1, 2, {"x": None}]}},
    ],
)
def test_odd_values_in_optional_fields_do_not_break_the_hook(project: Path, change: dict[str, Any]) -> None:
    success = payloads.success("pytest -q", "1 failed in 0.1s", str(project))
    for base in (success, {**FAILURE, "cwd": str(project)}):
        assert_clean(run(json.dumps({**base, **change}).encode(), project))


def test_lone_surrogates_and_odd_unicode_are_answered(project: Path) -> None:
    error = "Exit code 1\\nlog \\ud800 caf\\u00e9 \\ud83d\\ude00 \\udfff"
    error += "\\nModuleNotFoundError: No module named 'cafe'"
    raw = json.dumps({**FAILURE, "cwd": str(project)})
    raw = raw.replace('"error": ', '"error": "' + error + '", "x": ', 1)
    result = run(raw.encode(), project)
    assert result.returncode == 0, result.stderr
    assert_clean(result)
    assert "caf" in json.loads(result.stdout)["hookSpecificOutput"]["additionalContext"]


def test_answer_is_utf8_whatever_the_locale(project: Path) -> None:
    result = run(json.dumps({**FAILURE, "cwd": str(project)}).encode(), project, PYTHONIOENCODING="latin-1")
    assert result.returncode == 0, result.stderr
    assert "—" in result.stdout.decode("utf-8")  # the answer's dash, encoded as UTF-8 anyway


@pytest.mark.parametrize("kind", ["failure", "success"])
def test_a_5_mb_payload_is_answered(project: Path, kind: str) -> None:
    noise = "".join(f"step {n}: compiling module_{n}.c ok\n" for n in range(140_000))
    output = noise + f'Traceback (most recent call last):\n  File "{project}/app.py", line 1, in <module>\n'
    output += "ModuleNotFoundError: No module named 'aiohttp'\n"
    assert len(output) > 5_000_000
    if kind == "failure":
        payload = payloads.failure("python app.py", output, 1, str(project))
        payload["error"] = "Exit code 1\n" + output  # uncut: more than the host would send
    else:
        payload = payloads.success("python app.py 2>&1 | tee log", output, str(project))
    result = run(json.dumps(payload).encode(), project)
    assert result.returncode == 0, result.stderr
    assert_clean(result)
    assert "aiohttp" in json.loads(result.stdout)["hookSpecificOutput"]["additionalContext"]


def test_one_huge_line_is_answered(project: Path) -> None:
    """Minified output: a single line of hundreds of thousands of characters."""
    output = "x" * 400_000 + "\rProgress 100%\r" + "a(" * 50_000
    output += "\nModuleNotFoundError: No module named 'z'"
    result = run(json.dumps(payloads.failure("node build.js", output, 1, str(project))).encode(), project)
    assert result.returncode == 0, result.stderr
    assert_clean(result)
