"""`healing-hooks patterns list|show|validate`: the pattern database of this project."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from healing_hooks.config import load_config
from healing_hooks.detect.patterns import build_library, compile_entry
from healing_hooks.memory.store import PATTERNS_FILE, MemoryStore
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
    parser.set_defaults(run=run)


def _store(args: argparse.Namespace) -> MemoryStore:
    root = os.path.abspath(args.project or os.environ.get("CLAUDE_PROJECT_DIR") or os.getcwd())
    return MemoryStore(root, load_config(root))


def run(args: argparse.Namespace) -> int:
    store = _store(args)
    if args.action == "validate":
        return validate(args.file or store.path(PATTERNS_FILE))
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
