"""Python tracebacks as printed: frames, the exception line, chains and exception groups.

Pure text parsing, shared by the Python and pytest detectors. It reads every shape CPython
prints (2.7 to 3.13): plain tracebacks, `^^^^`/`~~~` markers, `[Previous line repeated N more
times]`, SyntaxError reports with or without frames, chains ("During handling of the above
exception..." / "The above exception was the direct cause..."), exception groups drawn with
`+-|` boxes, Windows paths, and tracebacks whose lines all carry the same prefix (log or
container prefixes). Offsets always refer to the text the lines were cut from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from healing_hooks.detect import tbrender
from healing_hooks.detect.text import relative_to_root
from healing_hooks.lazyre import lazy
from healing_hooks.records import dataclass, field, replace

Line = tuple[int, str]
"""A line of output: its offset in the text, and its content without the line ending."""

HEADER = lazy(r"^(?P<prefix>.*?)(?:Exception Group )?Traceback \(most recent call last\):\s*$")
FRAME = lazy(r'^(?P<indent>\s*)File "(?P<file>[^"]+)", line (?P<line>\d+)(?:, in (?P<func>.*\S))?[ \t]*$')
EXCEPTION_LINE = lazy(r"^(?P<type>(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*)(?:: ?(?P<message>.*)|:?)\s*$")
CHAIN = lazy(
    r"^\s*(?P<sentence>During handling of the above exception, another exception occurred|"
    r"The above exception was the direct cause of the following exception):\s*$"
)
_REPEATED = lazy(r"^\s*\[Previous line repeated \d+ more times?\]\s*$")
_MARKERS = lazy(r"^\s*[\^~\s]+$")
_TRUNCATED = lazy(r"^\.\.\. \[\d+ characters truncated\] \.\.\.$")
_GROUP_BAR = lazy(r"^(?P<indent>[ ]*)(?:\| ?|\+ (?=Exception Group Traceback))")
_GROUP_SEPARATOR = lazy(r"^\s*\+(?:-\+)?-{3,}(?: \d+ -+| \.\.\.\S* .*)?\s*$")
_MESSAGE_STOP = lazy(
    r"^(?:\s*File \"|.*Traceback \(most recent call last\)|\S+:\d+: \w*Warning: |sys:\d+: |"
    r"[=_+!-]{3,}|During handling of the above|The above exception was|Exit code \d+)"
)
_ENVIRONMENT = lazy(
    r"(?:^|/)(?:site-packages|dist-packages|lib/(?i:python|pypy)\d[\d.]*|(?i:python|pypy)\d\.\d+|"
    r"Python\d+|(?i:python)\d+\.zip|lib-python|lib_pypy|Lib|\.venv|venv|\.tox|\.nox|envs/[^/]+/lib|"
    r"python-exec|(?i:(?:ana|mini)conda\d*|miniforge\d*|mambaforge)|\.pyenv|\.rye|\.local/share/uv)"
    r"(?:/|$)|"
    r"^<|"
    r"\.(?:pyx|pxi|pxd)$"
)
"""Interpreter, installed-package and virtualenv folders, pseudo-files (`<frozen runpy>`,
`<string>`, `<__array_function__ internals>`) and Cython sources: files that are never the
project's own (an interpreter folder with or without its `lib/`, as embedded interpreters ship
it: `./python3.3/threading.py`, `python311.zip/subprocess.py`)."""
_LAUNCHER = lazy(r"^(?:/|[A-Za-z]:/).*/s?bin/[^/.]+$|(?:^|/)[^/]+\.exe/__main__\.py$")
"""A console-script launcher outside the project (`/usr/bin/tool`, `tool.exe/__main__.py`): it
only calls the package's entry point."""
_INSTALLED = lazy(r"(?:^|/)(?:site|dist)-packages/")
_GROUP_TYPES = ("ExceptionGroup", "MultiError")
MAX_MESSAGE_LINES = 20


@dataclass(frozen=True)
class Frame:
    """One entry of a traceback; `function` is empty for the place a SyntaxError points at."""

    file: str
    line: int
    function: str
    offset: int
    code: str = ""
    column: int | None = None
    """1-based, in `code` as the traceback shows it (leading whitespace stripped), not in the file."""

    def in_project(self, root: str) -> bool:
        """Project code: under the root (or relative), and not an interpreter or installed package."""
        return project_rank(self.file, root) == 2


@dataclass
class ExceptionReport:
    """One exception as printed: its frames and the exception line (and what follows it)."""

    exception: str
    message: str
    offset: int
    evidence: str
    start: int
    end: int
    frames: list[Frame] = field(default_factory=list)
    more: list[str] = field(default_factory=list)
    syntax: Frame | None = None
    relation: str = ""
    indent: int = 0

    @property
    def is_group(self) -> bool:
        return self.exception.endswith(_GROUP_TYPES)

    def all_frames(self) -> list[Frame]:
        """The frames, then the SyntaxError's place when there is one (innermost last)."""
        return [*self.frames, self.syntax] if self.syntax else list(self.frames)


Chain = list[ExceptionReport]
"""Reports linked by "During handling..." / "The above exception...": the last one is final."""


def text_lines(text: str, start: int = 0) -> list[Line]:
    """The lines of `text[start:]` with their offsets in `text`."""
    lines: list[Line] = []
    position = start
    for content in text[start:].split("\n"):
        lines.append((position, content))
        position += len(content) + 1
    return lines


def project_rank(file: str, root: str) -> int:
    """2: the project's own file; 1: a file outside the root that is no environment (a pasted
    traceback from another machine); 0: the interpreter, an installed package, a frozen module."""
    relative = relative_to_root(file, root)
    if _ENVIRONMENT.search(relative) or _LAUNCHER.search(relative):
        return 0
    outside = relative.startswith("/") or re.match(r"^[A-Za-z]:/", relative) is not None
    return 1 if outside else 2


_FRAME_IN_TEXT = lazy(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)(?:, in (?P<func>.+))?$', re.M)


def frames_before(text: str, offset: int) -> list[Frame]:
    """The frames of the traceback whose exception line is at `offset` (a quick look back)."""
    start = text.rfind("Traceback (most recent call last)", 0, offset)
    start = start if start >= 0 else max(0, offset - 2_000)
    return [
        Frame(m["file"], int(m["line"]), (m["func"] or "").strip(), m.start())
        for m in _FRAME_IN_TEXT.finditer(text, start, offset)
    ]


def without_root(text: str, root: str) -> str:
    """`text` with the project root's prefix removed from the paths it names (messages stay short)."""
    root = root.rstrip("/\\")
    if len(root) < 2:
        return text
    for separator in ("/", "\\"):
        text = text.replace(root + separator, "")
    return text


def innermost_project_frame(frames: Sequence[Frame], root: str) -> Frame | None:
    """The innermost frame in the project; else outside any environment; else the innermost frame
    of an installed package (the code that called the standard library); else the innermost."""
    if not frames:
        return None
    ranked = [(project_rank(f.file, root), _is_installed(f.file), i) for i, f in enumerate(frames)]
    return frames[max(ranked)[2]]


def _is_installed(file: str) -> bool:
    return _INSTALLED.search(file.replace("\\", "/")) is not None


def parse_chains(lines: Sequence[Line]) -> list[Chain]:
    """Every traceback in the lines, as chains (causes first, the final exception last)."""
    depths: dict[int, int] = {}
    if tbrender.needs_rewriting(lines):
        lines = tbrender.as_cpython(lines)
    if any("Exception Group Traceback" in content for _, content in lines):
        lines, depths = _ungrouped(lines)
    if tbrender.is_flattened(lines):
        lines = tbrender.unflattened(lines)
    chains: list[Chain] = []
    index = 0
    while index < len(lines):
        report, after = _report_at(lines, index, depths)
        if report is None:
            index = max(after, index + 1)
            continue
        chain = [report]
        while True:
            relation, start = _chain_link(lines, after)
            if relation is None:
                break
            following, next_after = _report_at(lines, start, depths)
            if following is None:
                break
            following.relation = relation
            chain.append(following)
            after = next_after
        chains.append(chain)
        index = after
    return chains


def _ungrouped(lines: Sequence[Line]) -> tuple[list[Line], dict[int, int]]:
    """Exception-group boxes removed: `  | ` prefixes cut, separators turned into blank lines.

    Returns the lines and, for each line that was inside a box, the box's indentation (by
    offset): sub-exceptions sit in deeper boxes than their group."""
    clean: list[Line] = []
    depths: dict[int, int] = {}
    for offset, content in lines:
        if _GROUP_SEPARATOR.match(content):
            clean.append((offset, ""))
            depths[offset] = -1  # a separator: a bare exception line may follow it
            continue
        match = _GROUP_BAR.match(content)
        while match:
            depths[offset] = max(depths.get(offset, 0), len(match.group("indent")) + 1)
            content = content[match.end() :]
            match = _GROUP_BAR.match(content)
        clean.append((offset, content))
    return clean, depths


def _report_at(
    lines: Sequence[Line], index: int, depths: dict[int, int]
) -> tuple[ExceptionReport | None, int]:
    """The report that starts at `lines[index]` (a Traceback header or a SyntaxError place)."""
    offset, content = lines[index]
    indent = max(depths.get(offset, 0), 0)
    header = HEADER.match(content) if "Traceback (most" in content else None
    if header is not None:
        prefix = header.group("prefix")
        if prefix.strip() and not _prefixed(lines, index + 1, prefix):
            prefix = ""
        return _read_report(lines, index + 1, offset, prefix, indent, bare=False)
    frame = FRAME.match(content)
    if frame is not None:  # a SyntaxError report, or a traceback pasted without its header
        return _read_report(lines, index, offset, "", indent, bare=True)
    if indent and index and depths.get(lines[index - 1][0]) == -1:
        exception = EXCEPTION_LINE.match(content)
        if exception is not None:  # a sub-exception printed without a traceback
            return _finish(lines, index, "", exception, offset, [], None, indent)
    return None, index + 1


def _prefixed(lines: Sequence[Line], index: int, prefix: str) -> bool:
    return index < len(lines) and lines[index][1].startswith(prefix.rstrip())


def _strip(content: str, prefix: str) -> str | None:
    if not prefix:
        return content
    if content.startswith(prefix):
        return content[len(prefix) :]
    return "" if content.strip() == prefix.strip() else None


def _read_report(
    lines: Sequence[Line], index: int, start: int, prefix: str, indent: int, *, bare: bool
) -> tuple[ExceptionReport | None, int]:
    frames: list[Frame] = []
    syntax: Frame | None = None
    while index < len(lines):
        offset, raw = lines[index]
        content = _strip(raw, prefix)
        if content is None:
            return None, index
        frame = FRAME.match(content)
        if frame is not None:
            parsed, index = _read_frame(lines, index, prefix, frame, offset)
            if frame.group("func") is None:
                syntax = parsed
            else:
                frames.append(parsed)
            continue
        if _REPEATED.match(content) or _TRUNCATED.match(content.strip()):
            index += 1
            continue
        if not content.strip() and _continues(lines, index, prefix, bool(frames or syntax)):
            index += 1  # a blank line pasted into a traceback
            continue
        exception = EXCEPTION_LINE.match(content)
        if exception is not None and (frames or syntax or not bare):
            return _finish(lines, index, prefix, exception, start, frames, syntax, indent)
        if content.startswith(" ") and content.strip() and (frames or syntax):
            if frames and not frames[-1].code and not _MARKERS.match(content):
                frames[-1] = replace(frames[-1], code=content.strip())
            index += 1  # more source lines of a frame (3.13 shows whole expressions)
            continue
        return None, index
    return None, index


def _continues(lines: Sequence[Line], index: int, prefix: str, framed: bool) -> bool:
    """After a blank line: the traceback goes on (a frame, a source line, the exception line)."""
    for _, raw in lines[index + 1 : index + 4]:
        content = _strip(raw, prefix)
        if content is None:
            return False
        if content.strip():
            if FRAME.match(content):
                return True
            return framed and (content.startswith(" ") or EXCEPTION_LINE.match(content) is not None)
    return False


def _read_frame(
    lines: Sequence[Line], index: int, prefix: str, frame: re.Match[str], offset: int
) -> tuple[Frame, int]:
    """A `File "...", line N, in f` line and the source and marker lines under it."""
    depth = len(frame.group("indent"))
    code = code_line = ""
    column: int | None = None
    index += 1
    while index < len(lines):
        content = _strip(lines[index][1], prefix)
        if content is None or FRAME.match(content) or _REPEATED.match(content):
            break
        if len(content) - len(content.lstrip(" ")) <= depth or not content.strip():
            break
        if _MARKERS.match(content):
            if column is None and "^" in content and code:
                column = _caret_column(content, code_line)
        elif not code:
            code, code_line = content.strip(), content
        index += 1
    return Frame(
        frame.group("file"),
        int(frame.group("line")),
        (frame.group("func") or "").strip(),
        offset,
        code,
        column,
    ), index


def _caret_column(marker: str, code_line: str) -> int:
    """1-based column of the first caret, relative to the (stripped) source line."""
    lead = len(code_line) - len(code_line.lstrip(" "))
    return max(marker.index("^") - lead, 0) + 1


def _finish(
    lines: Sequence[Line],
    index: int,
    prefix: str,
    exception: re.Match[str],
    start: int,
    frames: list[Frame],
    syntax: Frame | None,
    indent: int,
) -> tuple[ExceptionReport, int]:
    """The exception line at `index` and its continuation lines."""
    offset, raw = lines[index]
    more: list[str] = []
    end = offset + len(raw)
    index += 1
    while index < len(lines) and len(more) < MAX_MESSAGE_LINES:
        content = _strip(lines[index][1], prefix)
        if content is None or not content.strip() or _MESSAGE_STOP.match(content):
            break
        more.append(content.rstrip()[:300])
        end = lines[index][0] + len(lines[index][1])
        index += 1
    report = ExceptionReport(
        exception=exception.group("type"),
        message=(exception.group("message") or "").strip(),
        offset=offset,
        evidence=raw.strip(),
        start=start,
        end=end,
        frames=frames,
        more=more,
        syntax=syntax,
        indent=indent,
    )
    return report, index


def _chain_link(lines: Sequence[Line], index: int) -> tuple[str | None, int]:
    """After a report: the chain sentence and where the next report starts, if chained."""
    index = _skip_blank(lines, index)
    if index >= len(lines):
        return None, index
    match = CHAIN.match(lines[index][1])
    if match is None:
        return None, index
    return match.group("sentence"), _skip_blank(lines, index + 1)


def _skip_blank(lines: Sequence[Line], index: int) -> int:
    while index < len(lines) and not lines[index][1].strip():
        index += 1
    return index


def leaves(chains: Sequence[Chain]) -> Iterator[tuple[Chain, ExceptionReport | None]]:
    """Each chain to report, with the exception group it belongs to (None outside groups).

    A group's own chain is replaced by its sub-exceptions: the chains that follow it with a
    deeper box indentation."""
    groups: list[ExceptionReport] = []
    for position, chain in enumerate(chains):
        final = chain[-1]
        while groups and final.indent <= groups[-1].indent:
            groups.pop()
        has_children = position + 1 < len(chains) and chains[position + 1][0].indent > final.indent
        if final.is_group and has_children:
            groups.append(final)
            continue
        yield chain, (groups[0] if groups else None)


def innermost_project_location_of(chain: Chain, root: str) -> Frame | None:
    """Where a chain's final exception happened in the project (the SyntaxError place first)."""
    final = chain[-1]
    if final.syntax is not None:
        return final.syntax
    for report in reversed(chain):  # the final exception's own frames first, then its causes'
        frame = innermost_project_frame(report.frames, root)
        if frame is not None and project_rank(frame.file, root) > 0:
            return frame
    candidates = [f for report in chain for f in report.frames]
    return innermost_project_frame(final.frames, root) or innermost_project_frame(candidates, root)
