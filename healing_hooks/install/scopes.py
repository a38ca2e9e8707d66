"""Where Claude Code keeps its settings files, per scope.

Source: https://code.claude.com/docs/en/settings (user `~/.claude/settings.json`, project
`.claude/settings.json`, local `.claude/settings.local.json`) and
https://code.claude.com/docs/en/env-vars (`CLAUDE_CONFIG_DIR` moves `~/.claude`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

SCOPES = ("project", "local", "user")
"""Every scope `install` writes to, in the order Claude Code reads them (later ones win)."""
READ_ORDER = ("user", "project", "local")


def config_dir(env: Mapping[str, str] | None = None) -> Path:
    """`CLAUDE_CONFIG_DIR`, else `~/.claude`."""
    env = os.environ if env is None else env
    configured = env.get("CLAUDE_CONFIG_DIR")
    return Path(configured).expanduser() if configured else Path(os.path.expanduser("~")) / ".claude"


def settings_path(scope: str, project: Path, env: Mapping[str, str] | None = None) -> Path:
    """The settings file of `scope` for `project`."""
    if scope == "user":
        return config_dir(env) / "settings.json"
    if scope == "project":
        return project / ".claude" / "settings.json"
    if scope == "local":
        return project / ".claude" / "settings.local.json"
    raise ValueError(f"unknown scope {scope!r} (expected one of {', '.join(SCOPES)})")


def project_dir(given: str | None, env: Mapping[str, str] | None = None) -> Path:
    """`--project`, else `CLAUDE_PROJECT_DIR`, else the working directory; absolute."""
    env = os.environ if env is None else env
    return Path(os.path.abspath(given or env.get("CLAUDE_PROJECT_DIR") or os.getcwd()))
