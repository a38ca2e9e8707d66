"""Python tracebacks: their frames, and the innermost frame that belongs to the project."""

from __future__ import annotations

import re
from dataclasses import dataclass

from healing_hooks.detect.text import relative_to_root
from healing_hooks.findings import Location

FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)(?:, in (?P<func>.+))?$', re.M)
_ENVIRONMENT = re.compile(
    r"(?:^|[/\\])(?:site-packages|dist-packages|lib[/\\]python\d[\d.]*|\.venv|venv|"
    r"\.tox|\.nox|<frozen|<string>|<stdin>)",
)


@dataclass(frozen=True)
class Frame:
    file: str
    line: int
    function: str
    offset: int

    def in_project(self, root: str) -> bool:
        """Project code: not the interpreter, not an installed package, not a frozen module."""
        if _ENVIRONMENT.search(self.file):
            return False
        relative = relative_to_root(self.file, root)
        return not (relative.startswith("/") or re.match(r"^[A-Za-z]:/", relative))


def frames_before(text: str, offset: int) -> list[Frame]:
    """The frames of the traceback that ends at `offset` (the exception line)."""
    start = text.rfind("Traceback (most recent call last)", 0, offset)
    return [
        Frame(m["file"], int(m["line"]), (m["func"] or "").strip(), m.start())
        for m in FRAME.finditer(text, max(start, 0), offset)
    ]


def innermost_project_location(text: str, offset: int, root: str) -> Location | None:
    """Where the error happened in the project's own code (else the innermost frame at all)."""
    frames = frames_before(text, offset)
    if not frames:
        return None
    chosen = next((f for f in reversed(frames) if f.in_project(root)), frames[-1])
    return Location(relative_to_root(chosen.file, root), chosen.line)
