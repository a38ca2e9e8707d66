"""`healing-hooks replay FILE|-`: the hook's pipeline on a recorded payload."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from healing_hooks.commands._output import print_result
from healing_hooks.errors import HookError
from healing_hooks.observation import observation_from_payload
from healing_hooks.pipeline import process


def add_parser(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "replay", help="run the pipeline on a recorded hook payload and print the feedback"
    )
    parser.add_argument("file", help="payload JSON file, or - for stdin")
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    parser.add_argument("--apply", action="store_true", help="apply the safe edit remedies")
    parser.add_argument("--record", action="store_true", help="also record the event in the project's memory")
    parser.add_argument(
        "--project",
        help="project root (default: CLAUDE_PROJECT_DIR or the payload's cwd); paths under the "
        "payload's recorded cwd are moved there",
    )
    parser.set_defaults(run=run)


def load_payload(source: str) -> dict[str, Any]:
    """Read and validate a recorded payload; errors name the file and the field."""
    try:
        if source == "-":
            text = sys.stdin.read()
        else:
            with open(source, encoding="utf-8") as handle:
                text = handle.read()
    except OSError as exc:
        raise HookError(f"cannot read {source}: {exc.strerror or exc}") from None
    try:
        payload = json.loads(text)
    except ValueError as exc:
        raise HookError(f"{source} is not JSON: {exc}") from None
    if isinstance(payload, dict) and isinstance(payload.get("payload"), dict):
        payload = payload["payload"]  # a corpus record: {"case": ..., "payload": {...}}
    from pydantic import ValidationError

    from healing_hooks.protocol import validate_event

    try:
        validate_event(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise HookError(f"{source} is not a hook payload: {where}: {first['msg']}") from None
    assert isinstance(payload, dict)
    return payload


def rebase(payload: dict[str, Any], project: str) -> dict[str, Any]:
    """The payload as if recorded in `project`: the recorded folder's paths point there instead.

    A payload recorded on another machine names its own project folder in `cwd` and in every
    path of its output; replaying it against a copy of that project needs those paths moved.
    """
    recorded = payload.get("cwd")
    if not isinstance(recorded, str) or not recorded or recorded == project:
        return payload
    moved = json.loads(json.dumps(payload).replace(json.dumps(recorded)[1:-1], json.dumps(project)[1:-1]))
    assert isinstance(moved, dict)
    return moved


def run(args: argparse.Namespace) -> int:
    payload = load_payload(args.file)
    env = dict(os.environ)
    if args.project:
        project = os.path.abspath(args.project)
        env["CLAUDE_PROJECT_DIR"] = project
        payload = rebase(payload, project)
    obs = observation_from_payload(payload, env)
    result = process(obs, record=args.record)
    if args.apply:
        from healing_hooks.remedy.apply import apply_findings

        for line in apply_findings(result.findings, obs.project_root):
            print(line)
    print_result(result, args.json)
    return 0
