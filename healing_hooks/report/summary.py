"""Every figure of the report, computed from the memory files (see `records`), each with its meaning."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta, timezone
from statistics import median
from typing import Any

from healing_hooks.records import dataclass, field
from healing_hooks.report.heal import Episode, episodes, top_category
from healing_hooks.report.records import Memory, command_key

TOP_RECURRING = 10
RECENT = 12
MAX_BUCKETS = 60


@dataclass
class Bucket:
    """One step of the timeline: when it starts, its label, and error events per category."""

    start: datetime
    label: str
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class Recurring:
    """One kind of error and how often it happened."""

    label: str
    category: str
    severity: str
    count: int
    last_seen: datetime
    example: str
    pattern_id: str | None = None
    all_time: int | None = None
    """The pattern's `occurrences` in error-patterns.json (counts survive log trimming)."""


@dataclass
class Flaky:
    """A test that failed and then passed with nothing changed in between."""

    test: str
    flips: int
    last_seen: str
    command: str


@dataclass
class TestRun:
    at: datetime
    command: str
    passed: bool
    counts: str


@dataclass
class Summary:
    """What the report shows."""

    root: str
    generated: datetime
    events: int
    first: datetime | None
    last: datetime | None
    categories: list[tuple[str, int]]
    timeline: list[Bucket]
    unit: str
    episodes: list[Episode]
    remedies: dict[str, int]
    recurring: list[Recurring]
    learned: list[dict[str, Any]]
    flaky: list[Flaky]
    flaky_source: str
    test_runs: list[TestRun]
    recent: list[dict[str, Any]]
    problems: list[str]

    @property
    def healed(self) -> int:
        return sum(e.healed for e in self.episodes)

    @property
    def heal_rate(self) -> float | None:
        return self.healed / len(self.episodes) if self.episodes else None

    @property
    def attempts_to_heal(self) -> float | None:
        """Median failed runs of a command before the run that passed (healed episodes only)."""
        counts = [e.failures for e in self.episodes if e.healed]
        return float(median(counts)) if counts else None

    @property
    def remedy_rate(self) -> float | None:
        done = self.remedies["succeeded"] + self.remedies["failed"]
        return self.remedies["succeeded"] / done if done else None


def summarize(memory: Memory, now: datetime | None = None) -> Summary:
    """All figures of one project's memory."""
    now = now or datetime.now(timezone.utc)
    errors = memory.errors
    timeline, unit = _timeline(errors)
    return Summary(
        root=memory.root,
        generated=now,
        events=len(errors),
        first=errors[0]["_at"] if errors else None,
        last=errors[-1]["_at"] if errors else None,
        categories=Counter(top_category(r) for r in errors).most_common(),
        timeline=timeline,
        unit=unit,
        episodes=episodes(memory, now),
        remedies=_remedies(memory),
        recurring=_recurring(errors, memory.patterns),
        learned=[p for p in memory.patterns if p.get("source") == "learned"],
        flaky=_flaky(memory),
        flaky_source="learning.json" if "flaky" in memory.learning else "test-history.log",
        test_runs=[_test_run(r) for r in memory.tests],
        recent=[_recent(r) for r in errors[-RECENT:]][::-1],
        problems=memory.problems,
    )


# -- the timeline --


def _timeline(errors: list[dict[str, Any]]) -> tuple[list[Bucket], str]:
    """Error events per category per hour, day or week: whichever gives at most MAX_BUCKETS steps."""
    if not errors:
        return [], "day"
    first, last = errors[0]["_at"], errors[-1]["_at"]
    for unit, step in (
        ("hour", timedelta(hours=1)),
        ("day", timedelta(days=1)),
        ("week", timedelta(weeks=1)),
    ):
        start = _floor(first, unit)
        if (last - start) / step < MAX_BUCKETS:
            break
    buckets: list[Bucket] = []
    moment = start
    while moment <= last:
        buckets.append(Bucket(moment, _label(moment, unit)))
        moment += step
    for record in errors:
        bucket = buckets[min(int((record["_at"] - start) / step), len(buckets) - 1)]
        category = top_category(record)
        bucket.counts[category] = bucket.counts.get(category, 0) + 1
    return buckets, unit


def _floor(moment: datetime, unit: str) -> datetime:
    if unit == "hour":
        return moment.replace(minute=0, second=0, microsecond=0)
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday()) if unit == "week" else day


def _label(moment: datetime, unit: str) -> str:
    if unit == "hour":
        return moment.strftime("%d %b %H:00")
    return moment.strftime("%d %b") if unit == "day" else "week of " + moment.strftime("%d %b")


# -- remedies, recurring errors, flaky tests --


def _remedies(memory: Memory) -> dict[str, int]:
    """Remedy outcomes: fix_stats of the patterns (all time), else the outcomes in fix-log.txt."""
    totals = {"applied": 0, "succeeded": 0, "failed": 0}
    for pattern in memory.patterns:
        stats = pattern.get("fix_stats")
        if isinstance(stats, dict):
            for key in totals:
                totals[key] += int(stats.get(key) or 0)
    if not any(totals.values()):
        outcomes = Counter(str(r.get("outcome")) for r in memory.fixes)
        totals = {key: outcomes.get(key, 0) for key in totals}
    return totals


def _recurring(errors: list[dict[str, Any]], patterns: list[dict[str, Any]]) -> list[Recurring]:
    """Error kinds by how often they happened: the pattern when one matched, else the message shape."""
    by_id = {p.get("id"): p for p in patterns}
    groups: dict[str, Recurring] = {}
    for record in errors:
        findings = record.get("findings") or []
        top: dict[str, Any] = findings[0] if findings and isinstance(findings[0], dict) else {}
        pattern_id = top.get("pattern_id")
        message = str(top.get("message") or "(no finding)")
        key = f"pattern:{pattern_id}" if pattern_id else f"{top.get('category')}:{_shape(message)}"
        group = groups.get(key)
        if group is None:
            entry = by_id.get(pattern_id) or {}
            group = Recurring(
                label=message,
                category=str(top.get("category") or "unclassified"),
                severity=str(top.get("severity") or "low"),
                count=0,
                last_seen=record["_at"],
                example=str(record.get("command") or ""),
                pattern_id=pattern_id,
                all_time=entry.get("occurrences") if isinstance(entry.get("occurrences"), int) else None,
            )
            groups[key] = group
        group.count += 1
        group.last_seen = record["_at"]  # the newest occurrence names the group
        group.label, group.example = message, str(record.get("command") or group.example)
        group.category = str(top.get("category") or group.category)
        group.severity = str(top.get("severity") or group.severity)
    ranked = sorted(groups.values(), key=lambda g: (-g.count, -g.last_seen.timestamp()))
    return ranked[:TOP_RECURRING]


def _shape(message: str) -> str:
    """Numbers and quoted names masked, so the same error about other lines or names groups."""
    return re.sub(r"\d+", "N", re.sub(r"(['\"`])[^'\"`]*\1", "'…'", message))


def _flaky(memory: Memory) -> list[Flaky]:
    """The learning loop's flaky tests (it knows about edits); else alternating results in the log."""
    known = memory.learning.get("flaky")
    if isinstance(known, dict):
        rows = [
            Flaky(
                str(test),
                int(e.get("flips") or 0),
                str(e.get("last_seen") or ""),
                str(e.get("command") or ""),
            )
            for test, e in known.items()
            if isinstance(e, dict)
        ]
        return sorted(rows, key=lambda f: (-f.flips, f.test))
    return _alternating(memory.tests)


def _alternating(runs: list[dict[str, Any]]) -> list[Flaky]:
    """Tests that failed again after passing, at least twice, in runs of the same command."""
    flips: Counter[tuple[str, str]] = Counter()
    seen: dict[tuple[str, str], str] = {}
    state: dict[tuple[str, str], bool] = {}
    for run in runs:
        key = command_key(run.get("command"))
        failing = {str(t) for t in run.get("failed_tests") or []}
        clean = run.get("exit_code") in (0, None) and not run.get("failed") and not run.get("errors")
        for test in failing:
            if state.get((key, test)) is True:
                flips[(key, test)] += 1
            state[(key, test)] = False
            seen[(key, test)] = str(run.get("ts"))
        if clean:
            for known_key, test in list(state):
                if known_key == key:
                    state[(key, test)] = True
    return [
        Flaky(test, count, seen[(key, test)], key)
        for (key, test), count in sorted(flips.items(), key=lambda kv: -kv[1])
        if count >= 2
    ]


def _test_run(run: dict[str, Any]) -> TestRun:
    parts = [f"{run.get(k)} {k}" for k in ("passed", "failed", "errors", "skipped") if run.get(k)]
    clean = run.get("exit_code") in (0, None) and not run.get("failed") and not run.get("errors")
    return TestRun(run["_at"], str(run.get("command") or ""), clean, ", ".join(parts) or "no tests counted")


def _recent(record: dict[str, Any]) -> dict[str, Any]:
    findings = record.get("findings") or []
    top = findings[0] if findings and isinstance(findings[0], dict) else {}
    return {
        "at": record["_at"],
        "command": str(record.get("command") or ""),
        "exit_code": record.get("exit_code"),
        "category": str(top.get("category") or "unclassified"),
        "severity": str(top.get("severity") or ""),
        "message": str(top.get("message") or "(no finding)"),
    }
