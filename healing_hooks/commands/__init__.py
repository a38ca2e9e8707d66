"""Subcommands other than `hook`: argument parsing and dispatch. One module per subcommand."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from healing_hooks import __version__
from healing_hooks.errors import HookError

SUBCOMMANDS = (
    "replay",
    "analyze",
    "patterns",
    "log",
    "install",
    "uninstall",
    "doctor",
    "report",
    "fix",
    "stats",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="healing-hooks",
        description="Recognise errors in Bash output, advise the agent, heal and learn.",
    )
    parser.add_argument("--version", action="version", version=f"healing-hooks {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    sub.add_parser("hook", help="the hook entry point (reads the host's JSON on stdin)")
    for name in SUBCOMMANDS:
        importlib.import_module(f"healing_hooks.commands.{name}").add_parser(sub)
    return parser


def dispatch(argv: Sequence[str]) -> int:
    """Parse `argv` and run the subcommand; HookError becomes one line on stderr and exit 1."""
    args = build_parser().parse_args(argv)
    if args.command == "hook":  # reached only through argparse-style flags before `hook`
        from healing_hooks.hotpath import run_hook

        return run_hook([])
    try:
        code: int = args.run(args)
    except HookError as exc:
        sys.stderr.write(f"healing-hooks: {exc}\n")
        return 1
    except BrokenPipeError:
        return 0
    return code
