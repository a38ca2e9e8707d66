"""Hook payload → Observation: the one view of a tool call that the rest of the code sees.

Reads the payload defensively with the standard library (pydantic stays off the hook's path);
`protocol.py` holds the typed models of the same shapes for validation and documentation.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from healing_hooks.errors import HookError
from healing_hooks.lazyre import lazy
from healing_hooks.records import dataclass, field

EXIT_CODE_LINE = lazy(r"\AExit code (-?\d+)\r?\n?")
TRUNCATION_MARKER = lazy(r"\.\.\. \[(\d+) characters truncated\] \.\.\.")


@dataclass
class Observation:
    """A tool call as the pipeline sees it."""

    event: str
    tool_name: str
    command: str
    output: str
    exit_code: int | None
    interrupted: bool
    cwd: str
    project_root: str
    session_id: str = ""
    tool_use_id: str = ""
    duration_ms: int | None = None
    truncated_chars: int = 0
    host_notice: str = ""
    tool_input: dict[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        """The host reported a failure (PostToolUseFailure)."""
        return self.event == "PostToolUseFailure"

    @property
    def truncated(self) -> bool:
        return self.truncated_chars > 0


def observation_from_payload(payload: Mapping[str, Any], env: Mapping[str, str] | None = None) -> Observation:
    """Build the Observation of one hook payload; raise HookError naming a malformed field."""
    env = os.environ if env is None else env
    event = _text(payload, "hook_event_name", required=True)
    tool_input = payload.get("tool_input") or {}
    if not isinstance(tool_input, dict):
        raise HookError(f"payload field 'tool_input' is a {type(tool_input).__name__}, not an object")
    command = tool_input.get("command", "")
    if not isinstance(command, str):
        raise HookError("payload field 'tool_input.command' is not a string")
    cwd = _text(payload, "cwd")
    output, exit_code, interrupted, notice = _result(payload, event)
    marker = TRUNCATION_MARKER.search(output)
    return Observation(
        event=event,
        tool_name=_text(payload, "tool_name"),
        command=command,
        output=output,
        exit_code=exit_code,
        interrupted=interrupted,
        cwd=cwd,
        project_root=env.get("CLAUDE_PROJECT_DIR") or cwd or os.getcwd(),
        session_id=_text(payload, "session_id"),
        tool_use_id=_text(payload, "tool_use_id"),
        duration_ms=_int_or_none(payload.get("duration_ms")),
        truncated_chars=int(marker.group(1)) if marker else 0,
        host_notice=notice,
        tool_input=tool_input,
    )


def _result(payload: Mapping[str, Any], event: str) -> tuple[str, int | None, bool, str]:
    """Output, exit code, interrupted flag and host notice of either event."""
    if event == "PostToolUseFailure":
        error = payload.get("error", "")
        if not isinstance(error, str):
            raise HookError("payload field 'error' is not a string")
        output, exit_code = split_exit_code(error)
        return output, exit_code, payload.get("is_interrupt") is True, ""
    response = payload.get("tool_response")
    if isinstance(response, str):
        return response, 0, False, ""
    if not isinstance(response, dict):
        return "", 0, False, ""
    stdout = response.get("stdout", "")
    stderr = response.get("stderr", "")
    interrupted = response.get("interrupted") is True
    return (
        stdout if isinstance(stdout, str) else "",
        None if interrupted else 0,
        interrupted,
        stderr if isinstance(stderr, str) else "",
    )


def split_exit_code(error: str) -> tuple[str, int | None]:
    """`"Exit code 2\\n<output>"` → (output, 2); no such line (shell did not start) → None."""
    match = EXIT_CODE_LINE.match(error)
    if not match:
        return error, None
    return error[match.end() :], int(match.group(1))


def _text(payload: Mapping[str, Any], key: str, *, required: bool = False) -> str:
    value = payload.get(key)
    if value is None:
        if required:
            raise HookError(f"payload has no '{key}' field")
        return ""
    if not isinstance(value, str):
        raise HookError(f"payload field '{key}' is a {type(value).__name__}, not a string")
    return value


def _int_or_none(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)
