"""Is the healing-hooks plugin enabled? Then a settings install would run every hook twice.

Claude Code runs a handler defined in several settings files once, but a plugin's copy of the same
handler separately (https://code.claude.com/docs/en/hooks). Plugins are switched on by
`enabledPlugins: {"<plugin>@<marketplace>": true}` in the settings files
(https://code.claude.com/docs/en/settings-reference#enabledplugins); later scopes override earlier.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from healing_hooks.install.scopes import READ_ORDER, config_dir, settings_path
from healing_hooks.records import dataclass

PLUGIN_NAME = "healing-hooks"


@dataclass(frozen=True)
class PluginSwitch:
    """Where a `healing-hooks@<marketplace>` key is set, and its effective value."""

    key: str
    enabled: bool
    path: Path


def plugin_switches(project: Path, env: Mapping[str, str] | None = None) -> list[PluginSwitch]:
    """The effective `enabledPlugins` value of every healing-hooks key, across the three scopes."""
    effective: dict[str, PluginSwitch] = {}
    for scope in READ_ORDER:
        path = settings_path(scope, project, env)
        plugins = _enabled_plugins(path)
        for key, value in plugins.items():
            if key.split("@", 1)[0] == PLUGIN_NAME:
                effective[key] = PluginSwitch(key, value is True, path)
    return list(effective.values())


def enabled_plugin(project: Path, env: Mapping[str, str] | None = None) -> list[PluginSwitch]:
    """The healing-hooks plugin keys that are switched on."""
    return [switch for switch in plugin_switches(project, env) if switch.enabled]


def plugin_data_dirs(env: Mapping[str, str] | None = None) -> list[Path]:
    """`~/.claude/plugins/data/healing-hooks-*`: the plugin's persistent folders (its venv lives there)."""
    root = config_dir(env) / "plugins" / "data"
    try:
        return sorted(p for p in root.iterdir() if p.is_dir() and p.name.startswith(f"{PLUGIN_NAME}-"))
    except OSError:
        return []


def _enabled_plugins(path: Path) -> dict[str, object]:
    """`enabledPlugins` of one file; an unreadable file counts as empty here (doctor reports it)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    plugins = data.get("enabledPlugins") if isinstance(data, dict) else None
    return plugins if isinstance(plugins, dict) else {}
