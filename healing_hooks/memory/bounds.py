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
    """Seconds since the epoch of `2026-02-04T10:00:00Z` or `2026-02-04`; None when unreadable."""
    if not isinstance(stamp, str):
        return None
    import calendar  # only when learned patterns are checked for expiry (it imports locale, datetime)

    for layout, length in (("%Y-%m-%dT%H:%M:%S", 19), ("%Y-%m-%d", 10)):
        try:
            return float(calendar.timegm(time.strptime(stamp[:length], layout)))
        except ValueError:
            continue
    return None
