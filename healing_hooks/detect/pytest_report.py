"""The layout of a pytest run's output: banners, report sections, summary lines, counts.

Structure only (what is where); `detect/pytest.py` reads meaning into it and `testruns.py`
takes the counts from it. Works on `-q`/`-qq`/`-v`, every `--tb` style, `-x`, `-r` flags and
outputs cut by `| tail` or by the host's middle truncation.
"""

from __future__ import annotations

import bisect
import re

from healing_hooks.lazyre import lazy
from healing_hooks.records import dataclass, field

BANNER = lazy(r"^([=!+])\1\1[^\n]*$", re.M)
"""A candidate `==== title ====` line (checked by `_banners`: a regex with the title between two
runs of the same character backtracks cubically on a long run of `=`)."""
SECTION = lazy(r"^_{2,} (?P<title>.+?) _{2,}[ \t]*$", re.M)
COUNT_WORDS = (
    "passed", "failed", "errors", "error", "skipped", "xfailed", "xpassed", "deselected",
    "warnings", "warning", "rerun", "subtests passed", "subtests failed",
)  # fmt: skip
_COUNT = "|".join(COUNT_WORDS)
FINAL_LINE = lazy(
    rf"^(?:=+ )?(?P<body>(?:\d+ (?:{_COUNT})(?:, )?)+|no tests ran)"
    r"(?: in (?P<seconds>[\d.]+)s(?:econds)?(?: \([\d:.]+\))?)?(?: =+)?[ \t]*$",
    re.M,
)
COUNT = lazy(rf"(\d+) ({_COUNT})\b")
SUMMARY_ENTRY = lazy(
    r"^(?P<word>FAILED|ERROR|XPASS|XFAIL|PASSED) (?P<id>[^\s\[]+(?:\[.*?\](?= - |\s*$))?)"
    r"(?: - (?P<message>.*))?\s*$",
    re.M,
)
PROGRESS = lazy(r"^(?P<file>\S+\.py) (?P<marks>[.FEsxXR]+)\s*(?:\[\s*\d+%\])?\s*$", re.M)
BARE_PROGRESS = lazy(r"^[.FEsxX]+\s*\[\s*\d+%\]\s*$", re.M)
VERBOSE = lazy(
    r"^(?:\[gw\d+\] (?:\[\s*\d+%\] )?)?(?P<id>\S+\.py::\S.*?) "
    r"(?P<word>PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS)\b",
    re.M,
)
_NORMAL_WORD = {"error": "errors", "warning": "warnings"}
REPORT_TITLES = frozenset({"FAILURES", "ERRORS"})
QUIET_TITLES = frozenset({"PASSES", "XPASSES", "warnings summary", "slowest durations"})
MARKERS = lazy(
    r"^=+ (?:test session starts|FAILURES|ERRORS|short test summary info) =+[ \t]*$|"
    r"^ImportError while loading conftest |^INTERNALERROR> |^ERROR: (?:file or directory )?not found: |"
    r"^_{3,} (?:ERROR collecting |ERROR at setup of |ERROR at teardown of |test_)\S|"
    r"^ImportError while importing test module '",
    re.M,
)
BARE_TITLE = lazy(r"ERROR collecting .+|ERROR at \w+ of .+|(?:\[doctest\] )?[A-Za-z_][\w.]*(?:\[.*\])?")
"""What a section header outside a FAILURES/ERRORS region must say to count as one (a test's name,
`ERROR collecting ...`, `ERROR at setup of ...`)."""
IMPORT_BLOCK = lazy(r"^ImportError while importing test module '(?P<path>[^'\n]+)'\.", re.M)
E_LINE = lazy(r"^E(?:[ \t]|$)", re.M)
CAPTURED = lazy(r"^-{3,} .+ -{3,}[ \t]*$", re.M)
OWN_REPORTS = lazy(r"^ImportError while loading conftest |^INTERNALERROR> ", re.M)
"""Reports read elsewhere (`detect/pytest.py`, `pytest_session.py`): never part of a section."""
_BLANK_LINE = lazy(r"\n[ \t]*(?:\n|\Z)")


@dataclass(frozen=True)
class Banner:
    """A `==== title ====` (or `!!!!`, `++++`) line: its title and [start, end) in the text."""

    title: str
    start: int
    end: int


def _banners(text: str) -> list[Banner]:
    banners = []
    for match in BANNER.finditer(text):
        line = match.group(0).rstrip()
        fill = line[0]
        if line.endswith(fill):
            banners.append(Banner(line.strip(fill).strip(), match.start(), match.start() + len(line)))
    return banners


@dataclass
class Section:
    """One `____ title ____` block of a FAILURES or ERRORS report: [start, end) in the text.

    `report` is empty for a section whose report banner is not in the output (a paste, `| tail`);
    its title is empty for the cut-off end of a section at the top of the output."""

    title: str
    report: str
    start: int
    body: int
    end: int


@dataclass
class SummaryEntry:
    word: str
    test_id: str
    message: str
    start: int
    end: int


@dataclass
class PytestLayout:
    """Where everything is in one pytest output."""

    session: tuple[int, int] | None = None
    """From the header (else the start of the output) to the final counts line (else the end)."""
    regions: list[tuple[str, int, int]] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    entries: list[SummaryEntry] = field(default_factory=list)
    final: re.Match[str] | None = None
    banners: list[Banner] = field(default_factory=list)
    top: int = 0
    """Where the first banner, section or summary line starts: what comes before it may be the end
    of a report whose top `| tail` cut off."""

    def failing_entries(self) -> list[SummaryEntry]:
        return [e for e in self.entries if e.word in ("FAILED", "ERROR")]


def looks_like_pytest(text: str) -> bool:
    """Whether the output holds a pytest report (a header, a report section, a conftest error)."""
    return MARKERS.search(text) is not None


def layout(text: str) -> PytestLayout:
    """Find the banners, report regions, sections and summary entries of a pytest output."""
    found = PytestLayout(banners=_banners(text))
    finals = list(FINAL_LINE.finditer(text))
    found.final = finals[-1] if finals else None
    for position, banner in enumerate(found.banners):
        end = found.banners[position + 1].start if position + 1 < len(found.banners) else len(text)
        if found.final is not None and banner.start < found.final.start() < end:
            end = found.final.start()
        found.regions.append((banner.title, banner.end + 1, end))
    found.session = _session(text, found)
    for title, start, end in found.regions:
        if title in REPORT_TITLES:
            found.sections.extend(_sections(text, title, start, end))
    found.entries = [
        SummaryEntry(m["word"], m["id"], m["message"] or "", m.start(), m.end())
        for m in SUMMARY_ENTRY.finditer(text)
    ]
    bare, found.top = _bare_sections(text, found)
    found.sections = sorted(found.sections + bare, key=lambda s: s.start)
    return found


def _session(text: str, found: PytestLayout) -> tuple[int, int]:
    start = next((b.start for b in found.banners if b.title == "test session starts"), None)
    if start is None:  # -q prints no header: the session starts with the output
        start = 0
    end = found.final.end() if found.final is not None and found.final.start() >= start else len(text)
    return start, end


def _sections(text: str, report: str, start: int, end: int) -> list[Section]:
    heads = list(SECTION.finditer(text, start, end))
    return [
        Section(
            title=head.group("title"),
            report=report,
            start=head.start(),
            body=head.end() + 1,
            end=heads[i + 1].start() if i + 1 < len(heads) else end,
        )
        for i, head in enumerate(heads)
    ]


def _bare_sections(text: str, found: PytestLayout) -> tuple[list[Section], int]:
    """Sections outside any FAILURES/ERRORS region: their banner was cut (`| tail`) or not pasted;
    and where the output's first banner, section or summary line starts.

    A `____ test_x ____` header, an `ImportError while importing test module` block, or the end
    of a section cut at the top of the output; each only when it reads as a failure (`E` lines
    or a traceback before any captured output), so passing runs stay silent."""
    covered = [(s, e) for t, s, e in found.regions if t in REPORT_TITLES | QUIET_TITLES]
    stops = [b.start for b in found.banners] + [e.start for e in found.entries] + [len(text)]
    stops += [m.start() for m in OWN_REPORTS.finditer(text)]
    if found.final is not None:
        stops.append(found.final.start())
    heads = [
        m for m in SECTION.finditer(text)
        if not _inside(m.start(), covered) and BARE_TITLE.fullmatch(m.group("title"))
    ]  # fmt: skip
    stops = sorted(stops + [head.start() for head in heads])
    sections = [
        Section(head.group("title"), "", head.start(), head.end() + 1, _next_stop(stops, head.end()))
        for head in heads
    ]
    sections += _import_blocks(text, covered + [(s.start, s.end) for s in sections], stops)
    sections = [s for s in sections if _reads_as_failure(text, s)]
    top = min([*stops, *(s.start for s in sections)])
    if _has_e_lines(text, 0, top):  # not a traceback alone: one a test printed (`-s`) comes first too
        sections.append(Section("", "", 0, 0, top))
    return sections, top


def _import_blocks(text: str, taken: list[tuple[int, int]], stops: list[int]) -> list[Section]:
    """`ImportError while importing test module '...'` pasted without its `ERROR collecting` header."""
    blocks = []
    for match in IMPORT_BLOCK.finditer(text):
        if _inside(match.start(), taken):
            continue
        blank = _BLANK_LINE.search(text, match.end())
        end = min(blank.start() if blank else len(text), _next_stop(stops, match.end()))
        title = f"ERROR collecting {match.group('path')}"
        blocks.append(Section(title, "", match.start(), match.start(), end))
    return blocks


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def _next_stop(stops: list[int], position: int) -> int:
    """The first of the (sorted) stops after position."""
    index = bisect.bisect_right(stops, position)
    return stops[index] if index < len(stops) else position


def _reads_as_failure(text: str, section: Section) -> bool:
    """`E` lines or a traceback (`--tb=native`) before the section's captured output."""
    before_captured = text[section.body : _captured_start(text, section.body, section.end)]
    traceback = "Traceback (most recent call last)" in before_captured
    return traceback or _has_e_lines(text, section.body, section.end)


def _has_e_lines(text: str, start: int, end: int) -> bool:
    return E_LINE.search(text, start, _captured_start(text, start, end)) is not None


def _captured_start(text: str, start: int, end: int) -> int:
    captured = CAPTURED.search(text, start, end)
    return captured.start() if captured else end


def cut_section_entry(
    found: PytestLayout, section: Section, claimed: set[str], files: set[str], text: str
) -> SummaryEntry | None:
    """The summary entry of the section whose top `| tail` cut off (the section at the top).

    The summary lists each word's (FAILED, ERROR) tests in the order of their sections, so its
    test is the entry just before the first whole section of the same word (the last entry when
    none follows) — unless an unclaimed entry of a file its traceback (`files`) shows has its
    `def` in the section."""
    word = _cut_section_word(found, section)
    same = [entry for entry in found.failing_entries() if entry.word == word]
    first_whole = next((i for i, entry in enumerate(same) if entry.test_id in claimed), len(same))
    body = text[section.start : section.end]
    shown = [
        entry for entry in same[:first_whole]
        if entry.test_id.split("::", 1)[0] in files and f"def {_function_name(entry.test_id)}(" in body
    ]  # fmt: skip
    if shown:
        return shown[-1]
    return same[first_whole - 1] if first_whole > 0 and same[first_whole - 1].test_id not in claimed else None


def _cut_section_word(found: PytestLayout, section: Section) -> str:
    """ERROR when the cut section belongs to the ERRORS region (it comes before FAILURES)."""
    banner = next((b for b in found.banners if b.start == section.end), None)
    following = next((s for s in found.sections if s.start == section.end), None)
    if banner is not None and banner.title == "FAILURES":
        return "ERROR"
    if following is not None:
        return "ERROR" if following.title.startswith("ERROR ") else "FAILED"
    return "FAILED" if any(entry.word == "FAILED" for entry in found.entries) else "ERROR"


def _function_name(test_id: str) -> str:
    return test_id.rsplit("::", 1)[-1].split("[", 1)[0]


def report_spans(text: str) -> tuple[list[tuple[int, int]], tuple[int, int] | None]:
    """Where pytest reports failures itself (FAILURES / ERRORS regions, INTERNALERROR lines), and
    the span of its session (None when the output holds no pytest run)."""
    if not looks_like_pytest(text):
        return [], None
    found = layout(text)
    spans = [(start, end) for title, start, end in found.regions if title in REPORT_TITLES]
    spans += [(section.start, section.end) for section in found.sections if not section.report]
    internal = [m.span() for m in re.finditer(r"^INTERNALERROR> .*$", text, re.M)]
    return spans + internal, found.session


def counts(text: str, found: PytestLayout | None = None) -> dict[str, int] | None:
    """The run's counts from its final line; else from the progress marks or `-v` words."""
    found = found or layout(text)
    if found.final is not None:
        result: dict[str, int] = {}
        for number, word in COUNT.findall(found.final.group("body")):
            key = _NORMAL_WORD.get(word, word)
            result[key] = result.get(key, 0) + int(number)
        return result
    return _counts_from_progress(text)


_MARKS = {".": "passed", "F": "failed", "E": "errors", "s": "skipped", "x": "xfailed", "X": "xpassed"}
_WORDS = {"PASSED": "passed", "FAILED": "failed", "ERROR": "errors", "SKIPPED": "skipped",
          "XFAIL": "xfailed", "XPASS": "xpassed"}  # fmt: skip


def _counts_from_progress(text: str) -> dict[str, int] | None:
    result: dict[str, int] = {}
    verbose = VERBOSE.findall(text)
    for _, word in verbose:
        result[_WORDS[word]] = result.get(_WORDS[word], 0) + 1
    if not verbose:
        marks = "".join(m.group("marks") for m in PROGRESS.finditer(text))
        marks += "".join(m.group(0).split("[")[0].strip() for m in BARE_PROGRESS.finditer(text))
        for mark in marks:
            if mark in _MARKS:
                result[_MARKS[mark]] = result.get(_MARKS[mark], 0) + 1
    return result or None


def section_key(test_id: str) -> str:
    """How a section header names a test: `tests/t.py::TestA::test_b[x::y]` → `TestA.test_b[x::y]`."""
    name = test_id.split("::", 1)[1] if "::" in test_id else test_id
    bracket = name.find("[")
    head, params = (name, "") if bracket < 0 else (name[:bracket], name[bracket:])
    return head.replace("::", ".") + params
