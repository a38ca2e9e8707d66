"""Output text as the detectors want it: no colour codes, no carriage-return progress, one line ending."""

from __future__ import annotations

import os
import re

from healing_hooks.lazyre import lazy

ANSI = lazy(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
CI_STAMP = lazy(
    r"^(?:[^\t\n]{1,200}\t[^\t\n]{0,200}\t)?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z ?", re.M
)
"""`2024-05-01T12:34:56.1234567Z ` before a line, after `job<TAB>step<TAB>` in `gh run view --log`."""


def clean_output(text: str) -> str:
    """Strip ANSI escapes, drop overwritten progress lines, normalise line endings, and take off
    the timestamp a CI log puts before every line."""
    text = ANSI.sub("", text)
    text = text.replace("\r\n", "\n")
    text = _drop_overwritten(text) if "\r" in text else text
    return CI_STAMP.sub("", text) if _ci_stamped(text) else text


def _ci_stamped(text: str) -> bool:
    """Most of the first lines start with a CI log's timestamp (GitHub Actions' raw log,
    `gh run view --log` with its job and step columns)."""
    if "Z " not in text[:4_000]:
        return False
    head = [line for line in text[:4_000].split("\n")[:20] if line.strip()]
    stamped = sum(1 for line in head if CI_STAMP.match(line))
    return stamped >= 2 and stamped * 2 >= len(head)


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
