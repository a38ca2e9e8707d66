"""`healing-hooks report [--html FILE]`: what happened in this project, for a terminal and as a page."""

from __future__ import annotations

import argparse
import os
from typing import Any

from healing_hooks.config import load_config
from healing_hooks.install.scopes import project_dir
from healing_hooks.memory.store import MemoryStore
from healing_hooks.report.page import render_page
from healing_hooks.report.records import read_memory
from healing_hooks.report.summary import summarize
from healing_hooks.report.text import render_text


def add_parser(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "report", help="errors over time, heal rate, recurring errors, learned patterns, flaky tests"
    )
    parser.add_argument("--html", metavar="FILE", help="also write a self-contained HTML page with charts")
    parser.add_argument("--project", help="project root (default: CLAUDE_PROJECT_DIR or the cwd)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root = str(project_dir(args.project))
    summary = summarize(read_memory(MemoryStore(root, load_config(root))))
    print(render_text(summary))
    if args.html:
        path = os.path.abspath(args.html)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as page:
            page.write(render_page(summary))
        print(f"page: {path}")
    return 0
