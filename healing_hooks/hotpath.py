"""The hook entry point and its fast pre-check.

This module is what runs after every Bash command, so it imports only the standard library. It
reads the payload, decides cheaply whether there is anything to do, and only then imports the
pipeline (and with it the heavier modules).
"""

from __future__ import annotations

import gc
import json
import os
import re
import sys
from collections.abc import Mapping, Sequence

from healing_hooks import commandline
from healing_hooks.errors import HookError, report_failure

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing here
if TYPE_CHECKING:
    from healing_hooks.pipeline import Answer

PENDING_FILE = os.path.join(".claude-flow", "memory", "pending.json")
"""Exists only while a failure awaits its next run (verification, learning from edits)."""

EDIT_TOOLS = frozenset({"Edit", "Write", "MultiEdit", "NotebookEdit"})

# What a successful command's output must show before it is worth a closer look. A command the
# host calls successful can still hide failures (`pytest | tail` exits with tail's status) or
# print warnings that matter. Compiled only when one of SIGNAL_WORDS is in the output: most
# successful outputs (ls, git status, a build that went well) hold none of them.
SIGNAL_SOURCE = (
    r"Traceback \(most recent call last\)|^\s*(?:error|warning)(?:\[[A-Za-z]*\d+\])?:"
    r"|\bFAILED\b|\b\d+ (?:failed|errors?)\b|never awaited|command not found|Permission denied"
    r"|No such file or directory|panicked at|^\s*[\w.]*(?:Error|Exception|Warning): "
    r"|^FAIL\b|npm ERR!|\bERROR\b|\btimed? ?out\b"
)
SIGNAL_WORDS = (
    "rror", "ERR", "arning", "FAIL", "failed", "Traceback", "awaited", "not found", "denied",
    "No such file", "panicked", "Exception", "time",
)
"""Every match of SIGNAL_SOURCE holds one of these (a cheap test before compiling it)."""
SIGNAL_WINDOW = 200_000
"""Characters of output scanned from each end; the signal of an error sits near the end."""


def run_hook(
    argv: Sequence[str],
    stdin: bytes | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Read one hook payload from stdin, answer on stdout; the exit code the host sees."""
    env = os.environ if environ is None else environ
    try:
        payload = read_payload(sys.stdin.buffer.read() if stdin is None else stdin)
        if not needs_pipeline(payload, env):
            return 0
        answer = _run_pipeline(payload, env)
        if answer.output is not None:
            _write_answer(json.dumps(answer.output, ensure_ascii=False))
    except Exception as exc:  # noqa: BLE001 - the one error boundary of the hook
        return report_failure(exc, env)
    return answer.exit_code


def _run_pipeline(payload: Mapping[str, object], env: Mapping[str, str]) -> Answer:
    """The pipeline, with the garbage collector off: the process lives a fraction of a second and
    makes no cycles worth a collection, and the collections that importing and loading the pattern
    library set off cost ~15 M instructions (a fifth of bare Python's start-up)."""
    from healing_hooks.pipeline import handle_hook_event

    was_on = gc.isenabled()
    gc.disable()
    try:
        return handle_hook_event(payload, env)
    finally:
        if was_on:
            gc.enable()


def _write_answer(text: str) -> None:
    """UTF-8 whatever the locale says (the host reads UTF-8; a Latin-1 terminal must not crash us)."""
    data = (text + "\n").encode("utf-8", "replace")
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a replaced stdout (tests): text is all it takes
        sys.stdout.write(data.decode("utf-8"))
        return
    buffer.write(data)
    buffer.flush()


def read_payload(raw: bytes) -> dict[str, object]:
    """Decode the hook's JSON object, or raise a HookError that says what is wrong."""
    if not raw.strip():
        raise HookError("empty hook payload on stdin (expected one JSON object)")
    try:
        payload = json.loads(raw)
    except ValueError as exc:  # UnicodeDecodeError is a ValueError too
        raise HookError(f"hook payload is not JSON: {exc}") from None
    except RecursionError:
        raise HookError("hook payload is not JSON we accept: nested too deeply") from None
    if not isinstance(payload, dict):
        raise HookError(f"hook payload is a JSON {type(payload).__name__}, expected an object")
    if _SURROGATE_ESCAPE.search(raw):
        payload = {str(_whole_characters(k)): _whole_characters(v) for k, v in payload.items()}
    return payload


_SURROGATE_ESCAPE = re.compile(rb"\\[uU][dD][89a-fA-F]")
"""A `\\udXXX` escape: JSON may carry half of a surrogate pair, which no file or pipe can encode."""


def _whole_characters(value: object) -> object:
    """The value with every lone surrogate replaced by U+FFFD (pairs become their character)."""
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, dict):
        return {str(_whole_characters(k)): _whole_characters(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_whole_characters(item) for item in value]
    return value


def project_root(payload: Mapping[str, object], env: Mapping[str, str]) -> str:
    """`CLAUDE_PROJECT_DIR` when set, else the payload's cwd."""
    root = env.get("CLAUDE_PROJECT_DIR") or payload.get("cwd")
    return root if isinstance(root, str) and root else os.getcwd()


def needs_pipeline(payload: Mapping[str, object], env: Mapping[str, str]) -> bool:
    """Cheap decision: does this event have anything to detect, record or verify?"""
    event = payload.get("hook_event_name")
    tool = payload.get("tool_name")
    if not isinstance(tool, str):
        return False  # nothing we handle (and not hashable, if it is a list)
    if event == "PostToolUseFailure":
        return tool == "Bash"
    if event != "PostToolUse":
        return False
    if tool in EDIT_TOOLS:
        return _pending_exists(payload, env)
    if tool != "Bash":
        return False
    tool_input = payload.get("tool_input")
    command = tool_input.get("command") if isinstance(tool_input, dict) else None
    if not isinstance(command, str):
        return True  # malformed: let the pipeline explain it
    if commandline.runs_tests(command) or _pending_exists(payload, env):
        return True
    return _has_signal(_success_output(payload)) and not commandline.only_views_files(command)


def _success_output(payload: Mapping[str, object]) -> str:
    response = payload.get("tool_response")
    if isinstance(response, dict):
        stdout = response.get("stdout")
        return stdout if isinstance(stdout, str) else ""
    return response if isinstance(response, str) else ""


def _has_signal(output: str) -> bool:
    if len(output) > 2 * SIGNAL_WINDOW:
        return _has_signal(output[-SIGNAL_WINDOW:]) or _has_signal(output[:SIGNAL_WINDOW])
    if not any(word in output for word in SIGNAL_WORDS):
        return False
    return re.search(SIGNAL_SOURCE, output, re.MULTILINE) is not None


def _pending_exists(payload: Mapping[str, object], env: Mapping[str, str]) -> bool:
    return os.path.exists(os.path.join(project_root(payload, env), PENDING_FILE))
