"""Hook payloads in the host's shapes (DESIGN.md, docs/protocol.md), for tests that build them by hand.

Tests of detection use payloads recorded from real runs (tests/corpus); these builders are for the
protocol edge cases themselves: truncation, unknown fields, shells that could not start.
"""

from __future__ import annotations

from typing import Any

from tests.corpus.runner import truncate_middle as host_truncate


def common(command: str, cwd: str, **extra: Any) -> dict[str, Any]:
    return {
        "session_id": "3f0c2a9e-1d7b-4c55-9a8e-5b1f0e6d2c11",
        "transcript_path": "/home/dev/.claude/projects/x/3f0c2a9e.jsonl",
        "cwd": cwd,
        "permission_mode": "default",
        "tool_name": "Bash",
        "tool_input": {"command": command, "description": "Run the command"},
        "tool_use_id": "toolu_01ABCDEF",
        **extra,
    }


def success(command: str, output: str, cwd: str, **extra: Any) -> dict[str, Any]:
    """PostToolUse for a Bash command that exited 0: merged output in stdout, no exit code."""
    return {
        **common(command, cwd, **extra),
        "hook_event_name": "PostToolUse",
        "tool_response": {"stdout": output, "stderr": "", "interrupted": False, "isImage": False},
    }


def failure(command: str, output: str, exit_code: int | None, cwd: str, **extra: Any) -> dict[str, Any]:
    """PostToolUseFailure: `error` is "Exit code N" and the merged output, cut by the host."""
    parts = [f"Exit code {exit_code}" if exit_code is not None else "", output]
    error = "\n".join(p for p in parts if p).strip() or "Command failed with no output"
    return {
        **common(command, cwd, **extra),
        "hook_event_name": "PostToolUseFailure",
        "error": host_truncate(error),
        "is_interrupt": False,
    }


def edit(file_path: str, old: str, new: str, cwd: str) -> dict[str, Any]:
    """PostToolUse of the Edit tool."""
    return {
        **common("", cwd),
        "hook_event_name": "PostToolUse",
        "tool_name": "Edit",
        "tool_input": {"file_path": file_path, "old_string": old, "new_string": new},
        "tool_response": {"filePath": file_path, "oldString": old, "newString": new},
    }
