"""One section of a pytest report (`____ test_x ____` and what follows) read in any `--tb` style.

Long (`>` source, `E` lines, `path:line: Exc`), short (`path:line: in func`), line, native (a
Python traceback) and the fixture-not-found form; the exception or assertion of the last `E`
block, the traceback entries as frames, and a SyntaxError's own place; and `--tb=line`'s
one-line reports, which have no sections.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from healing_hooks.detect import pytest_report as report
from healing_hooks.detect.text import relative_to_root
from healing_hooks.detect.tracebacks import (
    EXCEPTION_LINE,
    FRAME,
    Frame,
    Line,
    innermost_project_frame,
    innermost_project_location_of,
    leaves,
    parse_chains,
    project_rank,
    text_lines,
)
from healing_hooks.lazyre import lazy
from healing_hooks.records import dataclass, field, replace

LOCATION_LINE = lazy(
    r"^(?![E>] )(?P<file>(?:[A-Za-z]:)?[^\s:][^:\n]*?\.pyw?|<[^>\n]+>):(?P<line>\d+)"
    r"(?::(?: (?P<rest>.*\S))?)?[ \t]*$"
)
FIXTURE_FILE = lazy(r"^file (?P<file>.+), line (?P<line>\d+)[ \t]*$")
_FIXTURE_HINT = lazy(r"^>\s+(?:available fixtures:|use 'pytest --fixtures)")
_DOCTEST = lazy(r"^Expected:\n(?P<expected>(?:    .*\n)*?)Got:\n(?P<got>(?:    .*(?:\n|\Z))*)", re.M)


@dataclass
class Failure:
    """One failing test, error or collection problem, as read from its section."""

    kind: str
    title: str
    start: int
    end: int
    test_id: str = ""
    exception: str = ""
    message: str = ""
    evidence: str = ""
    offset: int = 0
    frames: list[Frame] = field(default_factory=list)
    place: Frame | None = None
    explanation: list[str] = field(default_factory=list)
    text: str = ""
    header: str = ""
    inside_pytest: bool = False
    """Every traceback entry is pytest's (or pluggy's) own code: pytest itself failed."""


def body_lines(text: str, start: int, end: int) -> list[Line]:
    """The section's lines up to its captured-output blocks."""
    lines: list[Line] = []
    for offset, content in text_lines(text[:end], start):
        if report.CAPTURED.match(content):
            break
        lines.append((offset, content))
    return lines


def read_body(failure: Failure, lines: Sequence[Line], root: str) -> None:
    """Exception, message, frames and place of a section in any `--tb` style."""
    if any("Traceback (most recent call last)" in content for _, content in lines):
        chains = [chain for chain, _ in leaves(parse_chains(lines))]
        if chains:
            final = chains[-1][-1]
            failure.exception, failure.message = final.exception, final.message
            failure.evidence, failure.offset = final.evidence, final.offset
            failure.frames = [f for report_ in chains[-1] for f in report_.all_frames()]
            failure.place = innermost_project_location_of(chains[-1], root)
            failure.explanation = [final.evidence, *final.more]
            return
    failure.frames, raised = entries(lines)
    explanation = last_e_group(lines)
    failure.explanation = [content for _, content in explanation][:40]
    if raised == "DocTestFailure":
        _read_doctest(failure, lines)
    else:
        read_exception(failure, explanation, raised, root)
    if failure.place is None:
        failure.place = innermost_project_frame(failure.frames, root)


def _read_doctest(failure: Failure, lines: Sequence[Line]) -> None:
    """A doctest's `>>> example`, `Expected:` and `Got:` blocks."""
    text = "\n".join(content for _, content in lines)
    example = [content.split(">>> ", 1)[1] for _, content in lines if ">>> " in content]
    match = _DOCTEST.search(text)
    expected, got = (match["expected"].strip(), match["got"].strip()) if match else ("?", "?")
    failure.exception = "DocTestFailure"
    failure.message = f"{example[-1] if example else 'the example'} gave {got!r}, expected {expected!r}"
    failure.explanation = [line.strip() for line in text.splitlines() if line.strip()][-12:]
    start = next((offset for offset, content in lines if content.startswith("Expected:")), lines[0][0])
    failure.evidence, failure.offset = failure.message, start
    if failure.frames and example:
        failure.frames[-1] = replace(failure.frames[-1], code=example[-1].strip())


def entries(lines: Sequence[Line]) -> tuple[list[Frame], str]:
    """pytest's traceback entries (`path:line: in func` / `path:line: Exc`) and the raised type."""
    frames: list[Frame] = []
    raised = ""
    arrow = ""
    for index, (offset, content) in enumerate(lines):
        if content.startswith(">"):
            arrow = "" if _FIXTURE_HINT.match(content) else content[1:].strip()
            continue
        match = LOCATION_LINE.match(content) or FIXTURE_FILE.match(content)
        if match is None:
            continue
        rest = (match.groupdict().get("rest") or "").strip()
        function = rest[3:] if rest.startswith("in ") else ""
        code = arrow
        below = lines[index + 1][1] if index + 1 < len(lines) else ""
        if (function or content.startswith("file ")) and below.startswith("  "):
            code = below.strip()
        frame = Frame(match.group("file"), int(match.group("line")), function, offset, code)
        if frames and (frames[-1].file, frames[-1].line) == (frame.file, frame.line):
            frame = frames.pop() if frames[-1].code and not code else frame
        frames.append(frame)
        if rest and not function and EXCEPTION_LINE.match(rest):
            raised = rest.split(":", 1)[0]
        arrow = ""
    return frames, raised


def last_e_group(lines: Sequence[Line]) -> list[Line]:
    """The last block of `E` lines, with pytest's `E` column and the common indent removed."""
    groups: list[list[Line]] = []
    previous_e = False
    for offset, content in lines:
        is_e = content == "E" or content.startswith("E ")
        if is_e and not previous_e:
            groups.append([])
        if is_e:
            groups[-1].append((offset, content[1:]))
        previous_e = is_e
    if not groups:
        return []
    group = groups[-1]
    indent = min((len(c) - len(c.lstrip(" ")) for _, c in group if c.strip()), default=0)
    return [(offset + 1 + indent, content[indent:]) for offset, content in group]


def read_exception(failure: Failure, explanation: list[Line], raised: str, root: str) -> None:
    """The exception (or assertion) of the last `E` block; a SyntaxError's own place."""
    if any(FRAME.match(content) for _, content in explanation):
        chains = parse_chains(explanation)
        if chains:
            final = chains[-1][-1]
            failure.exception, failure.message = final.exception, final.message
            failure.evidence, failure.offset = final.evidence, final.offset
            failure.place = final.syntax or innermost_project_frame(final.frames, root)
            return
    for offset, content in explanation:
        match = EXCEPTION_LINE.match(content)
        if match and is_exception_name(match.group("type")):  # `E   ImportError` has no message
            failure.exception = match.group("type")
            failure.message = (match.group("message") or "").strip()
            failure.evidence, failure.offset = content.strip(), offset
            return
    if explanation:
        offset, content = explanation[0]
        failure.evidence, failure.offset = content.strip(), offset
        failure.message = content.strip()
        failure.exception = raised or ("AssertionError" if content.lstrip().startswith("assert") else "")
    else:
        failure.exception = raised


def is_exception_name(name: str) -> bool:
    """Whether `name` reads as an exception class (`ValueError`, `pkg.errors.Invalid`, `Failed`)."""
    last = name.rsplit(".", 1)[-1]
    return (
        last[:1].isupper()
        and re.search(
            r"(?:Error|Exception|Warning|Failed|Exit|Interrupt|Group|Timeout|"
            r"Iteration|Failure|Invalid\w*)$|^Failed$",
            last,
        )
        is not None
    )


def line_mode_failures(text: str, found: report.PytestLayout, root: str) -> list[Failure]:
    """`--tb=line`: one `path:line: message` per test, in a FAILURES region without sections or
    at the top of an output whose banner `| tail` cut off."""
    ids = [e.test_id for e in found.entries if e.word == "FAILED"]
    failures: list[Failure] = []
    if top_is_line_mode(text, found):
        failures += _line_failures(text, 0, found.top, ids, root, cut=True)
    for title, start, end in found.regions:
        if title == "FAILURES" and not any(s.report == "FAILURES" for s in found.sections):
            failures += _line_failures(text, start, end, ids, root)
    return failures


def top_is_line_mode(text: str, found: report.PytestLayout) -> bool:
    """The top of the output holds `--tb=line` reports (`path:line: message`, not `path:line: Exc`)."""
    return any(_is_line_report(content) for _, content in text_lines(text[: found.top]))


def _is_line_report(content: str) -> bool:
    match = LOCATION_LINE.match(content)
    rest = (match.group("rest") or "") if match else ""
    return rest != "" and not rest.startswith("in ") and not is_exception_name(rest)


def _line_failures(
    text: str, start: int, end: int, ids: list[str], root: str, *, cut: bool = False
) -> list[Failure]:
    """The `path:line: message` reports between start and end, named by the FAILED entries in
    order; `cut`: the top of an output `| tail` cut, so the reports are the last ones, and only
    those of a file the summary names count (a warning's `path:line: message` looks the same)."""
    reports = []
    for offset, content in text_lines(text[:end], start):
        match = LOCATION_LINE.match(content)
        if match is None or not match.group("rest"):
            continue
        relative = relative_to_root(match.group("file"), root)
        if not cut or any(i.split("::", 1)[0] == relative for i in ids):
            reports.append((offset, content, match, relative))
    names = ids[-len(reports) :] if cut and reports else ids
    in_order = len(names) == len(reports) and (
        not cut or all(n.split("::", 1)[0] == r[3] for n, r in zip(names, reports, strict=True))
    )  # one line per failing test, in the summary's order (a report may point outside the test file)
    failures: list[Failure] = []
    group_start = start
    for index, (offset, content, match, relative) in enumerate(reports):
        failure = Failure("failure", "", group_start, offset + len(content))
        failure.text = text[group_start:offset]
        rest = match.group("rest")
        failure.frames = [Frame(match.group("file"), int(match.group("line")), "", offset)]
        outside = project_rank(failure.frames[0].file, root) == 0  # unittest's case.py: the test's file
        failure.place = None if outside else failure.frames[0]
        failure.explanation = [rest]
        read_exception(failure, [(offset + len(content) - len(rest), rest)], "", root)
        if in_order:
            failure.test_id = names[index]
        else:
            failure.test_id = next((i for i in names if i.split("::", 1)[0] == relative), relative)
            if failure.test_id in names:
                names.remove(failure.test_id)
        failures.append(failure)
        group_start = offset + len(content) + 1
    return failures


def read_summary_message(failure: Failure, entry: report.SummaryEntry) -> None:
    """Exception and message from a `FAILED id - message` line (pytest may have cut it with ...)."""
    message = entry.message
    match = EXCEPTION_LINE.match(message)
    if match and is_exception_name(match.group("type")):
        failure.exception, failure.message = match.group("type"), match.group("message") or ""
    else:
        failure.message = message
        failure.exception = failure.exception or ("AssertionError" if message.startswith("assert") else "")
    failure.evidence = f"{entry.word} {entry.test_id}" + (f" - {message}" if message else "")
    failure.offset = entry.start
