"""Memory JSON files as text: one record per line, encoded by the C encoder, cleaned per record.

`json.dump(..., indent=2)` runs Python's pure-Python encoder (the C one only does compact output),
which made rewriting a pattern file of 500 learned patterns cost tens of milliseconds on every
failure. Here the top level and its collections are laid out by hand, one entry per line, and each
entry is encoded compactly in C: still easy to read, edit and diff (a pattern is one line).

`clean` (the redactor) is given each entry as a one-key object, with its compact text so that it
can skip, in one regex search, the entries that hold none of its trigger words.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

Clean = Callable[[str, dict[str, Any]], dict[str, Any]]
"""(an entry's compact text, the entry as {key: value}) -> the entry to write."""


def dumps(data: Any, clean: Clean | None = None) -> str:
    """The document as text: its keys one per line, their lists and objects one item per line."""
    if not isinstance(data, dict) or not data:
        return _compact(data) + "\n"
    lines = [_top_entry(key, value, clean) for key, value in data.items()]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def _top_entry(key: str, value: Any, clean: Clean | None) -> str:
    if isinstance(value, list) and value:
        items = [_entry("", item, clean)[1] for item in value]
        return f"  {_compact(key)}: [\n" + ",\n".join(f"    {item}" for item in items) + "\n  ]"
    if isinstance(value, dict) and value:
        pairs = [_entry(str(k), item, clean) for k, item in value.items()]
        body = ",\n".join(f"    {_compact(k)}: {item}" for k, item in pairs)
        return f"  {_compact(key)}: {{\n{body}\n  }}"
    name, text = _entry(str(key), value, clean)
    return f"  {_compact(name)}: {text}"


def _entry(key: str, value: Any, clean: Clean | None) -> tuple[str, str]:
    """(key, compact text of value), after cleaning."""
    text = _compact(value)
    if clean is None:
        return key, text
    cleaned = clean(f"{key} {text}", {key: value})
    ((new_key, new_value),) = cleaned.items()
    return new_key, text if new_value is value and new_key == key else _compact(new_value)


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
