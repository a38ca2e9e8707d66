"""The only code that writes project files: apply an edit remedy, safely, with a backup."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass

from healing_hooks.findings import Finding, Remedy

BACKUP_DIR = os.path.join(".claude-flow", "backups")


class UnsafeEdit(Exception):
    """An edit refused by a safety rule; the message says which."""


@dataclass(frozen=True)
class Applied:
    file: str
    backup: str
    line: int


def resolve_inside(project_root: str, file: str) -> str:
    """The real path of `file`, refusing anything outside the project (links resolved)."""
    root = os.path.realpath(project_root)
    target = os.path.realpath(os.path.join(root, file))
    if os.path.commonpath([root, target]) != root:
        raise UnsafeEdit(f"{file} is outside the project {root}")
    if not os.path.isfile(target):
        raise UnsafeEdit(f"{file} is not a file in the project")
    return target


def apply_edit(remedy: Remedy, project_root: str) -> Applied:
    """Replace the remedy's search text once; refuse ambiguous or outside edits."""
    if remedy.kind != "edit" or not remedy.file or not remedy.search or remedy.replace is None:
        raise UnsafeEdit("not an edit with a file, a search text and a replacement")
    path = resolve_inside(project_root, remedy.file)
    with open(path, encoding="utf-8", newline="") as handle:
        text = handle.read()
    start = _unique_position(text, remedy.search, remedy.line)
    new_text = text[:start] + remedy.replace + text[start + len(remedy.search) :]
    backup = _backup(project_root, path)
    temp = f"{path}.healing-hooks.tmp"
    with open(temp, "w", encoding="utf-8", newline="") as handle:
        handle.write(new_text)
    shutil.copymode(path, temp)
    os.replace(temp, path)
    return Applied(
        os.path.relpath(path, os.path.realpath(project_root)), backup, text.count("\n", 0, start) + 1
    )


def _unique_position(text: str, search: str, line: int | None) -> int:
    """Where the one occurrence is: unique in the file, or unique on the named line."""
    count = text.count(search)
    if count == 1:
        return text.index(search)
    if count == 0:
        raise UnsafeEdit("the search text is not in the file (already fixed, or the file changed)")
    if line is None:
        raise UnsafeEdit(f"the search text occurs {count} times; refusing an ambiguous edit")
    lines = text.splitlines(keepends=True)
    if not 1 <= line <= len(lines) or lines[line - 1].count(search) != 1:
        raise UnsafeEdit(f"the search text is not once on line {line}")
    return sum(len(x) for x in lines[: line - 1]) + lines[line - 1].index(search)


def _backup(project_root: str, path: str) -> str:
    relative = os.path.relpath(path, os.path.realpath(project_root))
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"-{os.getpid()}"
    target = os.path.join(project_root, BACKUP_DIR, stamp, relative)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    shutil.copy2(path, target)
    return os.path.relpath(target, project_root)


def apply_findings(findings: Iterable[Finding], project_root: str) -> list[str]:
    """Apply every edit remedy that passes the safety rules; one line per edit tried."""
    lines = []
    for finding in findings:
        remedy = finding.remedy
        if remedy is None or remedy.kind != "edit":
            continue
        try:
            done = apply_edit(remedy, project_root)
        except (UnsafeEdit, OSError, UnicodeDecodeError) as exc:
            lines.append(f"not applied {finding.id}: {exc}")
            continue
        lines.append(
            f"applied {finding.id}: {remedy.summary} at {done.file}:{done.line} (backup {done.backup})"
        )
    return lines
