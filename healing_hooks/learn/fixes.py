"""Healing edits become fixes: what the agent changed between a failure and the success after it.

While a failure is pending, each Edit/MultiEdit is recorded in pending.json with its content
(redacted, size-bounded). When the same command later succeeds, a healing made of one search/replace
becomes a candidate fix of the error's pattern (or of its template, until the template recurs
enough to become a pattern), with a success count. The same edit in another file, or the same
identifier rename in another place, generalises the candidate. A learned fix is offered as a
suggestion; once it has healed `learning.min_successes_to_auto_apply` times it is confident enough
for auto-apply (when the user's config turns auto_apply on).
"""

from __future__ import annotations

import os
import time
from typing import Any

from healing_hooks.config import Config
from healing_hooks.detect.patterns import PatternLibrary
from healing_hooks.findings import Finding, Remedy
from healing_hooks.lazyre import lazy
from healing_hooks.records import replace
from healing_hooks.redact import redact

MAX_EDIT_CHARS = 2_000
"""Longer search or replace texts are recorded without content: too big to be a reusable fix."""
MAX_EDITS = 20
MAX_FILE_CHARS = 2_000_000
MAX_CANDIDATES = 5
SUGGESTION_CONFIDENCE = 0.5
AUTOMATIC_CONFIDENCE = 0.95
_TOKEN = lazy(r"\w+|\S")
_IDENTIFIER = lazy(r"[A-Za-z_][\w.]*")


def edit_record(tool: str, tool_input: dict[str, Any], project_root: str) -> dict[str, Any]:
    """One Edit/MultiEdit/Write as pending.json keeps it; `changes` is None when not reusable."""
    file_path = str(tool_input.get("file_path", ""))
    record: dict[str, Any] = {
        "at": time.time(),
        "tool": tool,
        "file_path": file_path,
        "file": project_file(file_path, project_root),
    }
    changes, why = _changes(tool, tool_input)
    if record["file"] is None and changes is not None:
        changes, why = None, "file outside the project"
    record["changes"] = changes
    if why:
        record["why"] = why
    return record


def project_file(path: str, root: str) -> str | None:
    """The project-relative POSIX path of a file inside the project, else None."""
    if not path:
        return None
    real_root = os.path.realpath(root)
    target = os.path.realpath(os.path.join(real_root, path))
    if os.path.commonpath([real_root, target]) != real_root:
        return None
    return os.path.relpath(target, real_root).replace(os.sep, "/")


def _changes(tool: str, tool_input: dict[str, Any]) -> tuple[list[dict[str, str]] | None, str]:
    if tool == "Write":
        return None, "whole-file write"
    if tool == "MultiEdit":
        edits = tool_input.get("edits")
        raw = edits if isinstance(edits, list) else []
    else:
        raw = [tool_input]
    changes = []
    for item in raw:
        change = _change(item) if isinstance(item, dict) else None
        if change is None:
            return None, "not a small, secret-free, single replacement"
        changes.append(change)
    return (changes, "") if changes else (None, "no replacement")


def _change(item: dict[str, Any]) -> dict[str, str] | None:
    old, new = item.get("old_string"), item.get("new_string")
    if not isinstance(old, str) or not isinstance(new, str) or not old or old == new:
        return None
    if item.get("replace_all") or max(len(old), len(new)) > MAX_EDIT_CHARS:
        return None
    if redact(old) != old or redact(new) != new:
        return None  # a fix that holds a secret is never stored
    return {"search": old, "replace": new}


def healing_change(edits: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The one search/replace the edits amount to, or None (several changes, or not reusable).

    Successive edits that refine the same text (a→b, then b→c) count as one change (a→c).
    """
    flat: list[dict[str, Any]] = []
    for edit in edits:
        if edit.get("changes") is None or not edit.get("file"):
            return None
        for change in edit["changes"]:
            last = flat[-1] if flat else None
            if last and last["file"] == edit["file"] and change["search"] == last["replace"]:
                last["replace"] = change["replace"]
            else:
                flat.append({"file": edit["file"], **change})
    flat = [c for c in flat if c["search"] != c["replace"]]
    return flat[0] if len(flat) == 1 else None


def rename_shape(search: str, replace: str) -> tuple[str, str] | None:
    """(old, new) when the change renames one identifier (everywhere it occurs in the text)."""
    before, after = _TOKEN.findall(search), _TOKEN.findall(replace)
    if len(before) != len(after):
        return None
    pairs = {(a, b) for a, b in zip(before, after, strict=True) if a != b}
    if len(pairs) != 1:
        return None
    old, new = pairs.pop()
    if _IDENTIFIER.fullmatch(old) and _IDENTIFIER.fullmatch(new):
        return old, new
    return None


# -- under the lock --


def learn_fix(
    document: dict[str, Any], state: dict[str, Any], previous: dict[str, Any], now: str
) -> str | None:
    """Record the healing of `previous` (a pending failure now resolved); returns where it went."""
    change = healing_change(previous.get("edits") or [])
    target = previous.get("learn_target") or {}
    if change is None or not target:
        return None
    holder, name = _holder(document, state, target)
    if holder is None:
        return None
    fixes = merge_candidate(list(holder.get("learned_fixes") or []), change, now)
    if "error_regex" in holder:
        attach_fixes(holder, fixes)
    else:
        holder["learned_fixes"] = fixes
    return name


def _holder(
    document: dict[str, Any], state: dict[str, Any], target: dict[str, Any]
) -> tuple[dict[str, Any] | None, str]:
    """The pattern entry (or, before it exists, the template record) a fix belongs to."""
    entries = [e for e in document.get("patterns", []) if isinstance(e, dict)]
    pattern_id, key = target.get("pattern_id"), target.get("template")
    for entry in entries:
        if (pattern_id and entry.get("id") == pattern_id) or (key and entry.get("template_key") == key):
            return entry, str(entry.get("id"))
    record = state.get("templates", {}).get(key) if key else None
    return (record, f"template {key}") if isinstance(record, dict) else (None, "")


def merge_candidate(fixes: list[dict[str, Any]], change: dict[str, Any], now: str) -> list[dict[str, Any]]:
    """Count a healing towards the candidate it repeats, generalising it; or add a new one."""
    shape = rename_shape(change["search"], change["replace"])
    for fix in fixes:
        same_text = (fix.get("search"), fix.get("replace")) == (change["search"], change["replace"])
        same_rename = (
            shape is not None and rename_shape(str(fix.get("search")), str(fix.get("replace"))) == shape
        )
        if not (same_text or same_rename):
            continue
        files = list(dict.fromkeys([*fix.get("files", []), change["file"]]))
        if not same_text and shape is not None:
            fix.update({"search": shape[0], "replace": shape[1], "shape": "rename"})
        fix.update(
            {
                "successes": int(fix.get("successes") or 0) + 1,
                "files": files[-10:],
                "file": fix.get("file") if len(files) == 1 else None,
                "last_healed": now,
            }
        )
        return _ranked(fixes)
    fresh = {
        "search": change["search"],
        "replace": change["replace"],
        "file": change["file"],
        "files": [change["file"]],
        "successes": 1,
        "shape": "edit",
        "first_learned": now,
        "last_healed": now,
    }
    return _ranked([*fixes, fresh])


def _ranked(fixes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ordered = sorted(
        fixes, key=lambda f: (int(f.get("successes") or 0), str(f.get("last_healed"))), reverse=True
    )
    return ordered[:MAX_CANDIDATES]


def attach_fixes(entry: dict[str, Any], fixes: list[dict[str, Any]]) -> None:
    """Keep the candidates on the pattern; the best becomes its `auto_fix` unless a person wrote one."""
    entry["learned_fixes"] = fixes
    current = entry.get("auto_fix")
    if isinstance(current, dict) and current and not current.get("learned"):
        return
    best = fixes[0]
    fix: dict[str, Any] = {"search": best["search"], "replace": best["replace"]}
    if best.get("file"):
        fix["file"] = best["file"]
    entry["auto_fix"] = {**fix, "learned": True, "successes": int(best.get("successes") or 0)}


def count_applied_success(entry: dict[str, Any], search: str | None, replace: str | None, now: str) -> None:
    """A learned fix that was applied and then the command passed: it healed once more."""
    for fix in entry.get("learned_fixes") or []:
        if (fix.get("search"), fix.get("replace")) == (search, replace):
            fix["successes"] = int(fix.get("successes") or 0) + 1
            fix["last_healed"] = now
            attach_fixes(entry, _ranked(entry["learned_fixes"]))
            return


# -- offering a learned fix (pure, before the lock) --


def offer_learned_fixes(findings: list[Finding], library: PatternLibrary, config: Config, root: str) -> None:
    """Give findings of patterns with a learned fix that fits this project an edit remedy.

    A candidate is a suggestion (below the auto-apply confidence) until it has healed
    `min_successes_to_auto_apply` times; a proven one also wins over a generic fixer's remedy.
    """
    for finding in findings:
        pattern = library.by_id(finding.pattern_id)
        fix = pattern.auto_fix if pattern is not None else None
        if not fix or not fix.get("learned"):
            continue
        remedy = learned_remedy(finding, fix, config, root)
        if remedy is None:
            continue
        ours = finding.remedy is None or finding.remedy.source.startswith("pattern:")
        if ours or remedy.confidence >= config.min_confidence_to_apply:
            finding.remedy = remedy


def learned_remedy(finding: Finding, fix: dict[str, Any], config: Config, root: str) -> Remedy | None:
    """The edit of a learned fix at this finding, if its search text is in the target file."""
    search, new = fix.get("search"), fix.get("replace")
    if not isinstance(search, str) or not isinstance(new, str) or not search:
        return None
    location = finding.location
    target = fix.get("file") or (location.file if location else None)
    if not target or not _file_holds(root, target, search):
        return None
    healed = int(fix.get("successes") or 0)
    proven = healed >= config.learning.min_successes_to_auto_apply
    confidence = (
        max(AUTOMATIC_CONFIDENCE, config.min_confidence_to_apply)
        if proven
        else min(SUGGESTION_CONFIDENCE, config.min_confidence_to_apply - 0.01)
    )
    times = "once" if healed == 1 else f"{healed} times"
    summary = (
        f"replace `{_short(search)}` with `{_short(new)}` in {target} (learned: healed this error {times})"
    )
    remedy = Remedy(
        kind="edit",
        summary=summary,
        file=target,
        search=search,
        replace=new,
        confidence=confidence,
        source=f"learned:{finding.pattern_id}",
    )
    if not fix.get("file") and location is not None and location.line is not None:
        remedy = replace(remedy, line=location.line)
    return remedy


def _file_holds(root: str, relative: str, search: str) -> bool:
    """The project file exists (inside the project, links resolved) and holds the search text."""
    from healing_hooks.remedy.apply import UnsafeEdit, resolve_inside

    try:
        with open(resolve_inside(root, relative), encoding="utf-8", errors="replace") as handle:
            return search in handle.read(MAX_FILE_CHARS)
    except (UnsafeEdit, OSError):
        return False


def _short(text: str, limit: int = 60) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"
