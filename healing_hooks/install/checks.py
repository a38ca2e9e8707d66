"""`doctor`'s checks of the installation: where the hook is registered, and whether it runs.

Each check returns `Check`s: a status, what was found, and what to do about it.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from healing_hooks.install.entries import REGISTRATIONS, program_path
from healing_hooks.install.plugin import enabled_plugin, plugin_data_dirs
from healing_hooks.install.scopes import READ_ORDER, settings_path
from healing_hooks.install.settings import SettingsError, our_entries, read_settings
from healing_hooks.records import dataclass

Status = Literal["ok", "warn", "fail"]
SMOKE_TIMEOUT_SECONDS = 30
SEED_PLACEHOLDER = "${tool.result."

SMOKE_PAYLOAD = {
    "session_id": "healing-hooks-doctor",
    "transcript_path": "",
    "hook_event_name": "PostToolUseFailure",
    "tool_name": "Bash",
    "tool_input": {"command": "python app.py", "description": "healing-hooks doctor smoke test"},
    "tool_use_id": "toolu_doctor",
    "error": 'Exit code 1\nTraceback (most recent call last):\n  File "app.py", line 1, in <module>\n'
    "    import aiohttp\nModuleNotFoundError: No module named 'aiohttp'",
    "is_interrupt": False,
}
"""A failure every installation recognises; run in a throw-away project, never the user's."""


@dataclass(frozen=True)
class Check:
    """One finding of `doctor`."""

    status: Status
    what: str
    fix: str = ""


@dataclass(frozen=True)
class Registration:
    """Our handlers found in one settings file."""

    scope: str
    path: Path
    found: list[tuple[str, str, dict[str, Any]]]


def installation_checks(project: Path, env: Mapping[str, str] | None = None) -> list[Check]:
    """Settings files, our registrations, the plugin, and a real run of every distinct command."""
    checks: list[Check] = []
    registrations: list[Registration] = []
    for scope in READ_ORDER:
        path = settings_path(scope, project, env)
        found, problems = _scope_entries(scope, path)
        checks.extend(problems)
        if found:
            registrations.append(Registration(scope, path, found))
    checks.extend(_registration_checks(registrations))
    plugins = enabled_plugin(project, env)
    checks.extend(_plugin_checks(plugins, registrations, env))
    if not registrations and not plugins:
        checks.append(
            Check(
                "fail",
                "the hook is not registered in any settings file, and the plugin is not enabled",
                "run `healing-hooks install` (this project) or `healing-hooks install --scope user` "
                "(every project), or install the plugin",
            )
        )
    commands = dict.fromkeys(entry["command"] for r in registrations for _, _, entry in r.found)
    checks.extend(command_check(command, project) for command in commands)
    return checks


def _scope_entries(scope: str, path: Path) -> tuple[list[tuple[str, str, dict[str, Any]]], list[Check]]:
    try:
        settings = read_settings(path)
    except SettingsError as exc:
        reason = str(exc).split("; refusing")[0]  # the refusal is install's concern, not doctor's
        return [], [Check("fail", reason, f"fix {path} by hand; Claude Code cannot read it either")]
    problems = []
    if settings.data.get("disableAllHooks") is True:
        problems.append(Check("fail", f"{path} sets disableAllHooks: true (no hook runs)", "remove that key"))
    if SEED_PLACEHOLDER in (settings.text or ""):
        problems.append(
            Check(
                "warn",
                f"{path} has a hook using ${{tool.result.*}} placeholders: Claude Code never fills them",
                "remove that hook; `healing-hooks install` registers one that reads the real payload",
            )
        )
    return our_entries(settings.data), problems


def _registration_checks(registrations: list[Registration]) -> list[Check]:
    checks = []
    for reg in registrations:
        present = {(event, matcher) for event, matcher, _ in reg.found}
        missing = [
            f"{event}:{matcher}" for event, matcher in REGISTRATIONS if (event, matcher) not in present
        ]
        shown = ", ".join(
            f"{event}:{matcher}" for event, matcher in REGISTRATIONS if (event, matcher) in present
        )
        if missing:
            checks.append(
                Check(
                    "fail" if "PostToolUseFailure:Bash" in missing else "warn",
                    f"{reg.scope} settings ({reg.path}): registered for {shown or 'nothing of ours'}; "
                    f"missing {', '.join(missing)}",
                    f"run `healing-hooks install --scope {reg.scope}` to complete it",
                )
            )
        else:
            checks.append(Check("ok", f"{reg.scope} settings ({reg.path}): registered for {shown}"))
    distinct = {entry["command"] for reg in registrations for _, _, entry in reg.found}
    if len(distinct) > 1:
        checks.append(
            Check(
                "warn",
                f"{len(distinct)} different healing-hooks commands are registered "
                f"({', '.join(r.scope for r in registrations)}): each event runs the hook once per command",
                "keep one: `healing-hooks uninstall --scope <scope>` for the others",
            )
        )
    return checks


def _plugin_checks(
    plugins: list[Any], registrations: list[Registration], env: Mapping[str, str] | None
) -> list[Check]:
    checks = []
    for switch in plugins:
        checks.append(Check("ok", f"the healing-hooks plugin is enabled ({switch.key} in {switch.path})"))
        if registrations:
            checks.append(
                Check(
                    "warn",
                    f"the plugin and a settings install are both active: every event runs the hook twice "
                    f"(settings: {', '.join(r.scope for r in registrations)})",
                    f"keep one: `claude plugin disable {switch.key}` or `healing-hooks uninstall --all`",
                )
            )
    if plugins:
        checks.extend(plugin_environment_check(folder) for folder in plugin_data_dirs(env))
    return checks


def plugin_environment_check(folder: Path) -> Check:
    """The state of the plugin's Python environment in its data folder."""
    failed = folder / "setup-failed"
    if (folder / "current" / "bin" / "healing-hooks").exists():
        return Check(
            "ok", f"plugin environment ready: {folder / 'current'} -> {os.readlink(folder / 'current')}"
        )
    if failed.exists():
        return Check(
            "fail",
            f"the plugin's environment could not be built: {failed.read_text(errors='replace').strip()}",
            f"read {folder / 'setup.log'}, then run `sh <plugin root>/hooks/run-hook --setup`",
        )
    return Check(
        "warn", f"the plugin's environment is not built yet ({folder})", "it builds at the next session start"
    )


def command_check(command: str, project: Path) -> Check:
    """Run a registered command on a known failure, in a throw-away project, as the host would."""
    try:
        words = shlex.split(command)
    except ValueError as exc:
        return Check(
            "fail", f"cannot parse the command {command!r}: {exc}", "run `healing-hooks install` again"
        )
    words[0] = program_path(command, project) or words[0]
    if not Path(words[0]).is_file():
        return Check(
            "fail",
            f"the command {command!r} names {words[0]}, which does not exist",
            "reinstall healing-hooks, then run `healing-hooks install` from its environment",
        )
    return _smoke(command, words)


def _smoke(command: str, words: list[str]) -> Check:
    with tempfile.TemporaryDirectory(prefix="healing-hooks-doctor-") as scratch:
        payload = {**SMOKE_PAYLOAD, "cwd": scratch}
        env = {**os.environ, "CLAUDE_PROJECT_DIR": scratch}
        started = time.monotonic()
        try:
            result = subprocess.run(
                words, input=json.dumps(payload), capture_output=True, text=True, cwd=scratch,
                env=env, timeout=SMOKE_TIMEOUT_SECONDS, check=False,
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired) as exc:
            return Check("fail", f"the command {command!r} could not run: {exc}", "reinstall healing-hooks")
        seconds = time.monotonic() - started
    context = _context(result.stdout)
    if result.returncode != 0 or "aiohttp" not in context:
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        return Check(
            "fail",
            f"the command {command!r} did not answer a test failure (exit {result.returncode}: {detail[0]})",
            "reinstall healing-hooks in that environment, then run `healing-hooks install` again",
        )
    return Check("ok", f"the command runs: {command} (answered a test failure in {seconds:.2f} s)")


def _context(stdout: str) -> str:
    try:
        answer = json.loads(stdout)
    except ValueError:
        return ""
    context = (
        answer.get("hookSpecificOutput", {}).get("additionalContext", "") if isinstance(answer, dict) else ""
    )
    return context if isinstance(context, str) else ""
