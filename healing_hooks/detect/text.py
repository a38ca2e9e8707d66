"""Output text as the detectors want it: no colour codes, no carriage-return progress, one line ending."""

from __future__ import annotations

import os
import re

from healing_hooks.lazyre import lazy

ANSI = lazy(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")


def clean_output(text: str) -> str:
    """Strip ANSI escapes, drop overwritten progress lines, normalise line endings."""
    text = ANSI.sub("", text)
    text = text.replace("\r\n", "\n")
    return _drop_overwritten(text) if "\r" in text else text


def _drop_overwritten(text: str) -> str:
    """Each line from its last carriage return on (what a terminal shows after `\\r` progress).

    Line by line in linear time: the regex `[^\\n]*\\r(?!\\n)` this replaces took quadratic time
    on a long line (one 10,000-character line of minified output stalled the hook for seconds).
    A `\\r` that ends a line (a stray `\\r\\r\\n`) is kept, as the regex kept it.
    """
    lines = text.split("\n")
    last = len(lines) - 1
    for number, line in enumerate(lines):
        searched = line[:-1] if number != last and line.endswith("\r") else line
        cut = searched.rfind("\r")
        if cut >= 0:
            lines[number] = line[cut + 1 :]
    return "\n".join(lines)


def relative_to_root(path: str, root: str) -> str:
    """A path as the user knows it: project-relative when inside `root`, else unchanged."""
    if not path:
        return path
    normal = path.replace("\\", "/")
    root_normal = root.replace("\\", "/").rstrip("/")
    if root_normal and _under(normal, root_normal):
        return normal[len(root_normal) + 1 :]
    if os.path.isabs(path) or re.match(r"^[A-Za-z]:/", normal):
        return normal
    return normal[2:] if normal.startswith("./") else normal


def _under(path: str, root: str) -> bool:
    """`path` is inside `root`; Windows drive paths compare without case (`c:/users` = `C:/Users`)."""
    if path.startswith(root + "/"):
        return True
    return re.match(r"^[A-Za-z]:/", root) is not None and path.lower().startswith(root.lower() + "/")


def line_at(text: str, position: int) -> str:
    """The whole line of `text` that holds `position`."""
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    return text[start : end if end != -1 else len(text)]
