"""Annotated source snippets as rustc (and ruff, which uses the same renderer) print them.

A diagnostic's body, after its header line, looks like this::

     --> src/main.rs:7:19            the primary span
      |
    7 |     let n = count(names);    a source line
      |                   ----- value moved here           a marker line with its label
      = note: ...                    a note (or `= help:`) attached to the span
    help: consider cloning the value  a child: `help:` / `note:` at column 0,
      |                               with its own snippet; in a `help:` child
    7 |     let n = count(names.clone());          the snippet shows the
      |                        ++++++++            corrected code (a suggestion)

Suggestions come in four shapes: a corrected line underlined with `+`/`~` (or `-` for what is
removed), diff lines `N - old` / `N + new`, changed lines `N ~ new`, and inline labels
`help: ...: `code``. `parse_block` reads them all into plain data; nothing here knows a tool.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

SPAN = re.compile(r"^\s*(?:-->|:::|╭▸|-\[)\s*(?P<file>.+?):(?P<line>\d+)(?::(?P<col>\d+))?\s*$")
SOURCE = re.compile(r"^(?P<num> *\d+)? *(?P<sep>[|~+-])(?: (?P<text>.*)|$)")
ATTACHED = re.compile(r"^\s+= (?P<kind>note|help|warning|suggestion): ?(?P<text>.*)$")
CHILD = re.compile(r"^(?P<kind>note|help|suggestion)(?:\[\w+\])?: ?(?P<text>.*)$")
HEADER_LINE = re.compile(r"^(?:error|warning)(?:\[\w+\])?: ")
INLINE_CODE = re.compile(r":\s*`(?P<code>.*)`\s*$")
MARKERS = frozenset("^-+~")
DRAWING = frozenset("|/\\_ ")
MAX_BLOCK_LINES = 400


@dataclass(frozen=True)
class Span:
    """A position in a file, as a `-->` line gives it (the file as printed)."""

    file: str
    line: int
    column: int | None


@dataclass
class Suggestion:
    """Code the tool proposes.

    kind: `replace_line` (code is the corrected line `line`), `replace_lines` (the lines from
    `line` on become `code`; `original` holds the old lines when the tool showed them),
    `insert_lines` (code is inserted as new line `line`), `delete_lines` (`original` goes away),
    `replace_span` (the `length` characters at line:column become `code`).
    """

    message: str
    file: str | None
    line: int
    column: int | None
    code: str
    kind: str
    original: str | None = None
    length: int | None = None
    end_line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The `details.suggestions` entry: only the fields that say something."""
        data = {
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "kind": self.kind,
            "original": self.original,
            "length": self.length,
            "end_line": self.end_line,
        }
        return {k: v for k, v in data.items() if v is not None}


@dataclass
class Section:
    """The main part of a diagnostic, or one `note:`/`help:` child with its snippet."""

    kind: str  # "main", "note", "help"
    message: str
    lines: list[str] = field(default_factory=list)


@dataclass
class Block:
    """A parsed diagnostic body."""

    span: Span | None = None
    label: str = ""
    labels: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    helps: list[str] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    shown: dict[tuple[str, int], str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Run:
    start: int  # index in the marker text (0-based); code column = start + 1
    end: int
    char: str


def block_lines(text: str, start: int, *, stop_at_column_zero: bool = True) -> tuple[list[str], int]:
    """The lines of the body that begins at `start`, and the offset just past it.

    The body ends at a blank line, at a line in column 0 that is not a child (`note:`/`help:`), a
    source line or an elision (`...`), or at cargo's status lines (`   Compiling x`).
    """
    lines: list[str] = []
    position = start
    length = len(text)
    while position < length and len(lines) < MAX_BLOCK_LINES:
        newline = text.find("\n", position)
        end = length if newline == -1 else newline
        line = text[position:end]
        if not line.strip() and _chain_goes_on(text, end + 1, "Caused by:" in lines):
            line = ""  # cargo's error chain (`Caused by:`) has blank lines
        elif not _continues(line, stop_at_column_zero=stop_at_column_zero):
            break
        lines.append(line)
        position = end + 1
    return lines, min(position, length)


_STATUS = re.compile(
    r"^ {2,12}(?:Compiling|Checking|Finished|Running|Doc-tests|Fresh|Downloaded|Downloading|"
    r"Updating|Locking|Adding|Blocking|Building|Documenting|Installing|Installed|Replacing|"
    r"Packaging|Verifying|Removed|Generated|Summary|Executable|Fixed|Migrating) "
)


def _chain_goes_on(text: str, position: int, in_chain: bool) -> bool:
    if text.startswith("Caused by:", position):
        return True
    return in_chain and text.startswith("  ", position)


def _continues(line: str, *, stop_at_column_zero: bool) -> bool:
    if not line.strip():
        return False
    if line[0] in " \t" or line[0].isdigit() or line == "...":
        return not _STATUS.match(line)
    if CHILD.match(line):
        return True
    if HEADER_LINE.match(line) or line.startswith("... ["):
        return False
    return not stop_at_column_zero


def parse_block(lines: list[str]) -> Block:
    """Read a diagnostic body: primary span and label, notes, helps and suggestions."""
    block = Block()
    sections = _sections(lines)
    main_file: str | None = None
    for section in sections:
        span = _first_span(section.lines)
        if section.kind == "main" and span is not None:
            block.span = span
            main_file = span.file
        _collect_shown(section, span.file if span else main_file, block)
    for section in sections:
        _read_section(section, block, main_file)
    return block


def _sections(lines: list[str]) -> list[Section]:
    sections = [Section("main", "")]
    for line in lines:
        child = CHILD.match(line)
        if child:
            sections.append(Section(child["kind"], child["text"].strip()))
        else:
            sections[-1].lines.append(line)
    return sections


def _first_span(lines: list[str]) -> Span | None:
    for line in lines:
        match = SPAN.match(line)
        if match:
            column = int(match["col"]) if match["col"] else None
            return Span(match["file"].strip(), int(match["line"]), column)
    return None


def _collect_shown(section: Section, file: str | None, block: Block) -> None:
    """Remember the source lines the tool showed, to give suggestions their original text."""
    if file is None or section.kind == "help":
        return
    for line in section.lines:
        source = SOURCE.match(line)
        if source and source["num"] and source["sep"] == "|":
            block.shown.setdefault((file, int(source["num"])), source["text"] or "")


def _read_section(section: Section, block: Block, main_file: str | None) -> None:
    texts, plain = _attached(section.lines)
    for kind, text in texts:
        (block.notes if kind == "note" else block.helps).append(text)
    if section.kind != "main" and plain:
        section.message = " ".join([section.message, *plain]).strip()
    if section.kind == "note":
        block.notes.append(section.message)
        return
    if section.kind == "help":
        if section.message:
            block.helps.append(section.message)
        span = _first_span(section.lines)
        file = span.file if span else main_file
        block.suggestions.extend(_suggestions(section, file, block))
        return
    block.text.extend(plain)
    _read_main(section, block, main_file)


def _attached(lines: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """`= note: ...` / `= help: ...` texts (with their continuation lines), and plain text lines."""
    found: list[tuple[str, str]] = []
    plain: list[str] = []
    continuing = False
    for line in lines:
        match = ATTACHED.match(line)
        snippet = SOURCE.match(line) or SPAN.match(line) or line.strip() == "..."
        if match:
            kind = "help" if match["kind"] in ("help", "suggestion") else "note"
            found.append((kind, match["text"].strip()))
            continuing = True
        elif continuing and not snippet:
            kind, text = found[-1]
            found[-1] = (kind, f"{text}\n{line.strip()}")
        else:
            continuing = False
            if not snippet and line.strip():
                plain.append(line.strip())
    return found, plain


def _read_main(section: Section, block: Block, file: str | None) -> None:
    """Labels of the main snippet; the primary (`^`) label; inline `help: ...` suggestions."""
    current_line: int | None = None
    multiline = False
    lines = section.lines
    for index, line in enumerate(lines):
        span = SPAN.match(line)
        if span:
            file = span["file"].strip()
            continue
        source = SOURCE.match(line)
        if source is None or source["sep"] != "|":
            continue
        text = source["text"] or ""
        if source["num"]:
            current_line = int(source["num"])
            multiline = multiline or text[:2] in ("/ ", "| ")
            continue
        runs = _runs(text)
        if not runs or current_line is None:
            continue
        where = _Where(file, current_line, multiline, multiline and "_" in text)
        for run, label in _labels(runs, text, lines[index + 1 :]):
            _take_label(block, run, label, where)


@dataclass(frozen=True)
class _Where:
    file: str | None
    line: int
    multiline: bool  # the snippet draws multi-line spans: marker columns are shifted
    spans_lines: bool  # this marker line ends a multi-line span


def _take_label(block: Block, run: _Run, label: str, where: _Where) -> None:
    if not label:
        return
    file, line, spans_lines = where.file, where.line, where.spans_lines
    if label.startswith("help: "):
        message = label[len("help: ") :]
        suggestion = _inline_suggestion(message, file, line, None if where.multiline else run)
        if suggestion is not None and spans_lines and block.span is not None:
            suggestion.line, suggestion.column = block.span.line, block.span.column
            suggestion.end_line = line
        if suggestion is not None:
            block.suggestions.append(suggestion)
        block.helps.append(message)
        return
    block.labels.append(label)
    if run.char == "^" and not block.label:
        block.label = label


def _inline_suggestion(message: str, file: str | None, line: int, run: _Run | None) -> Suggestion | None:
    """`help: prefix it with an underscore: `_x`` → replace the marked span with `_x`."""
    match = INLINE_CODE.search(message)
    if match:
        code, kind = match["code"], "replace_span"
    elif message.startswith("remove"):
        code, kind = "", "replace_span"
    else:
        return None
    return Suggestion(
        message=message[: match.start()].strip() if match else message,
        file=file,
        line=line,
        column=run.start + 1 if run else None,
        code=code,
        kind=kind,
        length=run.end - run.start if run else None,
    )


def _runs(text: str) -> list[_Run]:
    """Marker runs (`^^^`, `---`, `+++`, `~~~`) of a marker line, before any label text."""
    runs: list[_Run] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char in MARKERS:
            end = index
            while end < len(text) and text[end] == char:
                end += 1
            runs.append(_Run(index, end, char))
            index = end
        elif char in DRAWING:
            index += 1
        else:
            break
    return runs


def _labels(runs: list[_Run], text: str, below: list[str]) -> list[tuple[_Run, str]]:
    """Each run's label: inline after the last run, or hanging on the lines below."""
    found: list[tuple[_Run, str]] = []
    inline = text[runs[-1].end :].strip()
    if inline:
        found.append((runs[-1], inline))
    starts = {run.start: run for run in runs}
    for line in below:
        source = SOURCE.match(line)
        if source is None or source["num"] or source["sep"] != "|":
            break
        hanging = source["text"] or ""
        position = len(hanging) - len(hanging.lstrip(" |"))
        if position >= len(hanging):
            continue
        owner = starts.get(position)
        if owner is None or _runs(hanging):
            break
        found.append((owner, hanging[position:].strip()))
    return found


def _suggestions(section: Section, file: str | None, block: Block) -> list[Suggestion]:
    """The corrected code a `help:` child shows."""
    rows = [(SOURCE.match(line), line) for line in section.lines]
    has_span = any(SPAN.match(line) for line in section.lines)
    found: list[Suggestion] = []
    group: list[tuple[int | None, str, str]] = []
    previous: tuple[int, str] | None = None
    for source, _line in rows:
        if source is None:
            continue
        sep, text = source["sep"], source["text"] or ""
        number = int(source["num"]) if source["num"] else None
        if sep in "+-~" and (number is not None or sep == "-" or not _is_marker_text(text)):
            group.append((number, sep, text))
            continue
        if group:
            found.extend(_diff_suggestion(section.message, file, group, previous))
            group = []
        if number is not None:
            previous = (number, text)
            continue
        runs = _runs(text)
        if previous is not None and runs and not text[runs[-1].end :].strip():
            suggestion = _underlined(section.message, file, previous, runs, block, has_span)
            if suggestion is not None:
                found.append(suggestion)
    if group:
        found.extend(_diff_suggestion(section.message, file, group, previous))
    if not found and not has_span:
        found.extend(_plain_lines(section, file))
    return found


def _is_marker_text(text: str) -> bool:
    return bool(text.strip()) and set(text.strip()) <= MARKERS | {" "}


def _underlined(
    message: str,
    file: str | None,
    previous: tuple[int, str],
    runs: list[_Run],
    block: Block,
    has_span: bool,
) -> Suggestion | None:
    """A corrected line with `+++`/`~~~` under what changed (or `---` under what goes)."""
    chars = {run.char for run in runs}
    if "^" in chars or (has_span and chars == {"-"}):
        return None  # a span being pointed at, not a proposed change
    number, text = previous
    code = text
    if chars == {"-"}:
        kept = [c for i, c in enumerate(text) if not any(r.start <= i < r.end for r in runs)]
        code = "".join(kept)
    return Suggestion(
        message=message,
        file=file,
        line=number,
        column=runs[0].start + 1,
        code=code,
        kind="replace_line",
        original=block.shown.get((file, number)) if file else None,
    )


def _diff_suggestion(
    message: str,
    file: str | None,
    group: list[tuple[int | None, str, str]],
    previous: tuple[int, str] | None,
) -> list[Suggestion]:
    """`N - old` / `N + new` / `N ~ new` lines → one suggestion."""
    removed = [(n, t) for n, s, t in group if s == "-"]
    added = [(n, t) for n, s, t in group if s in "+~"]
    numbers = [n for n, _s, _t in group if n is not None]
    first = numbers[0] if numbers else (previous[0] + 1 if previous else 1)
    original = "\n".join(t for _n, t in removed) if removed else None
    code = "\n".join(t for _n, t in added)
    if any(s == "~" for _n, s, _t in group) or (removed and added):
        kind = "replace_lines"
    elif added:
        kind = "insert_lines"
    else:
        kind = "delete_lines"
    if kind == "replace_lines" and len(added) == 1 and len(removed) <= 1:
        kind = "replace_line"
    line = removed[0][0] if removed and removed[0][0] is not None else first
    return [Suggestion(message, file, line, None, code, kind, original=original)]


def _plain_lines(section: Section, file: str | None) -> list[Suggestion]:
    """Old rustc: a multi-line suggestion printed as plain numbered lines, no markers."""
    lines = [m for m in (SOURCE.match(line) for line in section.lines) if m and m["num"]]
    if not lines:
        return []
    code = "\n".join(m["text"] or "" for m in lines)
    return [Suggestion(section.message, file, int(lines[0]["num"]), None, code, "replace_lines")]
