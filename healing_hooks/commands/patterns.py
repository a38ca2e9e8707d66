"""`healing-hooks patterns list|show|validate|review|promote|demote|remove`: the pattern database."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from healing_hooks.config import load_config
from healing_hooks.detect.patterns import build_library, compile_entry
from healing_hooks.errors import HookError
from healing_hooks.memory.store import FIX_LOG, PATTERNS_FILE, MemoryStore
from healing_hooks.memory.validation import schema_errors


def add_parser(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser("patterns", help="list, show, validate patterns")
    parser.add_argument("--project", help="project root (default: CLAUDE_PROJECT_DIR or the cwd)")
    actions = parser.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="one line per pattern")
    listing.add_argument("--source", choices=["builtin", "learned", "user"])
    listing.add_argument("--category")
    listing.add_argument("--json", action="store_true")
    show = actions.add_parser("show", help="one pattern in full")
    show.add_argument("id")
    validate = actions.add_parser("validate", help="check a pattern file (default: the project's)")
    validate.add_argument("file", nargs="?")
    review = actions.add_parser("review", help="remedies that were tried and did not heal")
    review.add_argument("--pattern", help="only this pattern's")
    review.add_argument("--json", action="store_true")
    for action, text in MANAGE.items():
        actions.add_parser(action, help=text).add_argument("id")
    parser.set_defaults(run=run)


MANAGE = {
    "promote": "make a learned pattern yours (source: user; it no longer expires)",
    "demote": "give a pattern of yours back to the learning loop (source: learned)",
    "remove": "delete a learned or user pattern from the project's file",
}


def _store(args: argparse.Namespace) -> MemoryStore:
    root = os.path.abspath(args.project or os.environ.get("CLAUDE_PROJECT_DIR") or os.getcwd())
    return MemoryStore(root, load_config(root))


def run(args: argparse.Namespace) -> int:
    store = _store(args)
    if args.action == "validate":
        return validate(args.file or store.path(PATTERNS_FILE))
    if args.action == "review":
        return review(store, args.pattern, args.json)
    if args.action in MANAGE:
        message, template_key = store.change_patterns(lambda doc: manage(doc, args.action, args.id))
        if template_key:
            from healing_hooks.learn.patterns import ignore_template

            store.change_learning(lambda state: ignore_template(state, template_key))
        print(message)
        return 0
    entries = store.read_patterns().data.get("patterns", [])
    stats = {e.get("id"): e for e in entries if isinstance(e, dict)}
    library = build_library(entries)
    if args.action == "show":
        pattern = library.by_id(args.id)
        if pattern is None:
            sys.stderr.write(f"healing-hooks: no pattern {args.id!r}\n")
            return 1
        print(json.dumps({**pattern.raw, **_stats(stats.get(pattern.id))}, indent=2))
        return 0
    rows = [
        p
        for p in library.patterns
        if (args.source is None or p.source == args.source)
        and (args.category is None or p.category == args.category)
    ]
    for p in rows:
        record = {
            "id": p.id,
            "category": p.category,
            "severity": p.severity,
            "tool": p.tool,
            "source": p.source,
            **_stats(stats.get(p.id)),
        }
        if args.json:
            print(json.dumps(record))
        else:
            print(
                f"{p.id:40} {p.category:11} {p.severity:8} {p.source:8} seen {record.get('occurrences', 0)}"
            )
    return 0


def _stats(entry: dict[str, Any] | None) -> dict[str, Any]:
    if not entry:
        return {}
    return {k: entry[k] for k in ("occurrences", "last_seen", "fix_stats") if k in entry}


def validate(path: str) -> int:
    """Schema errors and uncompilable regexes of a pattern file, each on its own line."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError) as exc:
        print(f"{path}: not readable JSON: {exc}")
        return 1
    problems = [f"{path}: {e}" for e in schema_errors(data, "error-patterns")]
    if not problems:
        for entry in data.get("patterns", []):
            compiled = compile_entry(entry)
            if isinstance(compiled, str):
                problems.append(f"{path}: {compiled}")
    for problem in problems:
        print(problem)
    if not problems:
        print(f"{path}: {len(data.get('patterns', []))} patterns, valid")
    return 1 if problems else 0


def review(store: MemoryStore, pattern_id: str | None, as_json: bool) -> int:
    """The failed remedy outcomes (fix-log.txt), one per line: what was tried, where, on what."""
    from healing_hooks.learn.outcomes import review_items

    items = review_items(store.read_lines(FIX_LOG), pattern_id)
    for item in items:
        if as_json:
            print(json.dumps(item, ensure_ascii=False))
            continue
        how = "applied" if item.get("applied") else "suggested"
        which = item.get("pattern_id") or item.get("finding_id")
        print(
            f"{item.get('ts', '?')}  {which}  `{item.get('command', '')}`  "
            f"{how}: {item.get('summary', '')} → failed"
        )
    if not items and not as_json:
        print("healing-hooks: no remedy has failed; nothing to review")
    return 0


def manage(document: dict[str, Any], action: str, pattern_id: str) -> tuple[str, str | None]:
    """Promote, demote or remove one pattern of the project's file (called under the lock).

    Returns the message and, when a learned pattern is removed, its template key (so the learning
    loop does not learn it again).
    """
    entries = document.setdefault("patterns", [])
    entry = next((e for e in entries if isinstance(e, dict) and e.get("id") == pattern_id), None)
    source = (entry or {}).get("source", "user")
    if entry is None or source == "builtin":
        where = "is built in (shipped with healing-hooks)" if entry else "is not in the project's file"
        raise HookError(f"pattern {pattern_id!r} {where}: only learned and user patterns can be {action}d")
    wanted = {"promote": "learned", "demote": "user"}.get(action)
    if wanted and source != wanted:
        raise HookError(f"pattern {pattern_id!r} is {source}, not {wanted}: nothing to {action}")
    if action == "remove":
        entries.remove(entry)
        key = entry.get("template_key") if source == "learned" else None
        return f"removed {pattern_id} ({source})", key if isinstance(key, str) else None
    entry["source"] = "user" if action == "promote" else "learned"
    return f"{action}d {pattern_id}: source {entry['source']}", None
