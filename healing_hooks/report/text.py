"""The report for a terminal: the same figures as the page, in a few lines."""

from __future__ import annotations

from collections.abc import Iterable

from healing_hooks.report.summary import Summary

BAR_WIDTH = 24


def render_text(s: Summary) -> str:
    """The terminal summary."""
    lines = [f"healing-hooks report: {s.root}"]
    lines.extend(f"  problem: {p}" for p in s.problems)
    if not s.events and not s.test_runs:
        lines.append("no errors and no test runs recorded yet (.claude-flow/memory/ is empty)")
        return "\n".join(lines)
    span = f" ({s.first:%Y-%m-%d %H:%M} → {s.last:%Y-%m-%d %H:%M} UTC)" if s.first and s.last else ""
    lines.append(f"error events: {s.events}{span}")
    lines.extend(_categories(s))
    lines.append(
        f"commands healed: {_percent(s.heal_rate)} — {s.healed} of {len(s.episodes)} failing commands "
        "later ran without failing"
    )
    done = s.remedies["succeeded"] + s.remedies["failed"]
    lines.append(
        f"remedies that worked: {_percent(s.remedy_rate)} — {s.remedies['succeeded']} of {done} checked "
        "on the next run of the same command"
    )
    if s.recurring:
        lines.append("top recurring errors:")
        for r in s.recurring[:5]:
            lines.append(f"  {r.count:>4}x  [{r.category}] {_short(r.label, 90)}")
    lines.append(f"learned patterns: {len(s.learned)}" + _ids(str(p.get("id")) for p in s.learned))
    lines.append(f"flaky tests: {len(s.flaky)}" + _ids(f.test for f in s.flaky))
    if s.test_runs:
        passed = sum(r.passed for r in s.test_runs)
        strip = "".join("." if r.passed else "F" for r in s.test_runs[-40:])
        lines.append(f"test runs: {len(s.test_runs)} ({passed} passed)  {strip}")
    return "\n".join(lines)


def _categories(s: Summary) -> list[str]:
    most = s.categories[0][1] if s.categories else 0
    return [
        f"  {category:<13} {count:>5}  {'█' * max(1, round(BAR_WIDTH * count / most))}"
        for category, count in s.categories
    ]


def _ids(names: Iterable[str]) -> str:
    shown = list(names)[:5]
    return f" ({', '.join(shown)}{', …' if len(shown) == 5 else ''})" if shown else ""


def _percent(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate:.0%}"


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
