"""`cargo test` failures and Rust panics: test names, panic messages and places, counts.

libtest prints, per test binary::

    test tests::it_fails ... FAILED
    failures:
    ---- tests::it_fails stdout ----
    thread 'tests::it_fails' (1234) panicked at src/lib.rs:10:5:
    assertion `left == right` failed
    failures:
        tests::it_fails
    test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s
    error: test failed, to rerun pass `--lib`

A panic outside a test (`cargo run`, a binary) is a `runtime` finding of its own.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from itertools import islice
from typing import Any

from healing_hooks.detect.text import relative_to_root
from healing_hooks.findings import Finding, Location
from healing_hooks.lazyre import lazy
from healing_hooks.records import dataclass

PANIC = lazy(
    r"^[ \t]*thread '(?P<thread>[^'\n]*)'(?: \(\d+\))? panicked at "
    r"(?:(?P<file>[^\n'][^\n]*?):(?P<line>\d+):(?P<col>\d+):[ \t]*$"
    r"|'(?P<old>(?:[^\n]|\n(?!\n))*?)', (?P<ofile>[^\n]+?):(?P<oline>\d+):(?P<ocol>\d+)[ \t]*$)",
    re.M,
)
SECTION = lazy(r"^---- (?P<name>.+?) stdout ----$", re.M)
FAILURES = lazy(r"^failures:\n(?P<names>(?:    \S.*\n?)+)", re.M)
FAILED_LINE = lazy(r"^test (?P<name>.+?)(?: - should panic)? \.\.\. FAILED$", re.M)
RESULT = lazy(
    r"^test result: (?:ok|FAILED)\. (?P<passed>\d+) passed; (?P<failed>\d+) failed; "
    r"(?P<ignored>\d+) ignored; (?P<measured>\d+) measured; (?P<filtered_out>\d+) filtered out",
    re.M,
)
FAILED_RESULT = lazy(r"^test result: FAILED\..*$", re.M)
RERUN = lazy(r"^error: (?:test|doctest) failed, to rerun pass [`'](?P<args>[^`']+)[`']", re.M)
TARGETS_FAILED = lazy(r"^error: \d+ targets? failed:\n(?:    .*\n?)*", re.M)
DID_NOT_PANIC = lazy(
    r"^note: test did not panic as expected(?: at (?P<file>.+?):(?P<line>\d+):(?P<col>\d+))?", re.M
)
RETURNED_ERROR = lazy(r"^Error: (?P<message>.+)$", re.M)
DOC_TEST = lazy(r"^(?P<file>\S.*?) - .*\(line (?P<line>\d+)\)$")
FRAME_AT = lazy(r"^\s+at (?P<file>[^\n]+?):(?P<line>\d+):(?P<col>\d+)$", re.M)
FRAME_FN = lazy(r"^\s+\d+: (?P<function>.+)$", re.M)
END_OF_MESSAGE = ("note: run with `RUST_BACKTRACE", "stack backtrace:", "---- ", "failures:")
MAX_MESSAGE_LINES = 12
MAX_TESTS = 100
MAX_PANICS = 200
MAX_CRASHES = 3
MAX_RELATED = 10


@dataclass(frozen=True)
class Panic:
    """One `thread '...' panicked at file:line:col:` and its message."""

    thread: str
    file: str
    line: int
    column: int
    message: str
    offset: int
    end: int


def panics(text: str) -> list[Panic]:
    """Every panic in the output, old (`panicked at 'msg', file:l:c`) and new format."""
    found = []
    for match in islice(PANIC.finditer(text), MAX_PANICS):
        if match["old"] is not None:
            place = (match["ofile"], int(match["oline"]), int(match["ocol"]))
            message, end = match["old"], match.end()
        else:
            place = (match["file"], int(match["line"]), int(match["col"]))
            message, end = _message_after(text, match.end() + 1)
        found.append(Panic(match["thread"], *place, message, match.start(), end))
    return found


def _message_after(text: str, start: int) -> tuple[str, int]:
    """The panic message: the lines after the `panicked at` line, up to the backtrace note."""
    lines: list[str] = []
    position = start
    while position < len(text) and len(lines) < MAX_MESSAGE_LINES:
        newline = text.find("\n", position)
        end = len(text) if newline == -1 else newline
        line = text[position:end]
        stripped = line.strip()
        if not stripped or stripped.startswith(END_OF_MESSAGE):
            break
        lines.append(stripped)
        position = end + 1
    return "\n".join(lines), position


def cargo_test_findings(text: str, root: str, skip: Sequence[Sequence[int]] = ()) -> list[Finding]:
    """A `test` finding per failing test, then a `runtime` finding per panic outside tests.

    `skip` holds (start, end) ranges already explained (e.g. a build script's panic inside a
    cargo error): panics inside them are not reported again.
    """
    if "panicked" not in text and "FAILED" not in text and "Error: " not in text:
        return []
    all_panics = panics(text)
    sections = list(SECTION.finditer(text))
    counts = cargo_test_counts(text)
    findings: list[Finding] = []
    used: set[int] = set()
    failed_lines = {m["name"]: [m.start(), m.end()] for m in FAILED_LINE.finditer(text)}
    for name, offset in _failed_tests(text, sections)[:MAX_TESTS]:
        section_end = _section_end(text, sections, offset)
        finding = _test_finding(text, name, offset, section_end, all_panics, root)
        finding.details["counts"] = counts
        if name in failed_lines:
            finding.details["spans"].append(failed_lines[name])
        findings.append(finding)
        used.update(p.offset for p in all_panics if offset <= p.offset < section_end)
    for finding in findings:
        others = [_named(other) for other in findings if other is not finding]
        if others:
            finding.details["related"] = others[:MAX_RELATED]
    if findings:
        findings[0].details["spans"].extend([m.start(), m.end()] for m in FAILURES.finditer(text))
        findings[0].details["spans"].extend([m.start(), m.end()] for m in RESULT.finditer(text))
        findings[0].details["spans"].extend([m.start(), m.end()] for m in RERUN.finditer(text))
        findings[0].details["spans"].extend([m.start(), m.end()] for m in TARGETS_FAILED.finditer(text))
    first_section = sections[0].start() if sections else len(text)
    crashes = 0
    for panic in all_panics:
        if panic.offset in used or any(a <= panic.offset < b for a, b in skip):
            continue
        if panic.offset >= first_section:
            continue  # inside a test's output that no failure list named: not a root cause
        findings.append(_panic_finding(text, panic, root))
        crashes += 1
        if crashes >= MAX_CRASHES:
            break
    return findings


def _named(finding: Finding) -> str:
    where = f" at {finding.location}" if finding.location else ""
    return f"{finding.details['test_id']}{where}"


def cargo_test_counts(text: str) -> dict[str, int]:
    """The `test result:` counts, summed over every test binary."""
    counts: dict[str, int] = {}
    for match in RESULT.finditer(text):
        for key, value in match.groupdict().items():
            counts[key] = counts.get(key, 0) + int(value)
    return counts


def failed_test_names(text: str) -> list[str]:
    """The failing tests of a `cargo test` run, in libtest's order."""
    return [name for name, _offset in _failed_tests(text, list(SECTION.finditer(text)))]


def _failed_tests(text: str, sections: list[re.Match[str]]) -> list[tuple[str, int]]:
    """(name, offset of its output section or FAILED line), in the order libtest lists them."""
    names: list[str] = []
    for match in FAILURES.finditer(text):
        names.extend(line.strip() for line in match["names"].splitlines() if line.strip())
    if not names:
        names = [m["name"] for m in FAILED_LINE.finditer(text)]
    where = {m["name"]: m.start() for m in FAILED_LINE.finditer(text)}
    where.update({m["name"]: m.start() for m in sections})
    ordered = list(dict.fromkeys(names))
    return [(name, where.get(name, 0)) for name in ordered]


def _section_end(text: str, sections: list[re.Match[str]], offset: int) -> int:
    starts = [s.start() for s in sections]
    index = bisect_right(starts, offset)
    following = [starts[index]] if index < len(starts) else []
    failures = text.find("\nfailures:\n", offset)
    if failures != -1:
        following.append(failures)
    return min(following) if following else len(text)


def _test_finding(text: str, name: str, offset: int, end: int, all_panics: list[Panic], root: str) -> Finding:
    """What one failing test says: its panic (or returned error), place and rerun command."""
    panic = next((p for p in all_panics if offset <= p.offset < end), None)
    details: dict[str, Any] = {
        "test_id": name,
        "offset": offset,
        "evidence": f"---- {name} stdout ----",
        "spans": [[offset, end]],
    }
    location: Location | None = None
    if panic is not None:
        reason = panic.message or "panicked"
        location = Location(relative_to_root(panic.file, root), panic.line, panic.column)
        details["evidence"] = text[panic.offset : panic.end].strip()[:500]
        frames = _project_frames(text[panic.offset : end], root)
        if frames:
            details["frames"] = frames
    else:
        reason, location = _other_reason(text[offset:end], root)
    doc = DOC_TEST.match(name)
    if doc:
        location = Location(relative_to_root(doc["file"], root), int(doc["line"]))
    details["command"] = _rerun_command(text, offset, name, doc is not None)
    result = FAILED_RESULT.search(text, offset)
    if result:
        details["summary"] = result.group(0).strip()
    first = reason.splitlines()[0] if reason else "failed"
    return Finding(
        category="test",
        severity="high",
        tool="cargo",
        message=f"test {name} failed: {_compact(reason) if len(reason) < 300 else first}",
        location=location,
        confidence=0.9,
        details=details,
    )


def _other_reason(section: str, root: str) -> tuple[str, Location | None]:
    """A failure without a panic: `#[should_panic]` that did not, or a returned `Err`."""
    did_not = DID_NOT_PANIC.search(section)
    if did_not:
        location = None
        if did_not["file"]:
            file = relative_to_root(did_not["file"], root)
            location = Location(file, int(did_not["line"]), int(did_not["col"]))
        return "test did not panic as expected", location
    returned = RETURNED_ERROR.search(section)
    if returned:
        return f"returned Err: {returned['message'].strip()}", None
    return "", None


def _rerun_command(text: str, offset: int, name: str, doc: bool) -> str:
    rerun = RERUN.search(text, offset)
    args = rerun["args"] if rerun else ""
    if doc:
        return "cargo test --doc"
    return " ".join(part for part in ("cargo test", args, "--", name, "--exact") if part)


def _compact(message: str) -> str:
    """`assertion failed\\n  left: 1\\n right: 2` → one line."""
    return "; ".join(line.strip() for line in message.splitlines() if line.strip())


def _project_frames(trace: str, root: str) -> list[dict[str, Any]]:
    """Backtrace frames in the project's own files, innermost last."""
    frames: list[dict[str, Any]] = []
    functions = list(FRAME_FN.finditer(trace))
    for at in FRAME_AT.finditer(trace):
        file = at["file"]
        if file.startswith("/rustc/") or "/.cargo/registry/" in file or "/.rustup/" in file:
            continue
        before = [f for f in functions if f.start() < at.start()]
        function = before[-1]["function"].strip() if before else ""
        place = {"file": relative_to_root(file, root), "line": int(at["line"]), "column": int(at["col"])}
        frames.append({**place, "function": function})
    frames.reverse()
    return frames[-10:]


def _panic_finding(text: str, panic: Panic, root: str) -> Finding:
    """A panic outside any test: the program crashed at runtime."""
    message = _compact(panic.message) or "panicked"
    return Finding(
        category="runtime",
        severity="high",
        tool="rust",
        message=f"thread '{panic.thread}' panicked: {message[:300]}",
        location=Location(relative_to_root(panic.file, root), panic.line, panic.column),
        confidence=0.85,
        details={
            "evidence": text[panic.offset : panic.end].strip()[:500],
            "offset": panic.offset,
            "spans": [[panic.offset, panic.end]],
            "exception": "panic",
        },
    )
