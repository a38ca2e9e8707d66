"""JSON Schema validation of the user-editable files, skipped when a file has not changed.

jsonschema is slow to import, so a file's (mtime, size) is stamped once it validated, and the
next process that sees the same stamp trusts it without importing jsonschema.
"""

from __future__ import annotations

import json
import os
from functools import cache
from typing import Any

from healing_hooks.atomic import replace_with_text

STAMP_NAME = ".validated.json"


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The shipped schema `memory/schemas/<name>.schema.json`."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemas", f"{name}.schema.json")
    with open(path, encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def schema_errors(data: Any, schema: str, path: str | None = None) -> list[str]:
    """Messages that name the place of each error; empty when valid. Uses the stamp when `path`."""
    stamp = _file_stamp(path) if path else None
    if stamp is not None and _stamps(path).get(os.path.basename(path or "")) == stamp:
        return []
    import jsonschema

    validator = jsonschema.Draft202012Validator(load_schema(schema))
    errors = [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(top level)'}: {error.message}"
        for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    ]
    if not errors and path and stamp is not None:
        _remember(path, stamp)
    return errors


def mark_valid(path: str) -> None:
    """Stamp a file just written from checked data, so the next reader trusts it as it is."""
    stamp = _file_stamp(path)
    if stamp is not None:
        _remember(path, stamp)


def _file_stamp(path: str | None) -> list[int] | None:
    try:
        info = os.stat(path or "")
    except OSError:
        return None
    return [info.st_mtime_ns, info.st_size]


def _stamp_path(path: str | None) -> str:
    return os.path.join(os.path.dirname(path or "."), STAMP_NAME)


def _stamps(path: str | None) -> dict[str, Any]:
    try:
        with open(_stamp_path(path), encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _remember(path: str, stamp: list[int]) -> None:
    """Record a validated stamp; a lost race only costs a later re-validation."""
    stamps = _stamps(path)
    stamps[os.path.basename(path)] = stamp
    try:
        replace_with_text(_stamp_path(path), json.dumps(stamps))
    except OSError:
        pass
