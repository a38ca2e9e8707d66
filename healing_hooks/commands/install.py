"""`healing-hooks install`: merge our hooks into a Claude Code settings file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from healing_hooks.install.entries import REGISTRATIONS, hook_command
from healing_hooks.install.plugin import enabled_plugin
from healing_hooks.install.scopes import SCOPES, project_dir, settings_path
from healing_hooks.install.settings import read_settings, render, unified_diff, with_ours, write_settings


def add_scope_arguments(parser: argparse.ArgumentParser) -> None:
    """--scope, --project and --dry-run, shared with `uninstall`."""
    parser.add_argument(
        "--scope",
        choices=SCOPES,
        default="project",
        help="project: .claude/settings.json (default); local: .claude/settings.local.json; "
        "user: ~/.claude/settings.json",
    )
    parser.add_argument("--project", help="project root (default: CLAUDE_PROJECT_DIR or the cwd)")
    parser.add_argument("--dry-run", action="store_true", help="print the change as a diff, write nothing")


def add_parser(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "install", help="register the hook in a Claude Code settings file"
    )
    add_scope_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    project = project_dir(args.project)
    path = settings_path(args.scope, project)
    command = hook_command(project if args.scope == "project" else None)
    settings = read_settings(path)
    new_data = with_ours(settings.data, command)
    if new_data == settings.data and settings.exists:
        print(f"healing-hooks: already installed in {path} ({args.scope} scope); nothing changed")
        _warn_about_plugin(project)
        return 0
    new_text = render(new_data, settings.text)
    if args.dry_run:
        sys.stdout.write(unified_diff(settings, new_text) or f"(no change to {path})\n")
        return 0
    backup = write_settings(settings, new_text)
    _describe(path, args.scope, command, backup)
    _note_machine_path(args.scope, command)
    _warn_about_plugin(project)
    return 0


def _describe(path: Path, scope: str, command: str, backup: Path | None) -> None:
    print(f"healing-hooks: installed in {path} ({scope} scope)")
    for event, matcher in REGISTRATIONS:
        print(f"  {event:<19} {matcher:<21} -> {command}")
    if backup is not None:
        print(f"  the previous file is saved as {backup}")
    print("Claude Code reloads settings files it watches; `healing-hooks doctor` checks the result.")


def _note_machine_path(scope: str, command: str) -> None:
    if scope == "project" and not command.startswith('"$CLAUDE_PROJECT_DIR"'):
        print(
            "note: .claude/settings.json is usually committed, and this command names a path on this "
            "machine; teammates who installed healing-hooks elsewhere can use `--scope local` instead."
        )


def _warn_about_plugin(project: Path) -> None:
    for switch in enabled_plugin(project):
        print(
            f"warning: the healing-hooks plugin is enabled too ({switch.key} in {switch.path}): every "
            "event would run the hook twice. Keep one of them: `claude plugin disable "
            f"{switch.key}`, or `healing-hooks uninstall`.",
            file=sys.stderr,
        )
