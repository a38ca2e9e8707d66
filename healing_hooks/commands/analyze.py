"""`healing-hooks analyze`: raw output on stdin, for manual use and the seed's shell hooks."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from healing_hooks.commands._output import print_result
from healing_hooks.observation import Observation
from healing_hooks.pipeline import process


def add_parser(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "analyze", help="analyse a command's output given on stdin"
    )
    parser.add_argument("--command", default="", help="the command that printed the output")
    parser.add_argument("--exit-code", type=int, default=None, help="its exit status")
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    parser.add_argument(
        "--no-record", action="store_true", help="do not record the event in the project's memory"
    )
    parser.add_argument("--project", help="project root (default: CLAUDE_PROJECT_DIR or the cwd)")
    parser.set_defaults(run=run)


def observation_from_text(output: str, command: str, exit_code: int | None, project_root: str) -> Observation:
    """An Observation as the host would have made it for this output and exit status."""
    failed = exit_code not in (None, 0)
    return Observation(
        event="PostToolUseFailure" if failed else "PostToolUse",
        tool_name="Bash",
        command=command,
        output=output,
        exit_code=exit_code,
        interrupted=False,
        cwd=os.getcwd(),
        project_root=project_root,
        tool_input={"command": command},
    )


def run(args: argparse.Namespace) -> int:
    root = os.path.abspath(args.project or os.environ.get("CLAUDE_PROJECT_DIR") or os.getcwd())
    output = sys.stdin.buffer.read().decode("utf-8", errors="replace")
    obs = observation_from_text(output, args.command, args.exit_code, root)
    print_result(process(obs, record=not args.no_record), args.json)
    return 0
