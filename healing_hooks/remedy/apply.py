"""The only code that writes project files: apply an edit remedy, safely, with a backup; and run a
remedy's command, but only one the user's config allows.

Safety rules (DESIGN.md): the file must be inside the project root after resolving links; the
search text must occur exactly once in the file, or exactly once starting on the line the remedy
names; a backup goes to `.claude-flow/backups/<stamp>/<path>`; the file is replaced atomically.
"""

from __future__ import annotations

import os
import shlex
import shutil
import stat
import subprocess
import time
from collections.abc import Iterable, Sequence
from typing import Any

from healing_hooks.atomic import replace_with_text
from healing_hooks.findings import Finding, Remedy
from healing_hooks.records import dataclass

BACKUP_DIR = os.path.join(".claude-flow", "backups")
COMMAND_TIMEOUT_SECONDS = 120.0
COMMAND_OUTPUT_CHARS = 2_000
SHELL_METACHARACTERS = frozenset(";|&<>`$\n\\")


class UnsafeEdit(Exception):
    """An edit refused by a safety rule; the message says which."""


@dataclass(frozen=True)
class Applied:
    """A change made to one file: where, the lines before and after, and the backup."""

    file: str
    backup: str
    line: int
    before: str = ""
    after: str = ""

    def describe(self) -> str:
        """`file:line: `before` → `after``, one line, for the agent and the user."""
        return f"{self.file}:{self.line}: `{_one_line(self.before)}` → `{_one_line(self.after)}`"


@dataclass(frozen=True)
class Outcome:
    """What became of one finding's remedy when applying: applied, refused (why), or ran (output)."""

    finding: Finding
    applied: Applied | None = None
    refused: str | None = None
    command_output: str | None = None
    command_exit: int | None = None

    def line(self) -> str:
        """One line for `replay --apply`, `fix --apply` and the hook's feedback."""
        if self.applied is not None:
            return f"applied {self.finding.id}: {self.applied.describe()} (backup {self.applied.backup})"
        if self.command_exit is not None:
            command = self.finding.remedy.command if self.finding.remedy else ""
            return f"ran {self.finding.id}: `{command}` exited {self.command_exit}"
        return f"not applied {self.finding.id}: {self.refused}"

    def record(self) -> dict[str, Any]:
        """The memory's record of this outcome (fix-log.txt and the finding's details)."""
        remedy = self.finding.remedy
        record: dict[str, Any] = {
            "finding_id": self.finding.id,
            "pattern_id": self.finding.pattern_id,
            "source": remedy.source if remedy else None,
            "summary": remedy.summary if remedy else None,
        }
        if self.applied is not None:
            record.update(
                outcome="applied",
                file=self.applied.file,
                line=self.applied.line,
                before=self.applied.before,
                after=self.applied.after,
                backup=self.applied.backup,
            )
        elif self.command_exit is not None:
            record.update(outcome="ran", exit_code=self.command_exit)
            record["command"] = remedy.command if remedy else None
            record["output"] = (self.command_output or "")[-COMMAND_OUTPUT_CHARS:]
        else:
            record.update(outcome="refused", reason=self.refused)
        return record


def resolve_inside(project_root: str, file: str) -> str:
    """The real path of `file`, refusing anything outside the project (links resolved)."""
    root = os.path.realpath(project_root)
    target = os.path.realpath(os.path.join(root, file))
    if os.path.commonpath([root, target]) != root:
        raise UnsafeEdit(f"{file} is outside the project {root} (links resolved)")
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
    replace_with_text(path, new_text, stat.S_IMODE(os.stat(path).st_mode))  # newlines as they were
    return Applied(
        os.path.relpath(path, os.path.realpath(project_root)).replace(os.sep, "/"),
        backup,
        text.count("\n", 0, start) + 1,
        before=_lines_around(text, start, len(remedy.search)),
        after=_lines_around(new_text, start, len(remedy.replace)),
    )


def _unique_position(text: str, search: str, line: int | None) -> int:
    """Where the one occurrence is: unique in the file, or the only one starting on the named line."""
    count = text.count(search)
    if count == 1:
        return text.index(search)
    if count == 0:
        raise UnsafeEdit("the search text is not in the file (already fixed, or the file changed)")
    if line is None:
        raise UnsafeEdit(f"the search text occurs {count} times; refusing an ambiguous edit")
    lines = text.splitlines(keepends=True)
    if not 1 <= line <= len(lines):
        raise UnsafeEdit(f"the file has no line {line}")
    line_start = sum(len(x) for x in lines[: line - 1])
    line_end = line_start + len(lines[line - 1])
    starts = []
    position = text.find(search, line_start)
    while 0 <= position < line_end:
        starts.append(position)
        position = text.find(search, position + 1)
    if len(starts) != 1:
        raise UnsafeEdit(f"the search text does not start exactly once on line {line}")
    return starts[0]


def _lines_around(text: str, start: int, length: int) -> str:
    """The whole lines that hold text[start:start+length], without the final line ending."""
    first = text.rfind("\n", 0, start) + 1
    if length and text[start + length - 1] == "\n":
        length -= 1  # a search of whole lines: do not show the line after it
    end = text.find("\n", start + length)
    return text[first : end if end != -1 else len(text)]


def _one_line(text: str, limit: int = 160) -> str:
    flat = " ⏎ ".join(part.strip() for part in text.splitlines()) if "\n" in text else text.strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _backup(project_root: str, path: str) -> str:
    relative = os.path.relpath(path, os.path.realpath(project_root))
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    target = os.path.join(project_root, BACKUP_DIR, stamp, relative)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    shutil.copy2(path, target)
    return os.path.relpath(target, project_root)


def command_allowed(command: str, allowed: Sequence[str]) -> bool:
    """An allowed command exactly, or one of them followed by more arguments; no shell syntax."""
    if not command.strip() or any(ch in SHELL_METACHARACTERS for ch in command):
        return False
    words = command.split()
    return any(words[: len(a.split())] == a.split() for a in allowed if a.strip())


def run_command(command: str, cwd: str, timeout: float = COMMAND_TIMEOUT_SECONDS) -> tuple[int, str]:
    """Run an allowed command without a shell; (exit code, merged output). 124 on timeout."""
    try:
        done = subprocess.run(  # the user's config allowed this exact command
            shlex.split(command),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        output = exc.output.decode("utf-8", "replace") if isinstance(exc.output, bytes) else ""
        return 124, output + f"\n(stopped after {timeout:g}s)"
    except OSError as exc:
        return 127, str(exc)
    return done.returncode, done.stdout.decode("utf-8", "replace")


def apply_remedy(
    finding: Finding, project_root: str, allowed_commands: Sequence[str] = (), cwd: str | None = None
) -> Outcome:
    """Apply one finding's edit, or run its command when the config allows it; never raises."""
    remedy = finding.remedy
    if remedy is None or remedy.kind == "steps":
        return Outcome(finding, refused="no edit or command to apply")
    if remedy.kind == "edit":
        try:
            return Outcome(finding, applied=apply_edit(remedy, project_root))
        except (UnsafeEdit, OSError, UnicodeDecodeError) as exc:
            return Outcome(finding, refused=str(exc))
    command = remedy.command or ""
    if not command_allowed(command, allowed_commands):
        return Outcome(finding, refused=f"`{command}` is not in the config's allowed_commands")
    exit_code, output = run_command(command, cwd or project_root)
    return Outcome(finding, command_exit=exit_code, command_output=output)


def apply_findings(findings: Iterable[Finding], project_root: str) -> list[str]:
    """Apply every edit remedy that passes the safety rules; one line per edit tried."""
    edits = [f for f in findings if f.remedy is not None and f.remedy.kind == "edit"]
    done: dict[tuple[object, ...], str] = {}
    return [_apply_once(f, project_root, (), None, done).line() for f in edits]


def _apply_once(
    finding: Finding,
    project_root: str,
    allowed_commands: Sequence[str],
    cwd: str | None,
    done: dict[tuple[object, ...], str],
) -> Outcome:
    """Apply, unless the very same change was already made for another finding of this batch
    (two diagnostics suggesting one import must not insert it twice)."""
    remedy = finding.remedy
    key = (remedy.kind, remedy.file, remedy.search, remedy.replace, remedy.command) if remedy else ()
    if key in done:
        return Outcome(finding, refused=f"the same change was already made for {done[key]}")
    outcome = apply_remedy(finding, project_root, allowed_commands, cwd)
    if outcome.refused is None:
        done[key] = finding.id
    return outcome


def confident_edits(findings: Iterable[Finding], min_confidence: float) -> list[Finding]:
    """The findings whose edit remedy is confident enough to apply without asking."""
    return [
        f
        for f in findings
        if f.remedy is not None and f.remedy.kind == "edit" and f.remedy.confidence >= min_confidence
    ]


def auto_apply(
    findings: Iterable[Finding],
    project_root: str,
    *,
    min_confidence: float,
    allowed_commands: Sequence[str] = (),
    cwd: str | None = None,
) -> list[Outcome]:
    """The hook's auto-apply (config `auto_apply`): confident edits, and commands the config allows.

    Each applied change is noted in the finding's details (`applied`) so the feedback can say exactly
    what changed; a refused edit notes why (`not_applied`)."""
    outcomes = []
    done: dict[tuple[object, ...], str] = {}
    for finding in findings:
        remedy = finding.remedy
        if remedy is None or remedy.confidence < min_confidence:
            continue
        if remedy.kind == "command" and not command_allowed(remedy.command or "", allowed_commands):
            continue
        if remedy.kind not in ("edit", "command"):
            continue
        outcome = _apply_once(finding, project_root, allowed_commands, cwd, done)
        record = outcome.record()
        if outcome.refused is None:
            finding.details["applied"] = record
        else:
            finding.details["not_applied"] = outcome.refused
        outcomes.append(outcome)
    return outcomes
