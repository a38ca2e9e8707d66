"""The pattern database: built-in patterns shipped as data, refined by the project's own file."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from healing_hooks.findings import SEVERITY_RANK, Finding, Severity

MAX_MATCHES_PER_PATTERN = 20


@dataclass
class Pattern:
    """One known error: a regex over the output and what it means."""

    id: str
    regex: re.Pattern[str]
    category: str
    severity: Severity
    tool: str = "any"
    message: str = ""
    description: str = ""
    playbook: str | None = None
    auto_fix: dict[str, Any] | None = None
    source: str = "builtin"
    raw: dict[str, Any] = field(default_factory=dict)

    def message_for(self, match: re.Match[str]) -> str:
        """The pattern's message with the match's named groups filled in."""
        if not self.message:
            return match.group(0).strip()
        groups = {k: v for k, v in match.groupdict().items() if v is not None}
        try:
            return self.message.format_map(_Missing(groups))
        except (ValueError, IndexError):
            return self.message


class _Missing(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "?"


@dataclass
class PatternLibrary:
    """Built-in patterns plus the project's; `skipped` names the entries that could not be used."""

    patterns: list[Pattern]
    skipped: list[str] = field(default_factory=list)

    def by_id(self, pattern_id: str | None) -> Pattern | None:
        return next((p for p in self.patterns if p.id == pattern_id), None)

    def matches(self, text: str) -> Iterator[tuple[Pattern, re.Match[str]]]:
        """Every (pattern, match) in the text, a bounded number per pattern."""
        for pattern in self.patterns:
            for count, match in enumerate(pattern.regex.finditer(text)):
                if count >= MAX_MATCHES_PER_PATTERN:
                    break
                yield pattern, match


@cache
def builtin_entries() -> tuple[dict[str, Any], ...]:
    """Every pattern entry shipped in `healing_hooks/data/patterns/*.json`, in file order."""
    folder = resources.files("healing_hooks.data").joinpath("patterns")
    entries: list[dict[str, Any]] = []
    for item in sorted(folder.iterdir(), key=lambda f: f.name):
        if item.name.endswith(".json"):
            data = json.loads(item.read_text(encoding="utf-8"))
            entries.extend({"source": "builtin", **p} for p in data.get("patterns", []))
    return tuple(entries)


def seed_entries() -> list[dict[str, Any]]:
    """The entries a new project's error-patterns.json starts with."""
    folder = resources.files("healing_hooks.data").joinpath("patterns")
    data = json.loads(folder.joinpath("seed.json").read_text(encoding="utf-8"))
    return [{"source": "builtin", **p, "occurrences": 0, "last_seen": None} for p in data["patterns"]]


def build_library(project_entries: Iterable[dict[str, Any]] = ()) -> PatternLibrary:
    """Merge: a project entry with a built-in's id refines it, unless it only carries stats."""
    merged: dict[str, dict[str, Any]] = {e["id"]: dict(e) for e in builtin_entries()}
    for entry in project_entries:
        pattern_id = entry.get("id")
        if not isinstance(pattern_id, str):
            continue
        if entry.get("source") == "builtin" and pattern_id in merged:
            continue  # a stats record of a built-in: the shipped definition stays current
        merged[pattern_id] = {**merged.get(pattern_id, {}), **entry}
    library = PatternLibrary([])
    for entry in merged.values():
        pattern = compile_entry(entry)
        if isinstance(pattern, str):
            library.skipped.append(pattern)
        else:
            library.patterns.append(pattern)
    return library


def compile_entry(entry: dict[str, Any]) -> Pattern | str:
    """A Pattern, or a message saying why the entry was skipped."""
    pattern_id = str(entry.get("id"))
    try:
        regex = re.compile(str(entry["error_regex"]), re.MULTILINE)
    except (KeyError, re.error) as exc:
        return f"pattern {pattern_id!r} skipped: bad error_regex ({exc})"
    severity = entry.get("severity", "medium")
    if severity not in SEVERITY_RANK:
        severity = "medium"
    return Pattern(
        id=pattern_id,
        regex=regex,
        category=str(entry.get("category") or "unknown"),
        severity=severity,
        tool=str(entry.get("tool") or "any"),
        message=str(entry.get("message") or ""),
        description=str(entry.get("description") or ""),
        playbook=entry.get("playbook"),
        auto_fix=entry.get("auto_fix") if isinstance(entry.get("auto_fix"), dict) else None,
        source=str(entry.get("source") or "user"),
        raw=entry,
    )


def pattern_findings(library: PatternLibrary, text: str) -> list[Finding]:
    """One finding per pattern match, with the match's groups as details.

    The project's own patterns (user, learned) are a little more confident than built-ins, so
    where both match the same line the project's refinement wins the merge.
    """
    findings = []
    for pattern, match in library.matches(text):
        groups = {k: v for k, v in match.groupdict().items() if v is not None}
        findings.append(
            Finding(
                category=pattern.category,
                severity=pattern.severity,
                tool=pattern.tool,
                message=pattern.message_for(match),
                pattern_id=pattern.id,
                confidence=0.7 if pattern.source == "builtin" else 0.75,
                playbook=pattern.playbook,
                details={**groups, "evidence": match.group(0).strip()[:500], "offset": match.start()},
            )
        )
    return findings
