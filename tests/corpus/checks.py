"""What a recording must show for its case to be what it claims (shared by record.py and tests)."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from .runner import Expect, Recorded, host_counts_as_success

SUCCESS_KEYS = frozenset({
    "session_id", "transcript_path", "cwd", "hook_event_name", "permission_mode", "tool_name",
    "tool_input", "tool_response", "tool_use_id",
})  # fmt: skip
FAILURE_KEYS = (SUCCESS_KEYS - {"tool_response"}) | {"error", "is_interrupt"}
TOOL_RESPONSE_KEYS = frozenset({"stdout", "stderr", "interrupted", "isImage"})


def location_forms(file: str, line: int) -> list[str]:
    """The ways tools write "file at line": traceback, colon, tsc, pytest fixture, bash."""
    forms = []
    # go prints test files relative to their package directory, so accept the bare name too
    for name in dict.fromkeys((file, PurePosixPath(file).name)):
        forms += [
            f'{name}", line {line}',  # python traceback
            f"{name}:{line}",  # rustc, pytest, mypy, ruff, node, go, make
            f"{name}({line},",  # tsc
            f"{name}, line {line}",  # pytest "file ..., line N"
            f"{name}: line {line}",  # bash
        ]
    return forms


def mentions_location(output: str, file: str, line: int | None) -> bool:
    """Whether output names the file (and the line, when given) in one of the usual forms."""
    if line is None:
        return file in output or PurePosixPath(file).name in output
    return any(form in output for form in location_forms(file, line))


def expectation_problems(output: str, expect: Expect) -> list[str]:
    """What the output lacks that the case's Expect promises."""
    problems = [f"fact {fact!r} not in output" for fact in expect.facts if fact not in output]
    if expect.file is not None and not mentions_location(output, expect.file, expect.line):
        where = expect.file if expect.line is None else f"{expect.file} line {expect.line}"
        problems.append(f"location {where} not in output")
    return problems


def recording_problems(rec: Recorded) -> list[str]:
    """Why this recording does not behave as its case claims (empty list: it does)."""
    if rec.interrupted:
        return [f"killed by the runner after {rec.case.timeout}s"]
    if rec.case.expect is None:
        if host_counts_as_success(rec.command, rec.exit_code):
            return []
        return [f"healthy case failed with exit code {rec.exit_code}"]
    return expectation_problems(rec.output, rec.case.expect)


def payload_problems(payload: dict[str, Any], rec: Recorded) -> list[str]:
    """Where the payload departs from what Claude Code sends for this recording (DESIGN.md)."""
    problems = []
    if payload.get("cwd") != str(rec.root):
        problems.append("cwd is not the project root")
    if payload.get("tool_name") != "Bash" or payload["tool_input"].get("command") != rec.command:
        problems.append("tool_name/tool_input do not describe the Bash command")
    event = payload.get("hook_event_name")
    if event == "PostToolUse":
        problems += _success_problems(payload)
    elif event == "PostToolUseFailure":
        problems += _failure_problems(payload, rec)
    else:
        problems.append(f"unexpected hook_event_name {event!r}")
    return problems


def _success_problems(payload: dict[str, Any]) -> list[str]:
    problems = []
    if set(payload) != SUCCESS_KEYS:
        problems.append(f"PostToolUse keys {sorted(set(payload) ^ SUCCESS_KEYS)} differ")
    response = payload.get("tool_response", {})
    if set(response) != TOOL_RESPONSE_KEYS:
        problems.append("tool_response keys differ")
    if response.get("stderr") != "" or response.get("interrupted") is not False:
        problems.append("tool_response stderr/interrupted wrong")
    return problems


def _failure_problems(payload: dict[str, Any], rec: Recorded) -> list[str]:
    problems = []
    if set(payload) != FAILURE_KEYS:
        problems.append(f"PostToolUseFailure keys {sorted(set(payload) ^ FAILURE_KEYS)} differ")
    error = payload.get("error", "")
    first_line = error.split("\n", 1)[0]
    if rec.exit_code is not None and first_line != f"Exit code {rec.exit_code}":
        problems.append("error does not start with the exit code line")
    if payload.get("is_interrupt") is not rec.interrupted:
        problems.append("is_interrupt does not match the recording")
    return problems
