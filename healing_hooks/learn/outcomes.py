"""Outcomes of remedies, as the learning loop uses them.

Following up a remedy on the next run of the same command is one mechanism, owned by
remedy/verify.py: a failure remembers its remedies in pending.json, the next run turns each into
an outcome event (`succeeded` / `failed`), the store counts it in the pattern's `fix_stats` and
appends it to fix-log.txt. This module reads those events: an applied learned fix that succeeded
has healed once more (towards automatic), and the failed outcomes are the review list
(`healing-hooks patterns review`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from healing_hooks.learn.fixes import count_applied_success

LEARNED_SOURCE = "learned:"


def count_learned_outcomes(document: dict[str, Any], events: Iterable[dict[str, Any]], now: str) -> None:
    """An applied learned fix whose command then passed healed once more. Call under the lock."""
    entries = {e.get("id"): e for e in document.get("patterns", []) if isinstance(e, dict)}
    for event in events:
        source = str(event.get("source") or "")
        if event.get("outcome") != "succeeded" or not event.get("applied"):
            continue
        if not source.startswith(LEARNED_SOURCE):
            continue
        entry = entries.get(source[len(LEARNED_SOURCE) :])
        fix = entry.get("auto_fix") if entry else None
        if entry is not None and isinstance(fix, dict):
            count_applied_success(entry, fix.get("search"), fix.get("replace"), now)


def review_items(fix_log: Iterable[dict[str, Any]], pattern_id: str | None = None) -> list[dict[str, Any]]:
    """The remedies that did not heal: failed outcomes from fix-log.txt, oldest first."""
    return [
        record
        for record in fix_log
        if record.get("outcome") == "failed"
        and (pattern_id is None or record.get("pattern_id") == pattern_id)
    ]
