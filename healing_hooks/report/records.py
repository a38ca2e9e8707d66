"""The memory files, read once into plain values the report can compute on (no locks, read only)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from healing_hooks.memory.store import ERROR_LOG, FIX_LOG, PENDING_FILE, TEST_HISTORY, MemoryStore

LEARNING_FILE = "learning.json"
"""The learning loop's state (templates, flaky tests); read leniently, it may not exist."""


@dataclass
class Memory:
    """Everything the report reads, as it was on disk."""

    root: str
    errors: list[dict[str, Any]]
    tests: list[dict[str, Any]]
    fixes: list[dict[str, Any]]
    patterns: list[dict[str, Any]]
    pending: dict[str, Any] | None
    """pending.json's commands; None when the file exists but cannot be read."""
    learning: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def read_memory(store: MemoryStore) -> Memory:
    """Read the project's memory files; broken ones are named in `problems`, never fatal."""
    patterns = store.read_patterns()
    problems = [patterns.problem] if patterns.problem else []
    return Memory(
        root=store.root,
        errors=_timed(store.read_lines(ERROR_LOG)),
        tests=_timed(store.read_lines(TEST_HISTORY)),
        fixes=_timed(store.read_lines(FIX_LOG)),
        patterns=[p for p in patterns.data.get("patterns", []) if isinstance(p, dict)]
        if patterns.exists and not patterns.problem
        else [],
        pending=_pending(store),
        learning=_learning(store),
        problems=problems,
    )


def parse_time(value: object) -> datetime | None:
    """A record's `ts` (ISO 8601, `Z` or offset) as an aware UTC datetime; None if unusable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def command_key(command: object) -> str:
    """Commands that differ only in spacing are the same command."""
    return " ".join(str(command or "").split())


def _timed(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records with a usable timestamp (`_at`), oldest first."""
    timed = []
    for record in records:
        moment = parse_time(record.get("ts"))
        if moment is not None:
            timed.append({**record, "_at": moment})
    return sorted(timed, key=lambda r: r["_at"])


def _pending(store: MemoryStore) -> dict[str, Any] | None:
    path = store.path(PENDING_FILE)
    if not os.path.exists(path):
        return {}
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    commands = data.get("commands") if isinstance(data, dict) else None
    return commands if isinstance(commands, dict) else None


def _learning(store: MemoryStore) -> dict[str, Any]:
    try:
        with open(os.path.join(store.dir, LEARNING_FILE), encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
