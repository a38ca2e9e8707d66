"""What `install` registers, the command it writes, and how our entries are recognised.

The published settings schema forbids extra keys on a hook handler (`additionalProperties: false`
in https://json.schemastore.org/claude-code-settings.json), so our entries carry no marker: they
are recognised by their command, `<something>/healing-hooks hook` or `<python> -m healing_hooks hook`.
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path
from typing import Any

REGISTRATIONS: tuple[tuple[str, str], ...] = (
    ("PostToolUseFailure", "Bash"),
    ("PostToolUse", "Bash"),
    ("PostToolUse", "Edit|Write|MultiEdit"),
)
"""(event, matcher) pairs: failed Bash commands, successful ones, and the edits between them."""

TIMEOUT_SECONDS = 30
ENTRY_POINT = "healing-hooks"
PROJECT_DIR_VARIABLE = '"$CLAUDE_PROJECT_DIR"'


def handler(command: str) -> dict[str, Any]:
    """One hook handler in the settings shape."""
    return {"type": "command", "command": command, "timeout": TIMEOUT_SECONDS}


def hooks_block(command: str) -> dict[str, list[dict[str, Any]]]:
    """The `hooks` object that registers `command` for every event we handle."""
    block: dict[str, list[dict[str, Any]]] = {}
    for event, matcher in REGISTRATIONS:
        block.setdefault(event, []).append({"matcher": matcher, "hooks": [handler(command)]})
    return block


def entry_point(executable: str | None = None) -> Path | None:
    """The `healing-hooks` script installed beside the running interpreter, if there is one."""
    folder = Path(os.path.abspath(executable or sys.executable)).parent
    for name in (ENTRY_POINT, f"{ENTRY_POINT}.exe"):
        candidate = folder / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def hook_command(project: Path | None = None, executable: str | None = None) -> str:
    """The command to register: absolute, so it works from any directory.

    With `project` (project scope, a file teams commit) a program inside the project is written
    relative to `$CLAUDE_PROJECT_DIR`, so the same line works in every checkout.
    """
    script = entry_point(executable)
    program = (
        [str(script)] if script else [os.path.abspath(executable or sys.executable), "-m", "healing_hooks"]
    )
    if project is not None:
        inside = _relative_inside(Path(program[0]), project)
        if inside is not None:
            rest = shlex.join([*program[1:], "hook"])
            return f"{PROJECT_DIR_VARIABLE}/{shlex.quote(inside)} {rest}"
    return shlex.join([*program, "hook"])


def _relative_inside(path: Path, project: Path) -> str | None:
    try:
        return path.relative_to(project).as_posix()
    except ValueError:
        return None


def is_our_command(command: object) -> bool:
    """True for `.../healing-hooks hook` and `<python> -m healing_hooks hook`, however quoted."""
    if not isinstance(command, str):
        return False
    try:
        words = shlex.split(command)
    except ValueError:
        return False
    if len(words) < 2 or words[-1] != "hook":
        return False
    program = words[:-1]
    if len(program) == 1:
        return os.path.basename(program[0].replace("\\", "/")) in (ENTRY_POINT, f"{ENTRY_POINT}.exe")
    return len(program) == 3 and program[1:] == ["-m", "healing_hooks"]


def program_path(command: str, project: Path) -> str | None:
    """The file our command starts (with `$CLAUDE_PROJECT_DIR` expanded), or None if unparsable."""
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    if not words:
        return None
    first = words[0]
    for variable in ("$CLAUDE_PROJECT_DIR", "${CLAUDE_PROJECT_DIR}"):
        first = first.replace(variable, str(project))
    return first
