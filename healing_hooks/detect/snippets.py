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

`parse_block` reads a body into plain data (the suggestions through `suggestions`); nothing here
knows a tool.
"""

from __future__ import annotations

from healing_hooks.detect.snippet_lines import SOURCE, SPAN, Run, marker_runs
from healing_hooks.detect.suggestions import Suggestion, help_suggestions, inline_suggestion
from healing_hooks.lazyre import lazy
from healing_hooks.records import dataclass, field

ATTACHED = lazy(r"^\s+= (?P<kind>note|help|warning|suggestion): ?(?P<text>.*)$")
CHILD = lazy(r"^(?P<kind>note|help|suggestion)(?:\[\w+\])?: ?(?P<text>.*)$")
HEADER_LINE = lazy(r"^(?:error|warning)(?:\[\w+\])?: ")
MAX_BLOCK_LINES = 400


@dataclass(frozen=True)
class Span:
    """A position in a file, as a `-->` line gives it (the file as printed)."""

    file: str
    line: int
    column: int | None


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


_STATUS = lazy(
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
        block.suggestions.extend(help_suggestions(section.message, section.lines, file, block.shown))
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
        runs = marker_runs(text)
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


def _take_label(block: Block, run: Run, label: str, where: _Where) -> None:
    if not label:
        return
    file, line, spans_lines = where.file, where.line, where.spans_lines
    if label.startswith("help: "):
        message = label[len("help: ") :]
        suggestion = inline_suggestion(message, file, line, None if where.multiline else run)
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


def _labels(runs: list[Run], text: str, below: list[str]) -> list[tuple[Run, str]]:
    """Each run's label: inline after the last run, or hanging on the lines below."""
    found: list[tuple[Run, str]] = []
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
        if owner is None or marker_runs(hanging):
            break
        found.append((owner, hanging[position:].strip()))
    return found
