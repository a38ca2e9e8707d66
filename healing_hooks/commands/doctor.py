"""`healing-hooks doctor`: is the hook installed where you think, does it run, is the memory sound?"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from healing_hooks.config import CONFIG_NAME, load_config
from healing_hooks.errors import LOG_NAME
from healing_hooks.install.checks import Check, installation_checks
from healing_hooks.install.scopes import project_dir
from healing_hooks.memory.store import (
    ERROR_LOG,
    MEMORY_DIR,
    PATTERNS_FILE,
    PLAYBOOKS_FILE,
    TEST_HISTORY,
    MemoryStore,
)
from healing_hooks.records import asdict

MARKS = {"ok": "ok  ", "warn": "warn", "fail": "FAIL"}


def add_parser(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "doctor", help="check the installation and the memory files, and say what to fix"
    )
    parser.add_argument("--project", help="project root (default: CLAUDE_PROJECT_DIR or the cwd)")
    parser.add_argument("--json", action="store_true", help="print the checks as JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    project = project_dir(args.project)
    checks = installation_checks(project) + memory_checks(project)
    if args.json:
        print(json.dumps([asdict(c) for c in checks], indent=2, ensure_ascii=False))
    else:
        print(f"healing-hooks doctor: {project}")
        for check in checks:
            print(f"  {MARKS[check.status]}  {check.what}")
            if check.fix and check.status != "ok":
                print(f"        fix: {check.fix}")
        print(_summary(checks))
    return 1 if any(c.status == "fail" for c in checks) else 0


def _summary(checks: list[Check]) -> str:
    fails = sum(c.status == "fail" for c in checks)
    warns = sum(c.status == "warn" for c in checks)
    if not fails and not warns:
        return "all good"
    return f"{fails} problem(s), {warns} warning(s)"


def memory_checks(project: Path) -> list[Check]:
    """The project's configuration and memory files: valid, readable, nothing moved aside."""
    config = load_config(str(project))
    checks = [Check("fail", notice, f"fix {project / CONFIG_NAME}") for notice in config.notices]
    store = MemoryStore(str(project), config)
    for name, document in ((PATTERNS_FILE, store.read_patterns()), (PLAYBOOKS_FILE, store.read_playbooks())):
        if document.problem:
            checks.append(
                Check(
                    "fail",
                    document.problem,
                    f"fix {store.path(name)}; otherwise the next event moves it aside",
                )
            )
        elif document.exists:
            checks.append(Check("ok", f"{name} is valid ({store.path(name)})"))
    checks.extend(_pattern_checks(store))
    checks.extend(_log_checks(store))
    checks.extend(_leftovers(project, store))
    if not os.path.isdir(store.dir):
        checks.append(
            Check("ok", f"no memory yet in {project / MEMORY_DIR} (it starts with the first error)")
        )
    return checks


def _pattern_checks(store: MemoryStore) -> list[Check]:
    from healing_hooks.detect.patterns import build_library

    document = store.read_patterns()
    if document.problem or not document.exists:
        return []
    skipped = build_library(document.data.get("patterns", [])).skipped
    return [
        Check("warn", str(reason), f"edit the pattern in {store.path(PATTERNS_FILE)}") for reason in skipped
    ]


def _log_checks(store: MemoryStore) -> list[Check]:
    checks = []
    for name in (ERROR_LOG, TEST_HISTORY):
        path = Path(store.path(name))
        if not path.exists():
            continue
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        bad = len([line for line in lines if line.strip()]) - len(store.read_lines(name))
        if bad:
            checks.append(
                Check("warn", f"{name}: {bad} of {len(lines)} lines are not JSON records (skipped)")
            )
        else:
            checks.append(Check("ok", f"{name}: {len(lines)} records"))
    return checks


def _leftovers(project: Path, store: MemoryStore) -> list[Check]:
    checks = []
    memory = Path(store.dir)
    moved = sorted(p.name for p in memory.glob("*.corrupt-*")) if memory.is_dir() else []
    if moved:
        checks.append(
            Check(
                "warn",
                f"broken memory files were moved aside: {', '.join(moved)}",
                f"look at them in {memory}, merge what you need back, then delete them",
            )
        )
    log = project / LOG_NAME
    if log.exists():
        entries = log.read_text(encoding="utf-8", errors="replace").count("\n--- ")
        entries += log.read_text(encoding="utf-8", errors="replace").startswith("--- ")
        checks.append(
            Check(
                "warn",
                f"the hook recorded {entries} internal error(s) in {log}",
                "read the newest one; if it is a bug, report it with that traceback",
            )
        )
    return checks
