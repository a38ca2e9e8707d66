"""Tracebacks drawn by other renderers, rewritten line by line the way CPython prints them.

rich (`rich.traceback`, Typer and many modern CLIs: a box with `path:line in func` and a `❱`
source line), IPython / Jupyter (`Cell In[1], line 1`, `File path:line, in func(args)`, `---->`
source lines) and loguru (`> File "..."` marks the frame that raised, variables drawn under
the source), tracebacks wrapped by a console (rich's plain print: indented, `File` alone on a line,
the path continued on the next lines), and tracebacks pasted on one line. Each rewritten line keeps
the offset of the line it came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from healing_hooks.lazyre import lazy

Line = tuple[int, str]

HEADER = "Traceback (most recent call last):"
_RICH_HEADER = lazy(r"^[╭┌][─━ ]*Traceback \(most recent call last\)[─━ ]*[╮┐]\s*$")
_RICH_INNER = lazy(r"^[│|] (?P<text>.*[^\s│|])?\s*[│|]\s*$")
_RICH_PLACE = lazy(r"^(?P<file>[^\s❱│].*?):(?P<line>\d+) in (?P<func>\S+)$")
_RICH_CODE = lazy(r"^[│|] ❱ +\d+ (?P<code>.*?)\s*[│|]\s*$")
_RICH_BOX = lazy(r"^\s*(?:[│|╰└].*|[╭┌][─━ ]*[╮┐])\s*$")
_IPYTHON_HEADER = lazy(r"^(?P<type>[A-Za-z_][\w.]*)\s+Traceback \(most recent call last\)\s*$")
_IPYTHON_RULE = lazy(r"^-{20,}\s*$")
_IPYTHON_FRAME = lazy(
    r"^(?:Cell (?P<cell>In\s*\[\s*\d*\s*\]), line (?P<cell_line>\d+)|File (?P<file>\S.*?):(?P<line>\d+))"
    r"(?:, in (?P<func>[^\s(]+)(?:\(.*\))?)?\s*$"
)
_IPYTHON_OLD_FRAME = lazy(r"^(?P<file><ipython-input-[^>]+>|\S+\.py) in (?P<func>[^\s(]+)(?:\(.*\))?\s*$")
_IPYTHON_ARROW = lazy(r"^-+> ?(?P<line>\d+)\s?(?P<code>.*)$")
_IPYTHON_CONTEXT = lazy(r"^\s+\d+\s")
_EXCEPTION = lazy(r"^(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*(?::|$)")
_LOGURU_FRAME = lazy(r'^> (?=File ")')
_WRAPPED_FILE = lazy(r'^\s+File(?: "[^"]*(?:",(?: line(?: \d+,(?: in)?)?)?)?)?\s*$')
"""A frame line cut by a console that wraps long lines: after `File`, inside its path, or before
the line number or `in function`."""
_JOINED_FRAME = lazy(r'^File "(?P<file>[^"]+)", line (?P<line>\d+)(?P<rest>, in .*)?$')
_MARKER_PIECE = lazy(r"^\s*[\^~]+\s*$")
MAX_WRAPPED_LINES = 8
MAX_TRACEBACK_LINES = 400


_FLAT = lazy(r'Traceback \(most recent call last\):\s+File "')
_FLAT_FRAME = lazy(r'File "(?P<file>[^"]+)", line (?P<line>\d+), in (?P<func>\S+)(?P<code>(?:(?!File ").)*)')
_FLAT_EXCEPTION = lazy(
    r"(?<!\S)(?:[A-Za-z_]\w*\.)*[A-Z]\w*(?:Error|Exception|Warning|Exit|Interrupt|Group)(?=: |\s*$)"
)


def is_flattened(lines: Sequence[Line]) -> bool:
    """Whether a traceback was pasted on one line (its header followed by `File "` on that line)."""
    return any(_FLAT.search(content) for _, content in lines if "Traceback (most" in content)


def unflattened(lines: Sequence[Line]) -> list[Line]:
    """Tracebacks pasted on one line (an issue title, a log field) cut back into their lines."""
    result: list[Line] = []
    for offset, content in lines:
        start = content.find("Traceback (most recent call last):")
        if start < 0 or not _FLAT.search(content, start):
            result.append((offset, content))
            continue
        head = start + len("Traceback (most recent call last):")
        result.append((offset + start, content[start:head]))
        exceptions = list(_FLAT_EXCEPTION.finditer(content, head))
        end = exceptions[-1].start() if exceptions else len(content)
        for piece in _FLAT_FRAME.finditer(content, head, end):
            frame = f'  File "{piece["file"]}", line {piece["line"]}, in {piece["func"]}'
            result.append((offset + piece.start(), frame))
            if piece["code"].strip():
                result.append((offset + piece.start("code"), "    " + piece["code"].strip()))
        if exceptions:
            result.append((offset + end, content[end:].strip()))
    return result


def needs_rewriting(lines: Sequence[Line]) -> bool:
    """Whether any line looks drawn by one of these renderers (a cheap test before rewriting)."""
    return any(
        content.startswith(("╭", "┌", "> File ", "Cell In", "<ipython-input"))
        or _IPYTHON_HEADER.match(content)
        or _WRAPPED_FILE.match(content)
        for _, content in lines
    )


def as_cpython(lines: Sequence[Line]) -> list[Line]:
    """The lines, with rich, IPython and loguru tracebacks rewritten in CPython's shape."""
    result: list[Line] = []
    index = 0
    while index < len(lines):
        offset, content = lines[index]
        if _RICH_HEADER.match(content):
            index = _extend(result, _rich(lines, index))
        elif _IPYTHON_HEADER.match(content):
            index = _extend(result, _ipython(lines, index))
        elif content.strip() == HEADER and _has_wrapped_frame(lines, index):
            index = _extend(result, _unwrapped(lines, index))
        else:
            result.append((offset, _LOGURU_FRAME.sub("  ", content)))
            index += 1
    return result


def _extend(result: list[Line], rewritten: tuple[list[Line], int]) -> int:
    result.extend(rewritten[0])
    return rewritten[1]


def _rich(lines: Sequence[Line], index: int) -> tuple[list[Line], int]:
    """A rich box: its frames and `❱` source lines; the exception line follows the box."""
    rewritten = [(lines[index][0], HEADER)]
    index += 1
    while index < len(lines):
        offset, content = lines[index]
        if not _RICH_BOX.match(content):
            break
        frame, used = _rich_frame(lines, index)
        code = _RICH_CODE.match(content)
        if frame is not None:
            rewritten.append((offset, f'  File "{frame["file"]}", line {frame["line"]}, in {frame["func"]}'))
            index += used
            continue
        if code is not None:
            rewritten.append((offset, "    " + re.sub(r"^(?:│\s*)+", "", code["code"]).strip()))
        index += 1
    return rewritten, index


def _rich_frame(lines: Sequence[Line], index: int) -> tuple[re.Match[str] | None, int]:
    """A `path:line in func` line of the box; rich wraps a long path over several lines."""
    joined = ""
    for used, (_, content) in enumerate(lines[index : index + 4], 1):
        inner = _RICH_INNER.match(content)
        if inner is None or (used > 1 and not inner["text"]):
            return None, 1
        joined += inner["text"] or ""
        frame = _RICH_PLACE.match(joined)
        if frame is not None:
            return frame, used
        if " " in joined:
            return None, 1
    return None, 1


def _has_wrapped_frame(lines: Sequence[Line], index: int) -> bool:
    """Whether a wrapped frame line follows the header at `index`, before the next blank line."""
    return any(_WRAPPED_FILE.match(content) for _, content in _until_blank(lines, index + 1))


def _until_blank(lines: Sequence[Line], start: int) -> Sequence[Line]:
    end = start
    while end < len(lines) and end - start < MAX_TRACEBACK_LINES and lines[end][1].strip():
        end += 1
    return lines[start:end]


def _unwrapped(lines: Sequence[Line], index: int) -> tuple[list[Line], int]:
    """A traceback wrapped by a console: each frame joined back onto one line, the indentation all
    its lines share removed (so the exception line starts the line as CPython prints it), and the
    pieces of wrapped source lines put back on their line."""
    block: list[Line] = []
    position = index + 1
    end = index + 1 + len(_until_blank(lines, index + 1))
    while position < end:
        offset, content = lines[position]
        frame, used = _joined_frame(lines, position) if _WRAPPED_FILE.match(content) else (None, 1)
        block.append((offset, frame or content.rstrip()))
        position += used
    indent = min(len(c) - len(c.lstrip()) for _, c in block) if block else 0
    return [(lines[index][0], HEADER), *_rejoined_code([(o, c[indent:]) for o, c in block])], end


def _rejoined_code(block: Sequence[Line]) -> list[Line]:
    """Source lines wrapped under a frame: a piece back at the frame's margin (or further left)
    that reads as no exception line is the end of the source line above it."""
    kept: list[Line] = []
    frame_indent: int | None = None
    for offset, content in block:
        indent = len(content) - len(content.lstrip())
        if content.lstrip().startswith('File "'):
            frame_indent = indent
        elif _is_code_piece(content, indent, frame_indent, kept):
            if not _MARKER_PIECE.match(content):
                kept[-1] = (kept[-1][0], f"{kept[-1][1]} {content.strip()}")
            continue
        kept.append((offset, content))
    return kept


def _is_code_piece(content: str, indent: int, frame_indent: int | None, kept: Sequence[Line]) -> bool:
    """A line at (or left of) the frame's margin right after the frame's source or marker line
    (deeper than the frame line), that is no exception line: the rest of that source line."""
    if frame_indent is None or indent > frame_indent or not kept:
        return False
    after_code = len(kept[-1][1]) - len(kept[-1][1].lstrip()) > frame_indent
    return after_code and not _is_exception_line(content.strip())


def _joined_frame(lines: Sequence[Line], position: int) -> tuple[str | None, int]:
    """`File` and the lines that continue it (whatever their indentation), as one
    `File "...", line N, in f` line indented as `File` was."""
    first = lines[position][1]
    joined = first.strip()
    for used, (_, content) in enumerate(lines[position + 1 : position + 1 + MAX_WRAPPED_LINES], 2):
        inside_path = joined.count('"') % 2 == 1  # a path is cut anywhere, words at spaces
        joined += content.strip() if inside_path else " " + content.strip()
        frame = _JOINED_FRAME.match(joined)
        if frame is not None:
            indent = first[: len(first) - len(first.lstrip())]
            return f'{indent}File "{frame["file"]}", line {frame["line"]}{frame["rest"] or ""}', used
    return None, 1


def _ipython(lines: Sequence[Line], index: int) -> tuple[list[Line], int]:
    """An IPython traceback, up to and with its exception line."""
    rewritten = [(lines[index][0], HEADER)]
    index += 1
    while index < len(lines):
        offset, content = lines[index]
        for line in _ipython_line(content, lines, index):
            rewritten.append((offset, line))
        index += 1
        if content and not content[0].isspace() and _is_exception_line(content):
            break
    return rewritten, index


def _ipython_line(content: str, lines: Sequence[Line], index: int) -> Iterator[str]:
    frame = _IPYTHON_FRAME.match(content)
    old = _IPYTHON_OLD_FRAME.match(content) if frame is None else None
    arrow = _IPYTHON_ARROW.match(content)
    if frame is not None:
        file = frame["file"] or f"<ipython-cell {frame['cell']}>"
        line = frame["line"] or frame["cell_line"]
        yield f'  File "{file}", line {line}, in {frame["func"] or "<module>"}'
    elif old is not None:
        line = next(
            (m["line"] for _, c in lines[index + 1 : index + 30] if (m := _IPYTHON_ARROW.match(c))), "0"
        )
        yield f'  File "{old["file"]}", line {line}, in {old["func"]}'
    elif arrow is not None:
        yield "    " + arrow["code"].strip()
    elif not (_IPYTHON_RULE.match(content) or _IPYTHON_CONTEXT.match(content)):
        yield content


def _is_exception_line(content: str) -> bool:
    return (
        _EXCEPTION.match(content) is not None
        and _IPYTHON_FRAME.match(content) is None
        and _IPYTHON_OLD_FRAME.match(content) is None
    )
