"""Findings → the few lines the agent reads on its next turn, under the host's size limit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from healing_hooks.findings import Finding
from healing_hooks.observation import Observation
from healing_hooks.redact import redact

MAX_CONTEXT_CHARS = 10_000
MAX_STEPS = 5
SPEAK_ABOVE = "low"
"""A successful command with nothing above this severity gets no feedback."""


def worth_saying(
    obs: Observation, findings: Sequence[Finding], success_warnings: bool = True
) -> list[Finding]:
    """The findings the agent should hear about. On success only the ones above low, and with
    `success_warnings` off (config `report_success_warnings`) only the errors the exit status hid
    (high or critical: `pytest | tail` exits 0 on failing tests), not the warnings."""
    if obs.failed:
        return list(findings)
    quiet = ("low",) if success_warnings else ("low", "medium")
    return [f for f in findings if f.severity not in quiet]


def render_context(obs: Observation, findings: Sequence[Finding], max_findings: int = 5) -> str:
    """The additionalContext text: cause, place and next step for each finding."""
    shown = list(findings)[:max_findings]
    status = f"exit {obs.exit_code}" if obs.exit_code is not None else "no exit code"
    if not obs.failed:
        status = "succeeded, but"
    head = f"healing-hooks: `{_short(obs.command, 80)}` ({status}) — {_count(len(findings))}"
    lines = [head]
    for number, finding in enumerate(shown, 1):
        lines.extend(_finding_lines(number, finding))
    if len(findings) > len(shown):
        lines.append(f"(+{len(findings) - len(shown)} more: `healing-hooks log --last`)")
    if obs.truncated:
        lines.append(f"(the host cut {obs.truncated_chars} characters from the middle of the output)")
    return _fit("\n".join(lines))


def _finding_lines(number: int, finding: Finding) -> list[str]:
    where = f" at {finding.location}" if finding.location else ""
    lines = [f"{number}. [{finding.category}/{finding.severity}] {finding.message}{where}"]
    remedy = finding.remedy
    if remedy is None:
        return lines
    applied = finding.details.get("applied")
    if isinstance(applied, dict):
        lines.append(f"   {_applied_line(applied)}")
    elif remedy.kind == "edit":
        lines.append(f"   fix: {remedy.summary} (`healing-hooks fix {finding.id} --apply`)")
    elif remedy.kind == "command":
        lines.append(f"   fix: run `{remedy.command}`")
    else:
        lines.append(f"   next: {remedy.summary}")
        lines.extend(f"     {i}) {step}" for i, step in enumerate(remedy.steps[:MAX_STEPS], 1))
        return lines
    if remedy.kind == "edit" and remedy.command and not isinstance(applied, dict):
        lines.append(f"   then run `{remedy.command}`")
    lines.extend(f"   - {step}" for step in remedy.steps[:MAX_STEPS])
    return lines


def _applied_line(applied: dict[str, object]) -> str:
    """What the hook changed on its own (config auto_apply), exactly: place, before → after."""
    if applied.get("outcome") == "ran":
        return f"ran `{applied.get('command')}` (allowed by config): exit {applied.get('exit_code')}"
    return (
        f"APPLIED (auto_apply): {applied.get('file')}:{applied.get('line')}: "
        f"`{_short(str(applied.get('before', '')), 160)}` → `{_short(str(applied.get('after', '')), 160)}` "
        f"(backup {applied.get('backup')}); re-run the command to check"
    )


def hook_output(event: str, context: str, notices: Sequence[str]) -> dict[str, Any] | None:
    """The JSON object the hook prints, or None when there is nothing to say."""
    output: dict[str, Any] = {}
    if context:
        output["hookSpecificOutput"] = {"hookEventName": event, "additionalContext": _fit(redact(context))}
    if notices:
        output["systemMessage"] = _fit(redact("healing-hooks: " + "; ".join(notices)), 2_000)
    return output or None


def _count(n: int) -> str:
    return "1 problem" if n == 1 else f"{n} problems"


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fit(text: str, limit: int = MAX_CONTEXT_CHARS) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 40].rstrip() + "\n… (cut to fit the host's limit)"
