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
_WRAPPED_FILE = lazy(r'^\s+File(?: "[^"]*|(?: "[^"]*", line \d+,))?\s*$')
"""A frame line cut by a console that wraps long lines: after `File`, inside its path, or before
`in function`."""
_JOINED_FRAME = lazy(r'^File "(?P<file>[^"]+)", line (?P<line>\d+)(?P<rest>, in .*)?$')
MAX_WRAPPED_LINES = 5


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


def _indented_block(lines: Sequence[Line], index: int) -> int:
    """The end of the indented lines that follow the header at `index`."""
    end = index + 1
    while end < len(lines) and lines[end][1][:1].isspace() and lines[end][1].strip():
        end += 1
    return end


def _has_wrapped_frame(lines: Sequence[Line], index: int) -> bool:
    return any(_WRAPPED_FILE.match(c) for _, c in lines[index + 1 : _indented_block(lines, index)])


def _unwrapped(lines: Sequence[Line], index: int) -> tuple[list[Line], int]:
    """A wrapped traceback: its frames joined back onto one line each, and the indentation all its
    lines share removed, so the exception line starts the line as CPython prints it."""
    end = _indented_block(lines, index)
    block = lines[index + 1 : end]
    indent = min(len(c) - len(c.lstrip()) for _, c in block)
    rewritten = [(lines[index][0], HEADER)]
    position = 0
    while position < len(block):
        offset, content = block[position]
        frame, used = _joined_frame(block, position) if _WRAPPED_FILE.match(content) else (None, 1)
        rewritten.append((offset, frame or content[indent:]))
        position += used
    return rewritten, end


def _joined_frame(block: Sequence[Line], position: int) -> tuple[str | None, int]:
    """`File` and the lines that continue its path, as one `  File "...", line N, in f` line."""
    joined = block[position][1].strip()
    pieces = block[position + 1 : position + 1 + MAX_WRAPPED_LINES]
    for used, (_, content) in enumerate(pieces, 2):
        inside_path = joined.count('"') % 2 == 1  # a path is cut anywhere, words at spaces
        joined += content.strip() if inside_path else " " + content.strip()
        frame = _JOINED_FRAME.match(joined)
        if frame is not None:
            return f'  File "{frame["file"]}", line {frame["line"]}{frame["rest"] or ""}', used
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
