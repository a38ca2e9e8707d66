"""Which required literals an output holds, in few passes over it.

Checking each of several hundred literals with `in` walks a large output once per literal. Instead
the literals are grouped under few shared 4-character keys without blanks (a greedy set cover:
`rror` alone covers hundreds). The output's distinct words are joined once (a long log repeats
itself: 1 MB of build output is ~350 KB of distinct words); a key not among them is not in the
output. For a key that is, the lines that hold it are collected and the family's literals are
looked for in those lines only. A key that is everywhere (more than MAX_KEY_LINES lines) falls back
to plain `in` checks for its family; a family of one checks its literal directly (a longer needle
is the faster search).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from functools import lru_cache

KEY_LENGTH = 4
MAX_KEY_LINES = 2_000


class LiteralIndex:
    """The literals of a pattern library, grouped under few shared keys (greedy set cover)."""

    def __init__(self, literals: Iterable[str]) -> None:
        distinct = sorted(set(literals))
        covers: dict[str, set[str]] = {}
        for literal in distinct:
            if "\n" in literal:
                continue
            for i in range(len(literal) - KEY_LENGTH + 1):
                key = literal[i : i + KEY_LENGTH]
                if not any(c.isspace() for c in key):  # keys are looked for in the output's words
                    covers.setdefault(key, set()).add(literal)
        self.families = _cover(covers)
        covered = {literal for family in self.families.values() for literal in family}
        self.alone = [literal for literal in distinct if literal not in covered]
        self.one_word = frozenset(literal for literal in covered if literal.split() == [literal])
        """Literals without blanks: each is in the output exactly when it is in one of its words."""

    def present(self, text: str) -> set[str]:
        """The literals that occur in `text`."""
        found = {literal for literal in self.alone if literal in text}
        words = "\n".join(set(text.split()))  # each distinct word once: a long log repeats itself
        for key, family in self.families.items():
            if key not in words:
                continue
            lines = lines_holding(text, key) if len(family) > 1 else None
            for literal in family:
                if literal in (lines if lines is not None else words if literal in self.one_word else text):
                    found.add(literal)
        return found


@lru_cache(maxsize=4)
def literal_index(literals: frozenset[str]) -> LiteralIndex:
    """The index of a set of literals, built once per process (libraries rebuilt from the same
    patterns share it)."""
    return LiteralIndex(literals)


def _cover(covers: dict[str, set[str]]) -> dict[str, list[str]]:
    """Greedy set cover: the key that covers the most literals not yet covered, until none is left."""
    heap = [(-len(literals), key) for key, literals in covers.items()]
    heapq.heapify(heap)
    uncovered = set().union(*covers.values()) if covers else set()
    families: dict[str, list[str]] = {}
    while uncovered and heap:
        stale, key = heapq.heappop(heap)
        gain = covers[key] & uncovered
        if len(gain) < -stale:
            if gain:
                heapq.heappush(heap, (-len(gain), key))  # its count was out of date: try again later
            continue
        families[key] = sorted(gain)
        uncovered -= gain
    return families


def lines_holding(text: str, key: str) -> str | None:
    """The lines of `text` that hold `key`, joined; None when more than MAX_KEY_LINES do."""
    parts: list[str] = []
    position = text.find(key)
    while position >= 0:
        if len(parts) == MAX_KEY_LINES:
            return None
        start = text.rfind("\n", 0, position) + 1
        end = text.find("\n", position + len(key))
        end = len(text) if end < 0 else end
        parts.append(text[start:end])
        position = text.find(key, end)
    return "\n".join(parts)
