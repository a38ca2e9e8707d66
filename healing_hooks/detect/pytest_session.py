"""Findings about a pytest session as a whole rather than one test's report section.

pytest refusing to start (a path that does not exist, an option of a plugin that is not
installed), an INTERNALERROR, a pytest-timeout `thread` dump (the process is killed before any
report), a run that ran no tests, and the `quiet` claim over the parts that are no problem.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from healing_hooks.data import read_data
from healing_hooks.detect import pytest_report as report
from healing_hooks.detect.python_errors import classify_exception
from healing_hooks.detect.text import relative_to_root
from healing_hooks.detect.tracebacks import (
    FRAME,
    Frame,
    innermost_project_frame,
    leaves,
    parse_chains,
    text_lines,
)
from healing_hooks.findings import Finding, Location
from healing_hooks.lazyre import lazy
from healing_hooks.observation import Observation

NOT_FOUND = lazy(r"^ERROR: (?P<what>file or directory not found|not found): (?P<path>.+)$", re.M)
USAGE = lazy(r"^(?:pytest|py\.test|__main__\.py|pytest-script\.py): error: (?P<message>.+)$", re.M)
COLLECTED = lazy(r"^(?:collecting \.\.\. )?collected \d+ items?.*$", re.M)
THREAD_TIMEOUT = lazy(r"^(?P<where>[^\s+]*) ?\+{5,} Timeout \+{5,}[ \t]*$", re.M)
_STACK = lazy(r"^~+ Stack of (?P<thread>.+?) \(\d+\) ~+[ \t]*$", re.M)
_INTERNAL = "INTERNALERROR> "


def usage_findings(text: str, root: str) -> list[Finding]:
    """pytest refusing to start: a path that does not exist, an option it does not know."""
    findings = []
    for match in NOT_FOUND.finditer(text):
        path = relative_to_root(match.group("path").strip(), root)
        findings.append(Finding(
            category="command", severity="high", tool="pytest",
            message=f"pytest: {match.group('what')}: {path}", confidence=0.9,
            details={"kind": "path-not-found", "path": path, "evidence": match.group(0),
                     "offset": match.start(), "spans": [list(match.span())]},
        ))  # fmt: skip
    findings.extend(_usage_error(match) for match in USAGE.finditer(text))
    return findings


def _usage_error(match: re.Match[str]) -> Finding:
    message = match.group("message")
    details: dict[str, Any] = {"kind": "usage", "evidence": match.group(0), "offset": match.start(),
                               "spans": [list(match.span())]}  # fmt: skip
    category = "command"
    options = re.findall(r"(--?[\w-]+)", message.split(":", 1)[-1]) if "unrecognized" in message else []
    plugins = plugin_options()
    for option in options:
        plugin = plugins.get(option.split("=", 1)[0])
        if plugin:
            category = "dependency"
            details.update({"module": plugin, "argument": option})
            message += f" ({option} comes from the {plugin} plugin: is it installed?)"
            break
    return Finding(category=category, severity="high", tool="pytest", message=f"pytest: {message}",
                   confidence=0.9, details=details)  # fmt: skip


@cache
def plugin_options() -> dict[str, str]:
    """Command-line options → the pytest plugin that adds them (data/pytest-plugins.json)."""
    text = read_data("pytest-plugins.json")
    data: dict[str, list[str]] = json.loads(text)["plugins"]
    return {option: plugin for plugin, options in data.items() for option in options}


def internal_errors(text: str, root: str) -> list[Finding]:
    """pytest's INTERNALERROR: the traceback pytest prints with that prefix on every line."""
    first = text.find(_INTERNAL)
    if first < 0:
        return []
    lines = [(o, c) for o, c in text_lines(text, text.rfind("\n", 0, first) + 1) if c.startswith(_INTERNAL)]
    chains = [chain for chain, _ in leaves(parse_chains(lines))]
    if not chains:
        return []
    chain = chains[-1]
    final = chain[-1]
    meaning = classify_exception(final.exception, final.message, root)
    place = innermost_project_frame([f for r in chain for f in r.all_frames()], root)
    return [Finding(
        category=meaning.category, severity="high", tool="pytest",
        message=f"pytest INTERNALERROR: {final.exception}: {final.message}"[:400],
        location=_location(place, root), confidence=0.9,
        details={**meaning.details, "kind": "internal-error", "evidence": final.evidence,
                 "offset": final.offset, "spans": [[lines[0][0], final.end]]},
    )]  # fmt: skip


def thread_timeouts(text: str, root: str) -> list[Finding]:
    """pytest-timeout's `thread` method: a stack dump between `+++ Timeout +++` lines, no report."""
    findings = []
    opening = THREAD_TIMEOUT.search(text)
    while opening is not None:
        closing = THREAD_TIMEOUT.search(text, opening.end())
        end = closing.end() if closing else len(text)
        findings.append(_thread_timeout(text, opening, end, root))
        opening = THREAD_TIMEOUT.search(text, end) if closing else None
    return findings


def _thread_timeout(text: str, opening: re.Match[str], end: int, root: str) -> Finding:
    stacks = list(_STACK.finditer(text, opening.end(), end))
    main = next((s for s in stacks if s.group("thread") == "MainThread"), stacks[0] if stacks else None)
    stack_end = next((s.start() for s in stacks if main is not None and s.start() > main.start()), end)
    frames = [
        Frame(m.group("file"), int(m.group("line")), (m.group("func") or "").strip(), offset)
        for offset, content in text_lines(text[:stack_end], main.end() if main else opening.end())
        if (m := FRAME.match(content)) is not None
    ]
    place = innermost_project_frame(frames, root)
    where = opening.group("where")
    test_id = where
    if place is not None and "::" not in where:
        file = where or relative_to_root(place.file, root)
        test_id = f"{file}::{place.function}"
    return Finding(
        category="timeout", severity="high", tool="pytest",
        message=f"{test_id} timed out (pytest-timeout, thread method): the run was stopped", confidence=0.9,
        location=_location(place, root),
        details={"kind": "test-timeout", "test_id": test_id, "evidence": opening.group(0).strip(),
                 "offset": opening.start(), "spans": [[opening.start(), end]],
                 "code": place.code if place else ""},
    )  # fmt: skip


def empty_run(
    obs: Observation, text: str, found: report.PytestLayout, counts: dict[str, int]
) -> list[Finding]:
    """Exit 5: pytest collected nothing to run."""
    ran = sum(counts.get(k, 0) for k in ("passed", "failed", "errors", "xfailed", "xpassed"))
    if obs.exit_code != 5 and not (found.final is not None and ran == 0 and obs.failed):
        return []
    collected = COLLECTED.search(text)
    what = collected.group(0) if collected else (found.final.group("body") if found.final else "")
    return [Finding(
        category="test", severity="medium", tool="pytest",
        message=f"pytest ran no tests ({what.strip()}): check the paths and -k/-m expressions",
        confidence=0.8,
        details={"kind": "no-tests", "counts": counts, "evidence": what.strip(),
                 "offset": collected.start() if collected else 0},
    )]  # fmt: skip


def quiet_claim(found: report.PytestLayout, text: str, *, passed: bool) -> Finding:
    """A claim over the parts of the output that are no problem (see `detect.absorb`)."""
    spans: list[list[int]] = []
    if found.session is not None:
        start, end = found.session
        if start == 0:  # no header (-q): claim from pytest's first line, not the commands before it
            firsts = (
                p.search(text)
                for p in (report.PROGRESS, report.BARE_PROGRESS, report.VERBOSE, report.MARKERS)
            )
            start = min((m.start() for m in firsts if m is not None), default=end)
        if not passed:  # up to the first report, with or without its banner (`| tail`)
            reports = [s for t, s, _ in found.regions if t in report.REPORT_TITLES]
            end = min([end, *reports, *(section.start for section in found.sections)])
        spans.append([start, end])
    spans += [[s, e] for t, s, e in found.regions if t in report.QUIET_TITLES]
    spans += [[e.start, e.end] for e in found.entries if e.word in ("PASSED", "XFAIL", "XPASS")]
    spans += [[m.start(), m.end()] for m in re.finditer(r"^SKIPPED \[\d+\] .*$", text, re.M)]
    if found.final is not None:
        spans.append([found.final.start(), found.final.end()])
    return Finding(
        category="quiet",
        severity="low",
        tool="pytest",
        message="pytest output that is no problem",
        confidence=0.0,
        details={"spans": spans},
    )


def _location(place: Frame | None, root: str) -> Location | None:
    if place is None:
        return None
    return Location(relative_to_root(place.file, root), place.line)
