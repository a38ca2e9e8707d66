"""What one run's findings say about each other: the summary line, the other problems."""

from __future__ import annotations

from collections.abc import Sequence

from healing_hooks.findings import Finding

MAX_RELATED = 10


def short(finding: Finding) -> str:
    """A finding in one line: the output line it stands for, and its place."""
    evidence = str(finding.details.get("evidence") or finding.message).splitlines()[0]
    where = f" at {finding.location}" if finding.location else ""
    return f"{evidence[:200]}{where}"


def link_related(findings: Sequence[Finding], summary: str | None = None) -> None:
    """Give each finding the run's summary line and the other findings of the same run."""
    lines = [short(finding) for finding in findings[: MAX_RELATED + 1]]
    for index, finding in enumerate(findings):
        if summary:
            finding.details.setdefault("summary", summary)
        others = [line for i, line in enumerate(lines) if i != index][:MAX_RELATED]
        if others:
            finding.details["related"] = others
