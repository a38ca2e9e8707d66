"""Where a pattern match points: its own `file`/`line`/`column` groups, a compiler's `-->` line
right after it, or the innermost project frame of the Python traceback it ends."""

from __future__ import annotations

from healing_hooks.detect.text import relative_to_root
from healing_hooks.findings import Finding, Location
from healing_hooks.lazyre import lazy

TRACEBACK_TOOLS = frozenset({"python", "pytest", "any"})
"""Tools whose pattern matches end a Python traceback (so its frames give the place)."""

ARROW = lazy(r"[^\n]*\n {0,12}--> (?P<file>[^\n:]{1,500}):(?P<line>\d{1,7})(?::(?P<column>\d{1,5}))?")


def pattern_location(finding: Finding, text: str, root: str) -> Location | None:
    """The place a pattern finding is about, or None when the output does not say."""
    details = finding.details
    if isinstance(details.get("file"), str) and str(details.get("line", "")).isdigit():
        return Location(
            relative_to_root(details["file"], root), int(details["line"]), _int(details.get("column"))
        )
    offset = details.get("offset")
    if not isinstance(offset, int):
        return None
    arrow = ARROW.match(text, offset, offset + 2_000)
    if arrow:
        return Location(relative_to_root(arrow["file"], root), int(arrow["line"]), _int(arrow["column"]))
    if finding.tool in TRACEBACK_TOOLS:
        from healing_hooks.detect.python import innermost_project_location  # only for tracebacks

        return innermost_project_location(text, offset, root)
    return None


def _int(value: object) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None
