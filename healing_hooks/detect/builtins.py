"""The shipped pattern entries and their regex facts, read from one snapshot file.

Parsing the JSON files of `data/patterns` (~370 KB) and the regex-facts cache cost ~29 M
instructions per failure, 40% of bare Python's start-up. `marshal` reads the same entries and
facts from one file in the user's cache folder (beside the facts cache, never in a project) for a
fraction of that. The file name carries the package's and the analysis's versions and the
installation's folder; the file holds a stamp of the shipped files (names, sizes, modification
times). When they differ, or the file is damaged or foreign, the snapshot is rebuilt from the
JSON files and written again (best effort: a snapshot that cannot be written only costs speed).
"""

from __future__ import annotations

import json
import marshal
import os
from typing import Any

from healing_hooks import __version__
from healing_hooks.atomic import replace_with_bytes
from healing_hooks.data import FOLDER, data_names, data_path, read_data
from healing_hooks.detect.regexcheck import FACTS_VERSION, RegexFacts, examine
from healing_hooks.digest import short_sha1

SNAPSHOT_NAME = f"builtin-patterns-{__version__}-{FACTS_VERSION}-{short_sha1(FOLDER, 8)}.marshal"
"""Named after the installation too: two venvs of one version must not rewrite each other's."""

Entries = tuple[dict[str, Any], ...]
Facts = dict[str, RegexFacts]


def shipped_stamp() -> tuple[tuple[str, int, int], ...]:
    """(name, size, mtime in ns) of each shipped pattern file."""
    stamp = []
    for name in data_names("patterns"):
        if name.endswith(".json"):
            info = os.stat(data_path(f"patterns/{name}"))
            stamp.append((name, info.st_size, info.st_mtime_ns))
    return tuple(stamp)


def read_shipped() -> Entries:
    """Every entry of the shipped pattern files, in file order."""
    entries: list[dict[str, Any]] = []
    for name in data_names("patterns"):
        if name.endswith(".json"):
            data = json.loads(read_data(f"patterns/{name}"))
            entries.extend({"source": "builtin", **p} for p in data.get("patterns", []))
    return tuple(entries)


def load_builtins(folder: str | None) -> tuple[Entries, Facts]:
    """The shipped entries and the facts of their regexes: from the snapshot in `folder` when it
    matches the shipped files, else worked out (and the snapshot written)."""
    stamp = shipped_stamp()
    path = os.path.join(folder, SNAPSHOT_NAME) if folder else None
    found = _read_snapshot(path, stamp) if path else None
    if found is not None:
        return found
    entries = read_shipped()
    facts = {e["error_regex"]: _facts_of(e["error_regex"]) for e in entries if _is_regex(e)}
    if path:
        _write_snapshot(path, stamp, entries, facts)
    return entries, {k: v for k, v in facts.items() if v is not None}


def _is_regex(entry: dict[str, Any]) -> bool:
    return isinstance(entry.get("error_regex"), str) and bool(entry["error_regex"])


def _facts_of(source: str) -> RegexFacts | None:
    try:
        return examine(source)
    except (ValueError, RecursionError, OverflowError):  # re.error is a ValueError
        return None  # compile_entry says why when it meets the entry


def _read_snapshot(path: str, stamp: tuple[tuple[str, int, int], ...]) -> tuple[Entries, Facts] | None:
    try:
        with open(path, "rb") as handle:
            data = marshal.loads(handle.read())  # (marshal.load reads the file piece by piece: 5x slower)
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if not (isinstance(data, tuple) and len(data) == 3 and data[0] == stamp):
        return None
    entries, facts = data[1], data[2]
    if not (isinstance(entries, tuple) and all(isinstance(e, dict) for e in entries)):
        return None
    if not (isinstance(facts, dict) and all(_well_formed(k, v) for k, v in facts.items())):
        return None
    return entries, {source: RegexFacts(*row) for source, row in facts.items()}


def _well_formed(source: object, row: object) -> bool:
    return (
        isinstance(source, str)
        and isinstance(row, tuple)
        and len(row) == 4
        and isinstance(row[0], str)
        and isinstance(row[1], bool)
        and isinstance(row[2], bool)
        and (row[3] is None or isinstance(row[3], str))
    )


def _write_snapshot(
    path: str, stamp: tuple[tuple[str, int, int], ...], entries: Entries, facts: dict[str, RegexFacts | None]
) -> None:
    rows = {
        source: (f.literal, f.ignore_case, f.single_line, f.problem)
        for source, f in facts.items()
        if f is not None
    }
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        replace_with_bytes(path, marshal.dumps((stamp, entries, rows)))
    except (OSError, ValueError):  # ValueError: an entry marshal cannot hold (it only holds JSON data)
        return
