"""Typed models of the host's hook events and of the answer we write (pydantic v2).

They document and validate the shapes: `replay` validates recorded payloads with them, tests
check our output against them, and `docs/protocol.md` is written from them. The hook's hot path
does not import this module (pydantic costs more start-up time than the whole hook may take).
Unknown fields are accepted everywhere: the host adds fields over time.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

MAX_CONTEXT_CHARS = 10_000
"""The host keeps at most this many characters of additionalContext."""


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class BashInput(_Open):
    command: str
    description: str | None = None
    timeout: int | None = None
    run_in_background: bool | None = None


class BashResponse(_Open):
    """`tool_response` of a Bash call that succeeded: stdout holds stdout and stderr merged."""

    stdout: str = ""
    stderr: str = ""
    interrupted: bool = False
    isImage: bool = False


class EditInput(_Open):
    file_path: str
    old_string: str = ""
    new_string: str = ""
    replace_all: bool | None = None


class WriteInput(_Open):
    file_path: str
    content: str = ""


class EditSpec(_Open):
    old_string: str
    new_string: str
    replace_all: bool | None = None


class MultiEditInput(_Open):
    file_path: str
    edits: list[EditSpec] = Field(default_factory=list)


class _CommonEvent(_Open):
    session_id: str = ""
    transcript_path: str | None = None
    cwd: str = ""
    permission_mode: str | None = None
    tool_name: str
    tool_input: dict[str, Any] = Field(default_factory=dict)
    tool_use_id: str | None = None
    duration_ms: float | None = None


class PostToolUse(_CommonEvent):
    """A tool call that succeeded. For Bash there is no exit code."""

    hook_event_name: Literal["PostToolUse"]
    tool_response: dict[str, Any] | str | None = None


class PostToolUseFailure(_CommonEvent):
    """A tool call that failed: `error` is "Exit code N\\n<merged output>"."""

    hook_event_name: Literal["PostToolUseFailure"]
    error: str = ""
    is_interrupt: bool = False


HookEvent = Annotated[PostToolUse | PostToolUseFailure, Field(discriminator="hook_event_name")]
HOOK_EVENT: TypeAdapter[PostToolUse | PostToolUseFailure] = TypeAdapter(HookEvent)

TOOL_INPUTS: dict[str, type[BaseModel]] = {
    "Bash": BashInput,
    "Edit": EditInput,
    "Write": WriteInput,
    "MultiEdit": MultiEditInput,
}


class HookSpecificOutput(_Open):
    hookEventName: Literal["PostToolUse", "PostToolUseFailure"]
    additionalContext: str = Field(max_length=MAX_CONTEXT_CHARS)


class HookOutput(_Open):
    """What the hook prints: the agent reads additionalContext, the user sees systemMessage."""

    hookSpecificOutput: HookSpecificOutput | None = None
    systemMessage: str | None = None


def validate_event(payload: Any) -> PostToolUse | PostToolUseFailure:
    """Validate a payload as one of the events we read; raises pydantic.ValidationError."""
    event = HOOK_EVENT.validate_python(payload)
    model = TOOL_INPUTS.get(event.tool_name)
    if model is not None:
        model.model_validate(event.tool_input)
    response = event.tool_response if isinstance(event, PostToolUse) else None
    if event.tool_name == "Bash" and isinstance(response, dict):
        BashResponse.model_validate(response)
    return event
