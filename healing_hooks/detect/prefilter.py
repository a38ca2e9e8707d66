"""Which required literals an output holds, in few passes over it.

Checking each of several hundred literals with `in` walks a large output once per literal. Instead
the literals are grouped under shared 4-character keys (`rror` covers hundreds of them): one pass
per key finds the lines that hold it, and the family's literals are looked for in those lines only.
A key that is everywhere (more than MAX_KEY_LINES lines) falls back to plain `in` checks for its
family; a family of one checks its literal directly (a longer needle is the faster search).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

KEY_LENGTH = 4
MAX_KEY_LINES = 2_000


class LiteralIndex:
    """The literals of a pattern library, grouped under the keys that cover the most of them."""

    def __init__(self, literals: Iterable[str]) -> None:
        distinct = sorted(set(literals))
        grams = {
            literal: {literal[i : i + KEY_LENGTH] for i in range(len(literal) - KEY_LENGTH + 1)}
            for literal in distinct
            if "\n" not in literal
        }
        cover = Counter(gram for found in grams.values() for gram in found)
        self.alone = [literal for literal in distinct if not grams.get(literal)]
        self.families: dict[str, list[str]] = {}
        for literal, found in grams.items():
            if found:
                key = max(found, key=lambda gram: (cover[gram], gram))
                self.families.setdefault(key, []).append(literal)

    def present(self, text: str) -> set[str]:
        """The literals that occur in `text`."""
        found = {literal for literal in self.alone if literal in text}
        for key, family in self.families.items():
            if len(family) == 1:
                if family[0] in text:
                    found.add(family[0])
                continue
            lines = lines_holding(text, key)
            haystack = text if lines is None else lines
            if haystack:
                found.update(literal for literal in family if literal in haystack)
        return found


def lines_holding(text: str, key: str) -> str | None:
    """The lines of `text` that hold `key`, joined; None when there are too many to be worth it."""
    parts: list[str] = []
    position = text.find(key)
    while position >= 0:
        if len(parts) >= MAX_KEY_LINES:
            return None
        start = text.rfind("\n", 0, position) + 1
        end = text.find("\n", position + len(key))
        end = len(text) if end < 0 else end
        parts.append(text[start:end])
        position = text.find(key, end)
    return "\n".join(parts)
