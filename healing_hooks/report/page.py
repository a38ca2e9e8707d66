"""The report as one self-contained HTML page: inline CSS and SVG, no script, nothing fetched.

The Content-Security-Policy forbids every outside resource, so a report opened from a shared
folder loads nothing from anywhere; all text from the memory files is escaped.
"""

from __future__ import annotations

import re
from datetime import datetime
from html import escape
from typing import Any

from healing_hooks import __version__
from healing_hooks.report import charts
from healing_hooks.report.records import parse_time
from healing_hooks.report.style import CSS
from healing_hooks.report.summary import Summary

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
MAX_CELL = 160


def render_page(summary: Summary) -> str:
    """The whole HTML document."""
    body = "".join(
        [
            _header(summary),
            _problems(summary),
            _cards(summary),
            _timeline(summary),
            _healing(summary),
            _recurring(summary),
            _learned(summary),
            _flaky(summary),
            _tests(summary),
            _recent(summary),
            _meanings(),
        ]
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>healing-hooks report — {escape(_project_name(summary.root))}</title>"
        f"<style>{CSS}</style></head><body><main>{body}"
        f"<footer>healing-hooks {__version__} · generated {_when(summary.generated)} from "
        f"<code>{escape(summary.root)}/.claude-flow/memory</code></footer></main></body></html>\n"
    )


def _project_name(root: str) -> str:
    return root.rstrip("/").rsplit("/", 1)[-1] or root


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "—"


def _stamp(value: object) -> str:
    """A timestamp from a memory file, shown like the others (or as it is when unparsable)."""
    moment = parse_time(value)
    return _when(moment) if moment else escape(str(value or "—"))


def _short(text: str, limit: int = MAX_CELL) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _message(text: str, limit: int = MAX_CELL) -> str:
    """A finding's message: escaped, with its `backquoted` names shown as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(_short(text, limit)))


def _pill(category: str) -> str:
    return f'<span class="pill" style="background:{charts.colour(category)}">{escape(category)}</span>'


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.0%}"


def _header(s: Summary) -> str:
    span = f"{_when(s.first)} → {_when(s.last)}" if s.first else "no errors recorded yet"
    return (
        f"<header><div><h1><span>healing-hooks</span> report: {escape(_project_name(s.root))}</h1>"
        f'<div class="sub"><code>{escape(s.root)}</code></div></div>'
        f'<div class="sub">errors from {span}</div></header>'
    )


def _problems(s: Summary) -> str:
    if not s.problems:
        return ""
    items = "".join(f"<li>{escape(p)}</li>" for p in s.problems)
    return f'<section class="problems"><h2>Memory files with problems</h2><ul>{items}</ul></section>'


def _card(value: str, label: str, meaning: str) -> str:
    return (
        f'<div class="card"><div class="value">{escape(value)}</div><div class="label">{escape(label)}</div>'
        f'<div class="meaning">{escape(meaning)}</div></div>'
    )


def _cards(s: Summary) -> str:
    recurring = sum(1 for r in s.recurring if r.count > 1)
    cards = [
        _card(
            str(s.events), "error events", "commands that failed, or succeeded with an error in their output"
        ),
        _card(
            _percent(s.heal_rate),
            "commands healed",
            f"{s.healed} of {len(s.episodes)} failing commands later ran without failing",
        ),
        _card(
            _percent(s.remedy_rate),
            "remedies that worked",
            f"{s.remedies['succeeded']} of {s.remedies['succeeded'] + s.remedies['failed']} fixes checked "
            "on the next run",
        ),
        _card(str(recurring), "recurring errors", "kinds of error seen more than once (top ten)"),
        _card(str(len(s.learned)), "learned patterns", "saved from errors that recurred in this project"),
        _card(str(len(s.flaky)), "flaky tests", "failed, then passed with nothing changed in between"),
    ]
    return f'<div class="cards">{"".join(cards)}</div>'


def _section(title: str, subtitle: str, content: str) -> str:
    return f'<section><h2>{escape(title)}</h2><div class="sub">{subtitle}</div>{content}</section>'


def _empty(text: str) -> str:
    return f'<p class="empty">{escape(text)}</p>'


def _timeline(s: Summary) -> str:
    if not s.timeline:
        return _section("Errors per category over time", "", _empty("No errors recorded yet."))
    order = [c for c, _ in s.categories]
    content = charts.legend(s.categories) + charts.stacked_bars(s.timeline, order)
    subtitle = f"Error events per {s.unit}, coloured by the category of their first finding. Hover a bar."
    return _section("Errors per category over time", escape(subtitle), content)


def _healing(s: Summary) -> str:
    attempts = s.attempts_to_heal
    tries = f" A healed command failed a median of {attempts:g} time(s) first." if attempts else ""
    commands = (
        f'<div class="gauge">{charts.donut(s.heal_rate, "commands healed")}<div><h3>Commands healed</h3>'
        f"<p>{s.healed} of {len(s.episodes)} failing commands were later seen succeeding: a passing test run "
        f"of the same command, a verified remedy, or the failure cleared from pending.json by a successful "
        f"run.{escape(tries)}</p></div></div>"
    )
    done = s.remedies["succeeded"] + s.remedies["failed"]
    remedies = (
        f'<div class="gauge">{charts.donut(s.remedy_rate, "remedies that worked")}<div><h3>Remedies that '
        f"worked</h3><p>Of the {done} edits and commands healing-hooks suggested or applied and then "
        f"checked on the next run of the same command, {s.remedies['succeeded']} made the error go away "
        f"({s.remedies['applied']} were applied automatically or with <code>healing-hooks fix</code>)."
        "</p></div></div>"
    )
    unhealed = [e for e in s.episodes if not e.healed][-8:][::-1]
    rows = "".join(
        f'<tr><td class="when">{_when(e.last)}</td><td><code>{escape(_short(e.command, 90))}</code></td>'
        f'<td class="num">{e.failures}</td><td>{_pill(e.categories[-1])}</td></tr>'
        for e in unhealed
    )
    table = (
        f"<h3>Not healed yet</h3><table><tr><th>last failure</th><th>command</th><th>failures</th>"
        f"<th>category</th></tr>{rows}</table>"
        if rows
        else ""
    )
    return _section("Healing", "", f'<div class="heal">{commands}{remedies}</div>{table}')


def _recurring(s: Summary) -> str:
    if not s.recurring:
        return _section("Top recurring errors", "", _empty("No errors recorded yet."))
    most = s.recurring[0].count
    rows = "".join(
        f"<tr><td>{charts.bar_cell(r.count, most)}</td><td>{_message(r.label)}"
        f'<div class="sev">{escape(r.severity)}{_pattern_note(r.pattern_id, r.all_time)}</div></td>'
        f"<td>{_pill(r.category)}</td><td><code>{escape(_short(r.example, 70))}</code></td>"
        f'<td class="when">{_when(r.last_seen)}</td></tr>'
        for r in s.recurring
    )
    head = "<tr><th>times</th><th>error</th><th>category</th><th>last command</th><th>last seen</th></tr>"
    subtitle = (
        "Grouped by the pattern that recognised them, else by the message with numbers and names masked."
    )
    return _section("Top recurring errors", escape(subtitle), f"<table>{head}{rows}</table>")


def _pattern_note(pattern_id: str | None, all_time: int | None) -> str:
    if not pattern_id:
        return ""
    total = f", {all_time} in all" if all_time is not None else ""
    return f" · pattern <code>{escape(pattern_id)}</code>{escape(total)}"


def _learned(s: Summary) -> str:
    if not s.learned:
        return _section(
            "Learned patterns",
            "",
            _empty(
                "None yet: an error that no pattern knows becomes one once it recurs "
                "(learning.min_occurrences_to_save times)."
            ),
        )
    rows = "".join(_learned_row(p) for p in s.learned)
    head = (
        "<tr><th>pattern</th><th>matches</th><th>category</th><th>seen</th><th>fix</th>"
        "<th>last seen</th></tr>"
    )
    return _section(
        "Learned patterns",
        escape('Patterns saved to error-patterns.json with source "learned".'),
        f"<table>{head}{rows}</table>",
    )


def _learned_row(pattern: dict[str, Any]) -> str:
    return (
        f'<tr><td><code class="id">{escape(str(pattern.get("id")))}</code></td>'
        f"<td><code>{escape(_short(str(pattern.get('error_regex', '')), 90))}</code></td>"
        f"<td>{_pill(str(pattern.get('category') or 'unclassified'))}</td>"
        f'<td class="num">{int(pattern.get("occurrences") or 0)}</td><td>{_learned_fix(pattern)}</td>'
        f'<td class="when">{_stamp(pattern.get("last_seen"))}</td></tr>'
    )


def _learned_fix(pattern: dict[str, Any]) -> str:
    """The learned fix (search → replace, or a command) and how often it healed."""
    fix = pattern.get("auto_fix") if isinstance(pattern.get("auto_fix"), dict) else None
    stats = pattern.get("fix_stats") if isinstance(pattern.get("fix_stats"), dict) else {}
    if fix and fix.get("search") is not None:
        search, replace = _short(str(fix.get("search")), 50), _short(str(fix.get("replace")), 50)
        shown = f"<code>{escape(search)}</code> → <code>{escape(replace)}</code>"
    elif fix and fix.get("command"):
        shown = f"<code>{escape(_short(str(fix['command']), 60))}</code>"
    else:
        shown = '<span class="sev">none yet</span>'
    if stats:
        healed, failed = int(stats.get("succeeded") or 0), int(stats.get("failed") or 0)
        shown += f'<div class="sev">{healed} healed, {failed} failed</div>'
    return shown


def _flaky(s: Summary) -> str:
    if s.flaky_source == "learning.json":
        subtitle = (
            "A test that failed and then passed on the next run of the same command with no edit in between."
        )
    else:
        subtitle = (
            "From test-history.log alone: tests that failed again after passing, at least twice, in runs of "
            "the same command. The log does not record edits: check before calling them flaky."
        )
    if not s.flaky:
        return _section("Flaky tests", escape(subtitle), _empty("None seen."))
    rows = "".join(
        f'<tr><td><code>{escape(f.test)}</code></td><td class="num">{f.flips}</td>'
        f"<td><code>{escape(_short(f.command, 60))}</code></td>"
        f'<td class="when">{_stamp(f.last_seen)}</td></tr>'
        for f in s.flaky
    )
    head = "<tr><th>test</th><th>flips</th><th>command</th><th>last seen</th></tr>"
    return _section("Flaky tests", escape(subtitle), f"<table>{head}{rows}</table>")


def _tests(s: Summary) -> str:
    if not s.test_runs:
        return _section(
            "Test runs", "", _empty("No test runs recorded yet (pytest, cargo test, npm test, go test…).")
        )
    passed = sum(r.passed for r in s.test_runs)
    failed = len(s.test_runs) - passed
    subtitle = f"{len(s.test_runs)} runs, {passed} passed, {failed} failed; oldest first. Hover a square."
    return _section("Test runs", escape(subtitle), charts.run_strip(s.test_runs))


def _recent(s: Summary) -> str:
    if not s.recent:
        return ""
    rows = "".join(
        f'<tr><td class="when">{_when(r["at"])}</td><td><code>{escape(_short(r["command"], 70))}</code></td>'
        f'<td class="num">{escape(str(r["exit_code"]) if r["exit_code"] is not None else "—")}</td>'
        f"<td>{_pill(r['category'])}</td><td>{_message(r['message'])}</td></tr>"
        for r in s.recent
    )
    head = (
        "<tr><th>when</th><th>command</th><th>exit</th><th>category</th><th>what healing-hooks saw</th></tr>"
    )
    return _section("Recent errors", "Newest first.", f"<table>{head}{rows}</table>")


TERMS = (
    (
        "error event",
        "one line of error-log.txt: a Bash command that failed (PostToolUseFailure), or that succeeded "
        "with an error in its output (a warning, a masked test failure).",
    ),
    (
        "commands healed",
        "a failing command and its repeated failures count once; it is healed when the same command is "
        "later seen succeeding: a passing run in test-history.log, a remedy verified in fix-log.txt, or, "
        "within 24 hours, its failure cleared from pending.json (only a successful run clears it).",
    ),
    (
        "remedies that worked",
        "fix_stats of the patterns (else the outcomes in fix-log.txt): a remedy worked when the next run "
        "of the same command did not fail with the same finding again.",
    ),
    ("recurring errors", "error events grouped by the pattern that matched, else by the message shape."),
    ("flaky test", "see the Flaky tests section for how it was decided."),
)


def _meanings() -> str:
    items = "".join(f"<dt>{escape(term)}</dt><dd>{escape(text)}</dd>" for term, text in TERMS)
    return _section("What the numbers mean", "", f"<dl>{items}</dl>")
