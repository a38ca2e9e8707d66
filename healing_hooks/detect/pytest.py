"""pytest output → findings: collection and conftest errors first, then one per failing test.

Each finding names the test id (`tests/t.py::TestA::test_b[x]`), the precise place (the
innermost project entry of pytest's traceback, or where a SyntaxError points), the exception
or the assertion and pytest's `E` lines. Categories: the underlying error's for collection and
conftest errors (`import`, `dependency`, `syntax`, ...); for tests, `test` unless the exception
has a category a fixer can act on (`type`, `name`, `attribute`, `async`, `timeout`, ...).
A passing run yields only a `quiet` claim over its output (see `detect.absorb`).
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from healing_hooks import commandline
from healing_hooks.detect import pytest_report as report
from healing_hooks.detect import pytest_sections as sections
from healing_hooks.detect import pytest_session as session
from healing_hooks.detect.pytest_sections import Failure
from healing_hooks.detect.python_errors import classify_exception
from healing_hooks.detect.text import relative_to_root
from healing_hooks.detect.tracebacks import (
    Frame,
    project_rank,
    text_lines,
    without_root,
)
from healing_hooks.findings import Finding, Location
from healing_hooks.lazyre import lazy
from healing_hooks.observation import Observation

MAX_TEST_FINDINGS = 10
ACTIONABLE = frozenset(
    {"import", "dependency", "syntax", "async", "timeout", "type", "name", "attribute",
     "permission", "network", "command"}
)  # fmt: skip
"""Categories a failing test keeps from its exception; any other exception in a test is `test`."""

FIXTURE_MISSING = lazy(r"^E\s+fixture '(?P<name>\w+)' not found[ \t]*$", re.M)
FIXTURE_AVAILABLE = lazy(r"^>\s+available fixtures: (?P<names>.*)$", re.M)
TIMEOUT = lazy(r"Timeout \(>[\d.]+s\) from pytest-timeout|^\++ Timeout \++[ \t]*$", re.M)
ASYNC_UNSUPPORTED = "async def functions are not natively supported"
CONFTEST = lazy(r"^ImportError while loading conftest '(?P<path>[^']+)'\.[ \t]*$", re.M)
_STOPPED = lazy(r"^!+ (?P<note>stopping after \d+ failures|Interrupted: .+?) !+[ \t]*$", re.M)
_BEFORE_TESTS = ("collect", "conftest")
_HOST_CUT = lazy(r"^\.\.\. \[\d+ characters truncated\] \.\.\.$", re.M)
_TEST_FILE = lazy(r"(?:^|/)(?:test_[^/]*|[^/]*_test)\.py$")
_PYTEST_CODE = lazy(r"(?:^|[/\\])(?:_pytest|pluggy)[/\\]")
_TEST_DEF = lazy(r"^\s*(?:async )?def (?P<name>test\w*)\(", re.M)
SESSION = "test session"
"""What `ERROR collecting` names when the collection of the whole session failed (no file)."""


def pytest_findings(obs: Observation, text: str) -> list[Finding]:
    """Findings of a pytest run's output (empty when the output holds no pytest report)."""
    if not (report.looks_like_pytest(text) or _runs_pytest(obs.command)):
        return []
    found = report.layout(text)
    root = obs.project_root
    counts = report.counts(text, found) or {}
    notes = [m.group("note") for m in _STOPPED.finditer(text)]
    if found.final is not None:
        notes.append(found.final.group(0).strip(" ="))
    failures = _conftest_failures(text, root)
    failures += _section_failures(text, found, root)
    failures += sections.line_mode_failures(text, found, root)
    failures += _summary_only_failures(text, found, failures)
    findings = _capped([_finding(f, root, counts, notes, found) for f in failures])
    if findings:  # "Interrupted: 1 error during collection", "stopping after 1 failures": said above
        findings[0].details["spans"] += [list(m.span()) for m in _STOPPED.finditer(text)]
    failing = [str(f.details["test_id"]) for f in findings if f.details.get("test_id")]
    for finding in findings:
        others = [test_id for test_id in failing if test_id != finding.details.get("test_id")]
        if others:
            finding.details["other_failures"] = others[:MAX_TEST_FINDINGS]
    findings += session.internal_errors(text, root) + session.thread_timeouts(text, root)
    findings += session.usage_findings(text, root)
    if not findings:
        findings += session.empty_run(obs, text, found, counts)
    findings.append(session.quiet_claim(found, text, passed=not findings))
    return findings


def _runs_pytest(command: str) -> bool:
    return any("pytest" in p or "py.test" in p for p in commandline.programs(command))


def _section_failures(text: str, found: report.PytestLayout, root: str) -> list[Failure]:
    """One failure per report section, with or without its FAILURES/ERRORS banner."""
    failures = [_section_failure(text, section, found, root) for section in found.sections]
    for failure, section in zip(failures, found.sections, strict=True):
        if not section.title:  # the end of a section whose top `| tail` cut off: whose is it?
            _name_cut_section(failure, section, failures, found, root)
    if sections.top_is_line_mode(text, found):  # `--tb=line` reports: sections.line_mode_failures
        return [f for f, s in zip(failures, found.sections, strict=True) if s.title]
    return failures


def _section_failure(text: str, section: report.Section, found: report.PytestLayout, root: str) -> Failure:
    title = section.title
    kind = "failure"
    if title.startswith("ERROR collecting "):
        kind, title = "collect", title[len("ERROR collecting ") :]
    elif match := re.match(r"ERROR at (setup|teardown) of (.+)$", title):
        kind, title = match.group(1), match.group(2)
    cut = _HOST_CUT.search(text, section.body, section.end)
    end = cut.start() if cut else section.end  # what follows the host's cut is another test's
    lines = sections.body_lines(text, section.body, end)
    failure = Failure(kind, title, section.start, section.end, text=text[section.body : end])
    failure.header = section.title
    sections.read_body(failure, lines, root)
    failure.test_id = _test_id(failure, found, root, text)
    if failure.frames and all(_PYTEST_CODE.search(frame.file) for frame in failure.frames):
        failure.inside_pytest = True  # no frame of the project: the place is what pytest collected
        test_file = _test_file_of(failure)
        failure.place = Frame(test_file, 0, "", section.start) if test_file else None
    if not failure.evidence:  # the section was cut (`| tail`, the host's truncation): the summary says
        entry = next((e for e in found.failing_entries() if e.test_id == failure.test_id), None)
        if entry is not None:
            sections.read_summary_message(failure, entry)
    return failure


def _test_id(failure: Failure, found: report.PytestLayout, root: str, text: str) -> str:
    """The test's node id: from the short summary, the `-v` lines, else built from its file."""
    if failure.kind == "collect":
        return _collected_path(failure, root)
    if not failure.title:
        return ""  # a section cut at the top: named once every whole section is (_name_cut_section)
    key = failure.title.removeprefix("[doctest] ")
    for entry in found.failing_entries():
        if report.section_key(entry.test_id) == key:
            return entry.test_id
    for match in report.VERBOSE.finditer(text):
        if report.section_key(match.group("id")) == key:
            return match.group("id")
    test_file = _test_file(failure, root, text)
    bracket = key.find("[")
    name = key if bracket < 0 else key[:bracket]
    params = "" if bracket < 0 else key[bracket:]
    return f"{test_file}::{name.replace('.', '::')}{params}" if test_file else key


def _test_file(failure: Failure, root: str, text: str) -> str:
    """The test's file: the outermost test-file entry, else the only file with a failure mark."""
    for frame in failure.frames:
        relative = relative_to_root(frame.file, root)
        if _TEST_FILE.search(relative) and project_rank(frame.file, root) > 0:
            return relative
    marked = {m.group("file") for m in report.PROGRESS.finditer(text) if re.search("[FEX]", m.group("marks"))}
    return marked.pop() if len(marked) == 1 else ""


def _collected_path(failure: Failure, root: str) -> str:
    """The collected file as the project names it: a path from another machine
    (`/home/u/proj/tests/t.py`) becomes the traceback's relative path it ends with."""
    path = relative_to_root(failure.title, root)
    if project_rank(path, root) == 2:
        return path
    for frame in failure.frames:
        own = relative_to_root(frame.file, root)
        if project_rank(own, root) == 2 and not own.startswith("../") and path.endswith(f"/{own}"):
            return own
    return path


def _name_cut_section(
    failure: Failure, section: report.Section, failures: list[Failure], found: report.PytestLayout, root: str
) -> None:
    """The test of a section cut at the top: its summary entry, else its test file and `def`.
    With the test's own frames cut, a place in the interpreter or a package is not the test's."""
    if failure.place is not None and project_rank(failure.place.file, root) == 0:
        failure.place = None
    claimed = {f.test_id for f in failures if f.test_id}
    files = {relative_to_root(frame.file, root) for frame in failure.frames}
    entry = report.cut_section_entry(found, section, claimed, files, failure.text)
    if entry is not None:
        failure.test_id = entry.test_id
        if entry.word == "ERROR":
            failure.kind = "setup" if "::" in entry.test_id else "collect"
        return
    test_file = _test_file(failure, root, "")
    defined = _TEST_DEF.search(failure.text)
    failure.test_id = f"{test_file}::{defined.group('name')}" if test_file and defined else test_file


def _test_file_of(failure: Failure) -> str:
    """The file a test id names; none for the whole session."""
    file = failure.test_id.split("::", 1)[0]
    return "" if file == SESSION else file


def _conftest_failures(text: str, root: str) -> list[Failure]:
    failures = []
    for match in CONFTEST.finditer(text):
        end = text.find("\n\n", match.end())
        end = len(text) if end < 0 else end
        failure = Failure("conftest", match.group("path"), match.start(), end, text=text[match.start() : end])
        failure.header = match.group(0)
        sections.read_body(failure, text_lines(text[:end], match.end() + 1), root)
        failure.test_id = relative_to_root(match.group("path"), root)
        failures.append(failure)
    return failures


def _summary_only_failures(text: str, found: report.PytestLayout, known: list[Failure]) -> list[Failure]:
    """Failing tests named only in the short summary (`--tb=no`, or sections cut away)."""
    seen = {f.test_id for f in known}
    failures = []
    for entry in found.failing_entries():
        if entry.test_id in seen or any(f.kind == "collect" and f.test_id == entry.test_id for f in known):
            continue
        seen.add(entry.test_id)
        kind = "failure" if entry.word == "FAILED" else ("collect" if "::" not in entry.test_id else "setup")
        failure = Failure(kind, report.section_key(entry.test_id), entry.start, entry.end, entry.test_id)
        failure.text = text[entry.start : entry.end]
        sections.read_summary_message(failure, entry)
        failure.frames = [Frame(entry.test_id.split("::", 1)[0], 0, "", entry.start)]
        failures.append(failure)
    return failures


def _finding(
    failure: Failure, root: str, counts: dict[str, int], notes: list[str], found: report.PytestLayout
) -> Finding:
    category, kind, details = _meaning(failure, root)
    place = failure.place
    location = None
    if place is not None:
        location = Location(relative_to_root(place.file, root), place.line or None)
    elif _test_file_of(failure):
        location = Location(_test_file_of(failure))
    spans = [[failure.start, failure.end]]
    spans += [[e.start, e.end] for e in found.entries if e.test_id == failure.test_id]
    details.update(
        {
            "test_id": failure.test_id,
            "kind": kind,
            "phase": failure.kind,
            "header": failure.header,
            "evidence": failure.evidence[:500],
            "offset": failure.offset,
            "spans": spans,
            "explanation": failure.explanation[:15],
            "frames": [_frame_dict(f, root) for f in failure.frames[-15:] if f.line],
            "counts": counts,
        }
    )
    if place is not None and place.code:
        details["code"] = place.code
        if place.column is not None:
            details["code_column"] = place.column
    if notes:
        details["notes"] = notes
    confidence = 0.95 if failure.kind in _BEFORE_TESTS else 0.9
    return Finding(
        category=category,
        severity="high",
        tool="pytest",
        message=without_root(_message(failure, kind, details), root),
        location=location,
        confidence=confidence,
        details={k: v for k, v in details.items() if v not in ("", [], {}, None)},
    )


def _meaning(failure: Failure, root: str) -> tuple[str, str, dict[str, Any]]:
    """Category, kind and details of a failure, from pytest's own words or from the exception."""
    text = failure.text
    if ASYNC_UNSUPPORTED in text:
        return "async", "async-test-without-plugin", {"notes": [ASYNC_UNSUPPORTED]}
    if TIMEOUT.search(text):
        return "timeout", "test-timeout", {"exception": failure.exception or "Timeout"}
    if "[XPASS(strict)]" in text:
        reason = text.split("[XPASS(strict)]", 1)[1].strip().splitlines()[0] if text else ""
        return "test", "xpass-strict", {"reason": reason}
    missing = FIXTURE_MISSING.search(text)
    if missing is not None:
        return "test", "missing-fixture", _fixture_details(missing.group("name"), text)
    if failure.kind == "collect" and not (failure.exception or failure.message):
        return "test", "collection-error", {}  # only the summary's `ERROR tests/t.py` is left
    if failure.inside_pytest and failure.exception in ("", "AssertionError"):
        return "dependency", "pytest-internal-error", _internal_details(failure, root)
    result = classify_exception(failure.exception or "AssertionError", failure.message, root)
    details: dict[str, Any] = {**result.details, "exception_message": failure.message[:500]}
    if failure.kind in ("collect", "conftest"):
        return result.category, result.kind or "collection-error", details
    if "DID NOT RAISE" in failure.message:
        return "test", "did-not-raise", details
    if result.details.get("exception") == "AssertionError":
        details["assertion"] = re.sub(r"^AssertionError: ", "", failure.message)[:500]
        return "test", "assertion", details
    category = result.category if result.category in ACTIONABLE else "test"
    return category, result.kind or "exception", details


def _internal_details(failure: Failure, root: str) -> dict[str, Any]:
    """Where pytest's own check failed (pytest's file from `_pytest/` on, as on any machine)."""
    inner = failure.frames[-1]
    file = relative_to_root(inner.file, root)
    package = _PYTEST_CODE.search(file)
    short = file[package.start() :].lstrip("/\\") if package else file
    return {"exception": failure.exception or "AssertionError", "pytest_place": f"{short}:{inner.line}",
            "pytest_code": inner.code}  # fmt: skip


def _fixture_details(name: str, text: str) -> dict[str, Any]:
    available_match = FIXTURE_AVAILABLE.search(text)
    available = available_match.group("names").split(", ") if available_match else []
    details: dict[str, Any] = {"name": name, "available": available}
    close = difflib.get_close_matches(name, available, n=1, cutoff=0.8)
    if close:
        details["did_you_mean"] = close[0]
    return details


def _message(failure: Failure, kind: str, details: dict[str, Any]) -> str:
    what = ": ".join(part for part in (failure.exception, failure.message) if part)  # `E   ImportError`
    if kind == "assertion":
        what = details.get("assertion") or what
    elif kind == "missing-fixture":
        what = f"fixture '{details['name']}' not found"
    elif kind == "xpass-strict":
        what = f"[XPASS(strict)] {details.get('reason', '')}: it passed, and is marked xfail(strict=True)"
    elif kind == "async-test-without-plugin":
        what = f"{ASYNC_UNSUPPORTED} (install pytest-asyncio or anyio and mark the test)"
    elif kind == "pytest-internal-error":
        check = f"`{details['pytest_code']}` " if details.get("pytest_code") else ""
        what = (
            f"pytest itself failed: its own check {check}at {details['pytest_place']} raised "
            f"{details['exception']} (a pytest bug or an unsupported setup: upgrade or pin pytest, "
            "or look at the file it collects)"
        )
    what = what.strip() or "failed"
    prefix = {  # pytest's own words: `ERROR collecting`, `ERROR at setup of`, `-v`'s `id FAILED`
        "collect": f"ERROR collecting {failure.test_id}",
        "conftest": f"ImportError while loading conftest {failure.test_id}",
        "setup": f"{failure.test_id} ERROR at setup",
        "teardown": f"{failure.test_id} ERROR at teardown",
    }.get(failure.kind, f"{failure.test_id or 'a test'} FAILED")
    return f"{prefix}: {what}"[:400]


def _frame_dict(frame: Frame, root: str) -> dict[str, Any]:
    return {
        "file": relative_to_root(frame.file, root),
        "line": frame.line,
        "function": frame.function,
        "code": frame.code,
    }


def _capped(findings: list[Finding]) -> list[Finding]:
    """Every collection/conftest error, the first MAX_TEST_FINDINGS tests, then one summary."""
    first = [f for f in findings if f.details.get("phase") in _BEFORE_TESTS]
    tests = [f for f in findings if f not in first]
    if len(tests) <= MAX_TEST_FINDINGS:
        return first + tests
    kept, rest = tests[:MAX_TEST_FINDINGS], tests[MAX_TEST_FINDINGS:]
    ids = [str(f.details.get("test_id")) for f in rest]
    overflow = Finding(
        category="test",
        severity="high",
        tool="pytest",
        message=f"{len(rest)} more failing tests: {', '.join(ids[:8])}{', ...' if len(ids) > 8 else ''}",
        confidence=0.85,
        details={
            "test_ids": ids[:100],
            "spans": [span for f in rest for span in f.details.get("spans", [])],
            "offset": rest[0].details.get("offset", 0),
            "counts": rest[0].details.get("counts", {}),
        },
    )
    return [*first, *kept, overflow]
