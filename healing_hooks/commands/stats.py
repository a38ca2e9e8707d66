"""`healing-hooks stats [--json]`: errors per category, heal rate, top recurring errors."""

from __future__ import annotations

import argparse
import json
import os
from collections import Counter
from typing import Any

from healing_hooks.config import load_config
from healing_hooks.memory.store import ERROR_LOG, TEST_HISTORY, MemoryStore

TOP = 10


def add_parser(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "stats", help="errors per category, heal rate, top recurring errors, learned patterns and fixes"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--project", help="project root (default: CLAUDE_PROJECT_DIR or the cwd)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root = os.path.abspath(args.project or os.environ.get("CLAUDE_PROJECT_DIR") or os.getcwd())
    summary = collect(MemoryStore(root, load_config(root)))
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        print(render(summary, root))
    return 0


def collect(store: MemoryStore) -> dict[str, Any]:
    """The figures, from the memory files as they are (read only)."""
    log = store.read_lines(ERROR_LOG)
    entries = [e for e in store.read_patterns().data.get("patterns", []) if isinstance(e, dict)]
    state = store.read_learning().data
    tests = store.read_lines(TEST_HISTORY)
    succeeded = sum(_stat(e, "succeeded") for e in entries)
    failed = sum(_stat(e, "failed") for e in entries)
    learned = [e for e in entries if e.get("source") == "learned"]
    fixes = [e for e in entries if isinstance(e.get("auto_fix"), dict) and e["auto_fix"].get("learned")]
    minimum = store.config.learning.min_successes_to_auto_apply
    return {
        "errors": len(log),
        "first": log[0].get("ts") if log else None,
        "by_category": dict(Counter(_category(r) for r in log).most_common()),
        "heal_rate": round(succeeded / (succeeded + failed), 3) if succeeded + failed else None,
        "remedies": {
            "succeeded": succeeded,
            "failed": failed,
            "applied": sum(_stat(e, "applied") for e in entries),
        },
        "learned": {
            "patterns": len(learned),
            "fixes": len(fixes),
            "automatic": sum(int(e["auto_fix"].get("successes") or 0) >= minimum for e in fixes),
        },
        "top_recurring": _top_recurring(entries),
        "recurring_templates": _top_templates(state.get("templates", {})),
        "test_runs": {
            "runs": len(tests),
            "failed": sum(1 for t in tests if t.get("exit_code") not in (0, None)),
        },
        "flaky_tests": sorted(state.get("flaky", {})),
    }


def _stat(entry: dict[str, Any], key: str) -> int:
    stats = entry.get("fix_stats")
    return int(stats.get(key) or 0) if isinstance(stats, dict) else 0


def _category(record: dict[str, Any]) -> str:
    findings = record.get("findings") or []
    top = findings[0] if findings and isinstance(findings[0], dict) else {}
    return str(top.get("category") or "unclassified")


def _top_recurring(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen = [e for e in entries if int(e.get("occurrences") or 0) > 0]
    seen.sort(key=lambda e: (-int(e.get("occurrences") or 0), str(e.get("id"))))
    keys = ("id", "category", "severity", "source", "occurrences", "last_seen")
    return [{k: e.get(k) for k in keys} for e in seen[:TOP]]


def _top_templates(templates: dict[str, Any]) -> list[dict[str, Any]]:
    rows = [
        {"key": k, "template": v.get("template"), "count": v.get("count", 0)} for k, v in templates.items()
    ]
    rows.sort(key=lambda r: (-int(r["count"] or 0), str(r["key"])))
    return [r for r in rows if int(r["count"] or 0) > 1][:TOP]


def render(summary: dict[str, Any], root: str) -> str:
    """The figures for people."""
    lines = [f"healing-hooks stats for {root}"]
    since = f" since {summary['first']}" if summary["first"] else ""
    lines.append(f"errors logged: {summary['errors']}{since}")
    if summary["by_category"]:
        lines.append("by category: " + ", ".join(f"{k} {v}" for k, v in summary["by_category"].items()))
    remedies = summary["remedies"]
    followed = remedies["succeeded"] + remedies["failed"]
    rate = f"{summary['heal_rate']:.0%}" if summary["heal_rate"] is not None else "n/a"
    lines.append(f"heal rate: {rate} ({remedies['succeeded']} of {followed} remedies followed up healed)")
    learned = summary["learned"]
    counts = f"{learned['patterns']} patterns, {learned['fixes']} fixes"
    lines.append(f"learned: {counts} ({learned['automatic']} automatic)")
    if summary["top_recurring"]:
        lines.append("top recurring errors:")
        for row in summary["top_recurring"]:
            kind = f"[{row['category']}/{row['severity']}]"
            lines.append(f"  {row['occurrences']:>5}  {row['id']}  {kind} {row['source']}")
    for row in summary["recurring_templates"]:
        lines.append(f"  {row['count']:>5}  {row['template']}  (not a pattern yet)")
    tests = summary["test_runs"]
    flaky = ", ".join(summary["flaky_tests"]) or "none"
    lines.append(f"test runs: {tests['runs']} ({tests['failed']} failed); flaky tests: {flaky}")
    return "\n".join(lines)
