"""One Claude Code settings file: read it strictly, change only our hook entries, write it safely.

Everything that is not ours stays as it was: other hooks (even in the same matcher group), other
keys, unknown keys, key order, the file's indentation. A file that is not valid JSON, or whose
`hooks` is not the documented shape, is never rewritten: the user gets a message naming the place.
"""

from __future__ import annotations

import copy
import difflib
import json
import os
import re
import time
from pathlib import Path
from typing import Any

from healing_hooks.atomic import existing_mode, replace_with_text
from healing_hooks.errors import HookError
from healing_hooks.install.entries import REGISTRATIONS, TIMEOUT_SECONDS, handler, is_our_command
from healing_hooks.install.jsonedit import update
from healing_hooks.records import dataclass


class SettingsError(HookError):
    """A settings file we must not rewrite; the message says why and what to do."""


@dataclass
class SettingsFile:
    """A settings file as read: its path, its text (None when missing) and its data."""

    path: Path
    text: str | None
    data: dict[str, Any]

    @property
    def exists(self) -> bool:
        return self.text is not None


def read_settings(path: Path) -> SettingsFile:
    """Read `path` (a missing or blank file is `{}`); raise SettingsError when it is not ours to touch."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return SettingsFile(path, None, {})
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"cannot read {path}: {exc}") from None
    if not text.strip():
        return SettingsFile(path, text, {})
    data = _parse(path, text)
    _check_shape(path, data)
    return SettingsFile(path, text, data)


def _parse(path: Path, text: str) -> dict[str, Any]:
    try:
        data = json.loads(text, object_pairs_hook=lambda pairs: _no_duplicates(path, pairs))
    except json.JSONDecodeError as exc:
        raise SettingsError(
            f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            "refusing to rewrite it. Fix the file (or move it aside) and run the command again."
        ) from None
    if not isinstance(data, dict):
        raise SettingsError(
            f"{path} holds a JSON {type(data).__name__}, not an object; refusing to rewrite it"
        )
    return data


def _no_duplicates(path: Path, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A key given twice would silently lose one value on rewrite: refuse instead."""
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise SettingsError(f"{path} has the key {key!r} twice in one object; refusing to rewrite it")
        seen[key] = value
    return seen


def _check_shape(path: Path, data: dict[str, Any]) -> None:
    hooks = data.get("hooks")
    if hooks is None:
        return
    if not isinstance(hooks, dict):
        raise SettingsError(
            f"{path}: `hooks` is a JSON {_kind(hooks)}, expected an object of events; refusing to rewrite it"
        )
    for event, groups in hooks.items():
        if not isinstance(groups, list):
            raise SettingsError(
                f"{path}: `hooks.{event}` is a JSON {_kind(groups)}, expected a list of matcher groups; "
                "refusing to rewrite it"
            )


def _kind(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean"}.get(
        type(value), type(value).__name__
    )


# -- changing the data (pure) --


def our_entries(data: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(event, matcher, handler) for every handler of ours in `data`."""
    found = []
    hooks = data.get("hooks")
    if not isinstance(hooks, dict):
        return []
    for event, groups in hooks.items():
        for group in groups if isinstance(groups, list) else []:
            if not isinstance(group, dict) or not isinstance(group.get("hooks"), list):
                continue
            for entry in group["hooks"]:
                if isinstance(entry, dict) and is_our_command(entry.get("command")):
                    found.append((event, str(group.get("matcher", "")), entry))
    return found


def is_installed(data: dict[str, Any], command: str) -> bool:
    """Exactly our registrations, with this command, and nothing else of ours."""
    wanted = sorted((event, matcher, command, TIMEOUT_SECONDS) for event, matcher in REGISTRATIONS)
    present = sorted(
        (event, matcher, entry.get("command"), entry.get("timeout"))
        for event, matcher, entry in our_entries(data)
    )
    return present == wanted


def without_ours(data: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """A copy of `data` with our handlers removed (and groups/events they leave empty); how many."""
    result = copy.deepcopy(data)
    hooks = result.get("hooks")
    if not isinstance(hooks, dict):
        return result, 0
    removed = 0
    for event in list(hooks):
        groups = hooks[event]
        kept_groups = []
        for group in groups:
            if isinstance(group, dict) and isinstance(group.get("hooks"), list):
                kept = [
                    e
                    for e in group["hooks"]
                    if not (isinstance(e, dict) and is_our_command(e.get("command")))
                ]
                removed += len(group["hooks"]) - len(kept)
                if not kept and group["hooks"]:
                    continue
                group["hooks"] = kept
            kept_groups.append(group)
        if groups and not kept_groups:
            del hooks[event]
        else:
            hooks[event] = kept_groups
    if removed and not hooks:
        del result["hooks"]
    return result, removed


def with_ours(data: dict[str, Any], command: str) -> dict[str, Any]:
    """A copy of `data` with exactly our registrations for `command` (old ones of ours replaced)."""
    if is_installed(data, command):
        return copy.deepcopy(data)
    result, _ = without_ours(data)
    hooks = result.setdefault("hooks", {})
    for event, matcher in REGISTRATIONS:
        hooks.setdefault(event, []).append({"matcher": matcher, "hooks": [handler(command)]})
    return result


# -- text and disk --


def render(data: dict[str, Any], like: str | None) -> str:
    """`data` as the file's new text: `like` (the old text) edited where `data` differs from it.

    What did not change keeps its text; new parts use the file's indent (two spaces for a new file).
    """
    if like is None or not like.strip():
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return update(like, data, _indent_of(like))


def _indent_of(text: str | None) -> str | int:
    match = re.search(r"^[{\[][ \t]*\r?\n([ \t]+)\S", text or "", re.M)
    if match is None:
        return 2
    unit = match.group(1)
    return unit if "\t" in unit else len(unit)


def unified_diff(settings: SettingsFile, new_text: str) -> str:
    """The change as a unified diff, for `--dry-run`."""
    old = (settings.text or "").splitlines(keepends=True)
    new = new_text.splitlines(keepends=True)
    name = str(settings.path)
    return "".join(difflib.unified_diff(old, new, fromfile=name, tofile=f"{name} (after)"))


def write_settings(settings: SettingsFile, new_text: str) -> Path | None:
    """Back the old file up, then replace it atomically; returns the backup's path (None if new).

    A symlinked settings file (dotfile managers do that) is written through the link, which is
    kept. The file keeps its permissions.
    """
    target = Path(os.path.realpath(settings.path))
    target.parent.mkdir(parents=True, exist_ok=True)
    backup = None
    if settings.exists:
        backup = _backup_name(target)
        backup.write_text(settings.text or "", encoding="utf-8")
        os.chmod(backup, existing_mode(str(target)))
    replace_with_text(str(target), new_text, existing_mode(str(target)))
    return backup


def _backup_name(target: Path) -> Path:
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    candidate = target.with_name(f"{target.name}.bak-{stamp}")
    counter = 1
    while candidate.exists():
        counter += 1
        candidate = target.with_name(f"{target.name}.bak-{stamp}-{counter}")
    return candidate
