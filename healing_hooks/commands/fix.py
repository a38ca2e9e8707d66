"""`healing-hooks fix ID [--apply] [--json]`: show, or apply, the remedy of a logged finding.

The finding is looked up by id in error-log.txt, newest record first; its remedy is the one the
agent was told about. `--apply` applies an edit under the safety rules of `remedy/apply.py`, or runs
a command only when the config's `allowed_commands` allows it, and records the outcome.
"""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from healing_hooks.config import load_config
from healing_hooks.errors import HookError
from healing_hooks.findings import Finding, Location, Remedy
from healing_hooks.memory.store import ERROR_LOG, MemoryStore, Update
from healing_hooks.records import fields


def add_parser(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "fix", help="show or apply the remedy of a logged finding (ids as in the feedback: hh-…)"
    )
    parser.add_argument("id", help="the finding id, e.g. hh-1a2b3c4d")
    parser.add_argument("--apply", action="store_true", help="apply the edit (or run an allowed command)")
    parser.add_argument("--json", action="store_true", help="print the finding and the outcome as JSON")
    parser.add_argument("--project", help="project root (default: CLAUDE_PROJECT_DIR or the cwd)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root = os.path.abspath(args.project or os.environ.get("CLAUDE_PROJECT_DIR") or os.getcwd())
    config = load_config(root)
    store = MemoryStore(root, config)
    record, logged = find_logged(store, args.id)
    finding = finding_from_log(logged)
    if finding.remedy is None:
        raise HookError(f"finding {args.id} has no remedy to apply")
    outcome: dict[str, Any] | None = None
    if args.apply:
        outcome = _apply(finding, args.id, root, config.allowed_commands, record.get("command", ""), store)
    if args.json:
        print(json.dumps({"finding": logged, "outcome": outcome}, indent=2, ensure_ascii=False))
    else:
        print(_describe(args.id, finding.remedy, outcome))
    return 0 if outcome is None or outcome.get("outcome") != "refused" else 1


def find_logged(store: MemoryStore, finding_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(log record, finding) of the newest logged event holding `finding_id`."""
    for record in reversed(store.read_lines(ERROR_LOG)):
        for logged in record.get("findings") or []:
            if isinstance(logged, dict) and logged.get("id") == finding_id:
                return record, logged
    raise HookError(f"no finding {finding_id} in {store.path(ERROR_LOG)} (see `healing-hooks log`)")


def finding_from_log(logged: dict[str, Any]) -> Finding:
    """A Finding rebuilt from its logged JSON (the contract's shape)."""
    location = logged.get("location")
    remedy = logged.get("remedy")
    return Finding(
        category=str(logged.get("category", "")),
        severity=logged.get("severity", "medium"),
        tool=str(logged.get("tool", "")),
        message=str(logged.get("message", "")),
        pattern_id=logged.get("pattern_id"),
        location=Location(**location) if isinstance(location, dict) else None,
        remedy=_remedy(remedy) if isinstance(remedy, dict) else None,
        confidence=float(logged.get("confidence", 0.5)),
        playbook=logged.get("playbook"),
        details=dict(logged.get("details") or {}),
    )


def _remedy(data: dict[str, Any]) -> Remedy:
    known = {k: v for k, v in data.items() if k in {f.name for f in fields(Remedy)}}
    return Remedy(**{**known, "steps": tuple(data.get("steps", ()))})


def _apply(
    finding: Finding,
    finding_id: str,
    root: str,
    allowed: tuple[str, ...],
    command: str,
    store: MemoryStore,
) -> dict[str, Any]:
    from healing_hooks.remedy.apply import apply_remedy
    from healing_hooks.remedy.verify import mark_applied

    outcome = apply_remedy(finding, root, allowed)
    record = {**outcome.record(), "via": "fix", "for_command": command, "finding_id": finding_id}
    if outcome.refused is None:

        def change(commands: dict[str, Any]) -> None:
            mark_applied(commands, record["finding_id"], record)

        store.apply(Update(pending_changes=change, fix_events=[record]))
    else:
        store.apply(Update(fix_events=[record]))
    return record


def _describe(finding_id: str, remedy: Remedy, outcome: dict[str, Any] | None) -> str:
    if outcome is None:
        lines = [f"{finding_id}: {remedy.summary}"]
        if remedy.kind == "edit":
            lines.append(f"  in {remedy.file}" + (f":{remedy.line}" if remedy.line else ""))
            lines.append(f"  - {remedy.search!r}\n  + {remedy.replace!r}")
            lines.append(f"apply it with `healing-hooks fix {finding_id} --apply`")
        elif remedy.command:
            lines.append(f"  command: {remedy.command}")
        lines.extend(f"  {i}) {s}" for i, s in enumerate(remedy.steps, 1))
        return "\n".join(lines)
    if outcome["outcome"] == "applied":
        return (
            f"applied {finding_id}: {outcome['file']}:{outcome['line']}: "
            f"`{outcome['before']}` → `{outcome['after']}` (backup {outcome['backup']})"
        )
    if outcome["outcome"] == "ran":
        head = f"ran `{outcome['command']}` for {finding_id}: exit {outcome['exit_code']}"
        return f"{head}\n{outcome['output']}"
    return f"not applied {finding_id}: {outcome['reason']}"
