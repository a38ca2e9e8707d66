"""Verification: a remedy applied or suggested for a failing command is remembered with that command
in pending.json; its next run says whether it worked. Pure functions over the pending entry; the
memory store counts the outcomes in the pattern's `fix_stats` and logs them to fix-log.txt."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from healing_hooks.findings import Finding

REMEMBERED_KINDS = ("edit", "command")


def remembered_remedies(findings: Iterable[Finding]) -> list[dict[str, Any]]:
    """The remedies worth checking on the next run: edits and commands, applied or only suggested."""
    remembered = []
    for finding in findings:
        remedy = finding.remedy
        if remedy is None or remedy.kind not in REMEMBERED_KINDS:
            continue
        record: dict[str, Any] = {
            "finding_id": finding.id,
            "pattern_id": finding.pattern_id,
            "source": remedy.source,
            "summary": remedy.summary,
            "kind": remedy.kind,
            "applied": bool(finding.details.get("applied")),
        }
        for key in ("file", "line", "command"):
            value = getattr(remedy, key)
            if value is not None:
                record[key] = value
        remembered.append(record)
    return remembered


def verify_remedies(
    entry: Mapping[str, Any] | None, failed: bool, findings: Sequence[Finding]
) -> list[dict[str, Any]]:
    """One outcome per remembered remedy of the pending entry, now that its command ran again.

    Success → `succeeded`. Failure with the remedy's own finding again (same id: same pattern,
    place and message) → `failed`; failure with other findings only → `succeeded` (that problem
    is gone; the new one gets its own remedies).
    """
    if not entry:
        return []
    current = {f.id for f in findings}
    events = []
    for remedy in entry.get("remedies") or []:
        if not isinstance(remedy, dict):
            continue
        again = failed and remedy.get("finding_id") in current
        events.append(
            {
                "finding_id": remedy.get("finding_id"),
                "pattern_id": remedy.get("pattern_id"),
                "source": remedy.get("source"),
                "summary": remedy.get("summary"),
                "applied": bool(remedy.get("applied")),
                "outcome": "failed" if again else "succeeded",
                "command": entry.get("command"),
            }
        )
    return events


def mark_applied(commands: dict[str, Any], finding_id: str, record: Mapping[str, Any]) -> bool:
    """Flag a remembered remedy as applied (by `fix ID --apply`); False when none is pending."""
    for entry in commands.values():
        for remedy in entry.get("remedies") or []:
            if isinstance(remedy, dict) and remedy.get("finding_id") == finding_id:
                remedy["applied"] = True
                remedy["file"] = record.get("file", remedy.get("file"))
                remedy["line"] = record.get("line", remedy.get("line"))
                return True
    return False
