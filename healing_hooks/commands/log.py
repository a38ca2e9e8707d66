"""`healing-hooks log`: the project's error log, newest last."""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from healing_hooks.config import load_config
from healing_hooks.memory.store import ERROR_LOG, TEST_HISTORY, MemoryStore


def add_parser(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser("log", help="show the recorded error events")
    parser.add_argument("-n", "--last", type=int, default=20, help="how many events (default 20)")
    parser.add_argument("--tests", action="store_true", help="show test-history.log instead")
    parser.add_argument("--json", action="store_true", help="print the records as JSON lines")
    parser.add_argument("--project", help="project root (default: CLAUDE_PROJECT_DIR or the cwd)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root = os.path.abspath(args.project or os.environ.get("CLAUDE_PROJECT_DIR") or os.getcwd())
    store = MemoryStore(root, load_config(root))
    records = store.read_lines(TEST_HISTORY if args.tests else ERROR_LOG)[-max(args.last, 0) :]
    for record in records:
        print(json.dumps(record, ensure_ascii=False) if args.json else _line(record, args.tests))
    if not records and not args.json:
        print(f"healing-hooks: no records in {store.path(TEST_HISTORY if args.tests else ERROR_LOG)}")
    return 0


def _line(record: dict[str, Any], tests: bool) -> str:
    if tests:
        return (
            f"{record.get('ts', '?')}  {record.get('command', '')}  passed={record.get('passed', 0)} "
            f"failed={record.get('failed', 0)} errors={record.get('errors', 0)}"
        )
    findings = record.get("findings") or []
    top = findings[0] if findings else None
    summary = f"[{top['category']}/{top['severity']}] {top['message']}" if top else "(unclassified)"
    return f"{record.get('ts', '?')}  exit={record.get('exit_code')}  {record.get('command', '')}  {summary}"
