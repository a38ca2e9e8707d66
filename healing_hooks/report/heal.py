"""Healing, read from the logs: each failing command followed to the run that made it pass again.

An *episode* starts when a command fails and lasts through its further failures until the same
command is seen succeeding. What shows a success, in the order they are trusted:
- a test-history.log line of the same command that passed (exit 0, no failed or erroring test);
- a fix-log.txt outcome `succeeded` for that command (the next run of it did not fail again on the
  remedy's finding);
- pending.json: a failure stays there until the same command runs without failing, or for 24 h. A
  command that failed less than 24 h ago and is no longer pending has therefore run successfully.
An episode with none of these is "not healed yet" (still failing, or its success is not in the logs).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from healing_hooks.memory.store import PENDING_MAX_AGE_SECONDS
from healing_hooks.records import dataclass, field
from healing_hooks.report.records import Memory, command_key


@dataclass
class Episode:
    """One failing command, from its first failure to the run that healed it (if any)."""

    command: str
    first: datetime
    last: datetime
    failures: int = 1
    categories: list[str] = field(default_factory=list)
    healed_at: datetime | None = None
    evidence: str = ""

    @property
    def healed(self) -> bool:
        return bool(self.evidence)


def top_category(record: dict[str, Any]) -> str:
    """The category of the event's first (root-cause) finding."""
    findings = record.get("findings") or []
    first = findings[0] if findings and isinstance(findings[0], dict) else {}
    return str(first.get("category") or "unclassified")


def successes(memory: Memory) -> dict[str, list[tuple[datetime, str]]]:
    """Times each command was seen succeeding, with what showed it, oldest first."""
    seen: dict[str, list[tuple[datetime, str]]] = {}
    for run in memory.tests:
        if run.get("exit_code") in (0, None) and not run.get("failed") and not run.get("errors"):
            seen.setdefault(command_key(run.get("command")), []).append((run["_at"], "its test run passed"))
    for outcome in memory.fixes:
        if outcome.get("outcome") == "succeeded" and outcome.get("command"):
            seen.setdefault(command_key(outcome["command"]), []).append(
                (outcome["_at"], "the remedy was verified on its next run")
            )
    return {key: sorted(times, key=lambda t: t[0]) for key, times in seen.items()}


def episodes(memory: Memory, now: datetime) -> list[Episode]:
    """Every failing episode of the error log, oldest first, with how (and if) it healed."""
    wins = successes(memory)
    open_by_key: dict[str, Episode] = {}
    done: list[Episode] = []
    for record in _failures(memory.errors):
        key = command_key(record.get("command"))
        at: datetime = record["_at"]
        current = open_by_key.get(key)
        win = _first_after(wins.get(key, []), current.last) if current else None
        if current is not None and (win is None or win[0] > at):
            current.failures += 1
            current.last = at
            current.categories.append(top_category(record))
            continue
        if current is not None and win is not None:
            current.healed_at, current.evidence = win
            done.append(current)
        open_by_key[key] = Episode(key, at, at, categories=[top_category(record)])
    for key, episode in open_by_key.items():
        _close(episode, wins.get(key, []), memory.pending, now)
        done.append(episode)
    return sorted(done, key=lambda e: e.first)


def _failures(errors: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in errors if r.get("event") == "PostToolUseFailure" and command_key(r.get("command"))]


def _first_after(times: list[tuple[datetime, str]], moment: datetime) -> tuple[datetime, str] | None:
    index = bisect_right([t for t, _ in times], moment)
    return times[index] if index < len(times) else None


def _close(
    episode: Episode, wins: list[tuple[datetime, str]], pending: dict[str, Any] | None, now: datetime
) -> None:
    """Heal the last episode of a command by a later success, or by its absence from pending.json."""
    win = _first_after(wins, episode.last)
    if win is not None:
        episode.healed_at, episode.evidence = win
        return
    if pending is None or now - episode.last > timedelta(seconds=PENDING_MAX_AGE_SECONDS):
        return
    still_pending = {
        command_key(entry.get("command")) for entry in pending.values() if isinstance(entry, dict)
    }
    if episode.command not in still_pending:
        episode.evidence = "it ran again without failing (no longer in pending.json)"
