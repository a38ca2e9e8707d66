"""The command a developer meant when the shell says `carg: command not found`.

Candidates are a data list of common developer commands (healing_hooks/data/commands.json, most
common first) and, when that list has nothing close, the names on PATH. Reading PATH is the only
I/O here: a few directory listings, done once per process and only for a missing command.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache

from healing_hooks.data import read_data
from healing_hooks.records import dataclass

MAX_PATH_NAMES = 20_000


@dataclass(frozen=True)
class CommandData:
    """The shipped knowledge about commands."""

    commands: tuple[str, ...]
    alternatives: dict[str, tuple[str, ...]]
    install: dict[str, str]


@cache
def command_data() -> CommandData:
    """The command list, alternatives and install hints shipped with the package."""
    text = read_data("commands.json")
    data = json.loads(text)
    return CommandData(
        commands=tuple(dict.fromkeys(data.get("commands", []))),
        alternatives={k: tuple(v) for k, v in data.get("alternatives", {}).items()},
        install=dict(data.get("install", {})),
    )


@cache
def path_commands(path: str | None = None) -> tuple[str, ...]:
    """Names of the files in the PATH directories (bounded; unreadable directories skipped)."""
    names: list[str] = []
    for folder in (path if path is not None else os.environ.get("PATH", "")).split(os.pathsep):
        try:
            with os.scandir(folder or ".") as entries:
                names.extend(entry.name for entry in entries if not entry.name.startswith("."))
        except OSError:
            continue
        if len(names) >= MAX_PATH_NAMES:
            break
    return tuple(dict.fromkeys(names[:MAX_PATH_NAMES]))


def closest_command(name: str, candidates: Iterable[str] | None = None) -> str | None:
    """The candidate nearest to `name` within a small edit distance, or None.

    By default the candidates are the known commands, then the names on PATH. Transpositions count
    as one edit (`pyhton` → `python`). Among equally close candidates the first wins, so the data
    list's order (most common first) breaks ties.
    """
    if candidates is None:
        return _closest_known(name)
    return _closest(name, candidates)


@lru_cache(maxsize=256)
def _closest_known(name: str) -> str | None:
    return _closest(name, None)


def _closest(name: str, candidates: Iterable[str] | None) -> str | None:
    if len(name) < 2:
        return None
    limit = 1 if len(name) <= 4 else 2
    pools: Sequence[Iterable[str]] = (
        (candidates,) if candidates is not None else (command_data().commands, path_commands())
    )
    for pool in pools:
        found = _nearest(name, pool, limit)
        if found is not None:
            return found
    return None


def _nearest(name: str, pool: Iterable[str], limit: int) -> str | None:
    best: str | None = None
    best_distance = limit + 1
    for candidate in pool:
        if candidate == name or abs(len(candidate) - len(name)) > limit:
            continue
        distance = edit_distance(name, candidate, best_distance)
        if distance < best_distance:
            best, best_distance = candidate, distance
    return best


def edit_distance(a: str, b: str, ceiling: int = 1_000) -> int:
    """Optimal-string-alignment distance: insertions, deletions, substitutions, transpositions.

    Stops early and returns `ceiling` once every alignment costs at least that much.
    """
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) >= ceiling:
            return ceiling
        previous2, previous = previous, current
    return previous[-1]
