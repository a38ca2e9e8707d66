"""Output text as the detectors want it: no colour codes, no carriage-return progress, one line ending."""

from __future__ import annotations

import os
import re

ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
_PROGRESS = re.compile(r"[^\n]*\r(?!\n)")


def clean_output(text: str) -> str:
    """Strip ANSI escapes, drop overwritten progress lines, normalise line endings."""
    text = ANSI.sub("", text)
    text = text.replace("\r\n", "\n")
    return _PROGRESS.sub("", text)


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
