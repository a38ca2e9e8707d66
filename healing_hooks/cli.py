"""Command-line entry point.

`hook` is dispatched before anything else is imported, so the hook's hot path pays only for
the standard library; every other subcommand goes through argparse in `commands/`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Run one healing-hooks command and return its exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["hook"]:
        from healing_hooks.hotpath import run_hook

        return run_hook(args[1:])
    from healing_hooks.commands import dispatch

    return dispatch(args)
