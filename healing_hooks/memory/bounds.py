"""Bounded memory: what keeps the memory folder from growing without end.

- A JSON-lines log (error-log.txt, test-history.log, ...) that passes its size limit is rotated to
  `<name>.1<ext>` (replacing the previous generation), after its records are folded into per-file
  counts in history-summary.json: the history is kept as numbers, not as lines.
- A learned pattern that stops recurring expires: not seen for `expire_after_days` and seen fewer
  than `expire_below_occurrences` times. Past MAX_LEARNED_PATTERNS the least recently seen learned
  patterns go first. Expired ids are listed (the last KEEP_EXPIRED) in the summary.

Pure functions: the store does the reading and writing, under its lock.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

SUMMARY_FILE = "history-summary.json"
MAX_LEARNED_PATTERNS = 500
KEEP_EXPIRED = 100
TOP_TESTS = 200
"""Failing test ids counted per summary (the most frequent ones)."""

_COUNTED_FIELDS = ("event", "runner", "outcome", "kind", "source")
"""Record fields whose values are counted in every log's summary."""


def rotated_name(name: str) -> str:
    """error-log.txt → error-log.1.txt (the previous generation of a log)."""
    stem, ext = os.path.splitext(name)
    return f"{stem}.1{ext}"


def summarize(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The counts one rotated log leaves behind."""
    summary: dict[str, Any] = {"records": 0, "first_ts": None, "last_ts": None}
    counters: dict[str, Counter[str]] = {}
    for record in records:
        summary["records"] += 1
        stamp = record.get("ts")
        if isinstance(stamp, str):
            summary["first_ts"] = summary["first_ts"] or stamp
            summary["last_ts"] = stamp
        for key, values in _counted_values(record):
            counters.setdefault(key, Counter()).update(values)
    for key, counter in sorted(counters.items()):
        limit = TOP_TESTS if key == "failed_tests" else None
        summary[f"by_{key}"] = dict(counter.most_common(limit))
    return summary


def _counted_values(record: dict[str, Any]) -> Iterable[tuple[str, Counter[str]]]:
    """(counter name, counts) pairs of one record."""
    for key in _COUNTED_FIELDS:
        if isinstance(record.get(key), str):
            yield key, Counter([record[key]])
    findings = record.get("findings")
    if isinstance(findings, list):
        found = [f for f in findings if isinstance(f, dict)]
        yield "category", Counter(str(f.get("category")) for f in found)
        yield "pattern", Counter(str(f["pattern_id"]) for f in found if f.get("pattern_id"))
    tests = record.get("failed_tests")
    if isinstance(tests, list):
        yield "failed_tests", Counter(str(t) for t in tests)
    outcomes = {k: record[k] for k in ("passed", "failed", "errors", "skipped") if _count(record.get(k))}
    if outcomes:
        yield "tests", Counter(outcomes)


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def merge_summary(total: dict[str, Any], part: dict[str, Any]) -> dict[str, Any]:
    """`total` with `part` added: counts summed, the time span widened."""
    merged: dict[str, Any] = dict(total)
    merged["records"] = int(total.get("records") or 0) + int(part.get("records") or 0)
    merged["rotations"] = int(total.get("rotations") or 0) + 1
    merged["first_ts"] = total.get("first_ts") or part.get("first_ts")
    merged["last_ts"] = part.get("last_ts") or total.get("last_ts")
    for key, counts in part.items():
        if not key.startswith("by_") or not isinstance(counts, dict):
            continue
        combined = Counter({k: v for k, v in (total.get(key) or {}).items() if isinstance(v, int)})
        combined.update(counts)
        limit = TOP_TESTS if key == "by_failed_tests" else None
        merged[key] = dict(combined.most_common(limit))
    return merged


def expire_learned(
    patterns: list[Any], now: float, after_days: float, below_occurrences: int
) -> tuple[list[Any], list[dict[str, Any]]]:
    """The pattern entries to keep, and the learned ones that expired (id, last_seen, occurrences).

    Only `source: learned` entries expire; one without a readable `last_seen` is kept.
    """
    horizon = now - after_days * 86_400
    kept: list[Any] = []
    expired: list[dict[str, Any]] = []
    for entry in patterns:
        seen = _epoch(entry.get("last_seen")) if _is_learned(entry) else None
        stale = seen is not None and seen < horizon
        if stale and int(entry.get("occurrences") or 0) < below_occurrences:
            expired.append(_expiry_record(entry))
        else:
            kept.append(entry)
    learned = [e for e in kept if _is_learned(e)]
    if len(learned) > MAX_LEARNED_PATTERNS:
        learned.sort(key=lambda e: _epoch(e.get("last_seen")) or 0.0)
        dropped = {id(e) for e in learned[: len(learned) - MAX_LEARNED_PATTERNS]}
        expired += [_expiry_record(e) for e in kept if id(e) in dropped]
        kept = [e for e in kept if id(e) not in dropped]
    return kept, expired


def _is_learned(entry: Any) -> bool:
    return isinstance(entry, dict) and entry.get("source") == "learned"


def _expiry_record(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": entry.get("id"),
        "last_seen": entry.get("last_seen"),
        "occurrences": entry.get("occurrences"),
        "expired_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def _epoch(stamp: object) -> float | None:
    return _epoch_of(stamp) if isinstance(stamp, str) else None


@lru_cache(maxsize=4_096)
def _epoch_of(stamp: str) -> float | None:
    """Seconds since the epoch of `2026-02-04T10:00:00Z` or `2026-02-04`; None when unreadable.

    By hand: `time.strptime` costs ~30 µs a call, and a pattern file holds hundreds of stamps.
    """
    if len(stamp) < 10 or stamp[4] != "-" or stamp[7] != "-":
        return None
    date, clock = stamp[:10], stamp[11:19] if len(stamp) >= 19 and stamp[10] == "T" else "00:00:00"
    parts = [date[:4], date[5:7], date[8:10], clock[:2], clock[3:5], clock[6:8]]
    if not all(part.isdigit() and part.isascii() for part in parts):
        return None
    year, month, day, hour, minute, second = (int(part) for part in parts)
    if not (1 <= month <= 12 and 1 <= day <= 31 and hour < 24 and minute < 60 and second < 62):
        return None
    return float(_days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second)


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm)."""
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146_097 + day_of_era - 719_468
