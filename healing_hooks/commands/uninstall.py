"""`healing-hooks uninstall`: remove our hooks (and only ours) from a Claude Code settings file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from healing_hooks.commands.install import add_scope_arguments
from healing_hooks.install.scopes import SCOPES, project_dir, settings_path
from healing_hooks.install.settings import read_settings, render, unified_diff, without_ours, write_settings


def add_parser(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "uninstall", help="remove the hook from a Claude Code settings file"
    )
    add_scope_arguments(parser)
    parser.add_argument("--all", action="store_true", help="every scope: project, local and user")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    project = project_dir(args.project)
    scopes = SCOPES if args.all else (args.scope,)
    for scope in scopes:
        _uninstall(settings_path(scope, project), scope, args.dry_run)
    return 0


def _uninstall(path: Path, scope: str, dry_run: bool) -> None:
    settings = read_settings(path)
    new_data, removed = without_ours(settings.data)
    if not removed:
        print(f"healing-hooks: not installed in {path} ({scope} scope); nothing to remove")
        return
    new_text = render(new_data, settings.text)
    if dry_run:
        sys.stdout.write(unified_diff(settings, new_text))
        return
    backup = write_settings(settings, new_text)
    print(f"healing-hooks: removed {removed} hook handler(s) from {path} ({scope} scope)")
    print(f"  the previous file is saved as {backup}")
