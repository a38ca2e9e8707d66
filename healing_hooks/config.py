"""The project's configuration: `.claude-flow/healing.json`, every key with a default."""

from __future__ import annotations

import json
import os

from healing_hooks.records import dataclass, field, fields

CONFIG_NAME = os.path.join(".claude-flow", "healing.json")
DEFAULT_PATTERN_FILE = ".claude-flow/memory/error-patterns.json"


@dataclass(frozen=True)
class LearningConfig:
    store_new_patterns: bool = True
    pattern_file: str = DEFAULT_PATTERN_FILE
    min_occurrences_to_save: int = 2
    expire_after_days: float = 30.0
    """A learned pattern not seen for this long ..."""
    expire_below_occurrences: int = 5
    """... and seen fewer times than this is dropped from the pattern file."""
    min_successes_to_auto_apply: int = 2
    """A learned fix is a suggestion until it has healed this many times; then auto-apply may use it."""


@dataclass(frozen=True)
class Config:
    """Settings with the defaults a new project gets; `notices` says what was wrong with the file."""

    learning: LearningConfig = field(default_factory=LearningConfig)
    auto_apply: bool = False
    min_confidence_to_apply: float = 0.9
    allowed_commands: tuple[str, ...] = ()
    block_on_severity: str | None = None
    max_findings: int = 5
    report_success_warnings: bool = True
    lock_timeout_seconds: float = 10.0
    max_log_bytes: int = 1_000_000
    """error-log.txt, test-history.log, ... rotate past this size (their counts are kept)."""
    notices: tuple[str, ...] = ()


def load_config(project_root: str) -> Config:
    """Read and validate the project's config; a broken file falls back to defaults, with a notice."""
    path = os.path.join(project_root, CONFIG_NAME)
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        return Config()
    except (OSError, ValueError) as exc:
        return Config(notices=(f"{CONFIG_NAME} is not readable JSON ({exc}); using defaults",))
    from healing_hooks.memory.validation import schema_errors

    errors = schema_errors(data, "config", path)
    if errors:
        return Config(notices=(f"{CONFIG_NAME} is invalid ({errors[0]}); using defaults",))
    return _from_dict(data)


def _from_dict(data: dict[str, object]) -> Config:
    learning = data.get("learning") or {}
    assert isinstance(learning, dict)
    known = {k: v for k, v in data.items() if k in _names(Config) and k != "notices"}
    if "allowed_commands" in known:
        known["allowed_commands"] = tuple(known["allowed_commands"])  # type: ignore[arg-type]
    known["learning"] = LearningConfig(
        **{k: v for k, v in learning.items() if k in _names(LearningConfig)}
    )
    return Config(**known)  # type: ignore[arg-type]


def _names(cls: type) -> set[str]:
    return {spec.name for spec in fields(cls)}
