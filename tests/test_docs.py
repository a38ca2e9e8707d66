"""The docs keep up with the code: every configuration key and schema field is documented, links resolve."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from healing_hooks import records
from healing_hooks.config import Config, LearningConfig

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
SCHEMAS = REPO / "healing_hooks" / "memory" / "schemas"


def schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    return loaded


def documented_keys(page: str) -> set[str]:
    """Every `code span` of a page."""
    return set(re.findall(r"`([^`\n]+)`", (DOCS / page).read_text()))


def test_every_configuration_key_is_documented() -> None:
    keys = documented_keys("configuration.md")
    properties = schema("config")["properties"]
    wanted = {k for k in properties if k != "learning"}
    wanted |= {f"learning.{k}" for k in properties["learning"]["properties"]}
    wanted |= {f.name for f in records.fields(Config) if f.name not in ("learning", "notices")}
    wanted |= {f"learning.{f.name}" for f in records.fields(LearningConfig)}
    assert wanted - keys == set()


def test_the_documented_defaults_are_the_code_s() -> None:
    text = (DOCS / "configuration.md").read_text()
    block = json.loads(re.search(r"```json\n(\{\n  \"learning\".*?)\n```", text, re.S).group(1))  # type: ignore[union-attr]
    defaults = records.asdict(Config())
    defaults.pop("notices")
    defaults["allowed_commands"] = list(defaults["allowed_commands"])
    learning = defaults.pop("learning")
    assert {k: block.get(k) for k in defaults} == defaults
    assert {k: block["learning"].get(k) for k in learning} == learning


def test_every_pattern_and_playbook_field_is_documented() -> None:
    keys = documented_keys("writing-patterns.md")
    pattern = schema("error-patterns")["$defs"]["pattern"]["properties"]
    playbook = schema("recovery-playbook")["$defs"]["playbook"]["properties"]
    named = {field for k in keys for field in re.split(r"[`,\s{}?]+", k) if field}
    assert set(pattern) - named == set()
    assert set(playbook) - named == set()
    learned_fix = schema("error-patterns")["$defs"].get("learned_fix", {})
    assert set(learned_fix.get("properties", {})) - named == set()


@pytest.mark.parametrize("page", sorted(p.name for p in DOCS.glob("*.md")))
def test_local_links_resolve(page: str) -> None:
    text = (DOCS / page).read_text()
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if re.match(r"[a-z]+://", target):
            continue
        assert (DOCS / target).resolve().exists(), f"{page}: {target}"
