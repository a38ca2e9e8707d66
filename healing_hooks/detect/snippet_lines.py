"""The lines of an annotated snippet (rustc, ruff): spans, numbered source lines, marker runs."""

from __future__ import annotations

from healing_hooks.lazyre import lazy
from healing_hooks.records import dataclass

SPAN = lazy(r"^\s*(?:-->|:::|╭▸|-\[)\s*(?P<file>.+?):(?P<line>\d+)(?::(?P<col>\d+))?\s*$")
SOURCE = lazy(r"^(?P<num> *\d+)? *(?P<sep>[|~+-])(?: (?P<text>.*)|$)")
MARKERS = frozenset("^-+~")
DRAWING = frozenset("|/\\_ ")


@dataclass(frozen=True)
class Run:
    """A run of one marker character under a source line."""

    start: int  # index in the marker text (0-based); code column = start + 1
    end: int
    char: str


def marker_runs(text: str) -> list[Run]:
    """Marker runs (`^^^`, `---`, `+++`, `~~~`) of a marker line, before any label text."""
    runs: list[Run] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char in MARKERS:
            end = index
            while end < len(text) and text[end] == char:
                end += 1
            runs.append(Run(index, end, char))
            index = end
        elif char in DRAWING:
            index += 1
        else:
            break
    return runs
