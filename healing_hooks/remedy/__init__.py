"""Remedies: what to do about each finding. Planning is pure; `apply.py` is the only writer."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from healing_hooks.detect.patterns import Pattern, PatternLibrary
from healing_hooks.detect.text import clean_output
from healing_hooks.findings import Finding, Remedy
from healing_hooks.observation import Observation
from healing_hooks.remedy.awaits import fix_awaits
from healing_hooks.remedy.imports import fix_imports
from healing_hooks.remedy.index import save_all
from healing_hooks.remedy.names import fix_names
from healing_hooks.remedy.playbooks import Playbook, match_playbook, steps_remedy
from healing_hooks.remedy.rust import fix_rust
from healing_hooks.remedy.signatures import fix_unexpected_keyword

Fixer = Callable[[Finding, Observation], Remedy | None]

FIXERS: list[Fixer] = [fix_imports, fix_unexpected_keyword, fix_awaits, fix_names, fix_rust]
"""Project-aware fixers, tried in order; the first remedy wins over a pattern's generic fix.
Each looks at the finding first and returns None quickly when it is not its kind of problem; the
project index is built (lazily) only by a fixer that needs it."""


def plan_remedies(
    findings: list[Finding],
    obs: Observation,
    library: PatternLibrary,
    playbooks: Mapping[str, Playbook],
) -> list[Finding]:
    """Attach a remedy (and a playbook name) to each finding that has one."""
    try:
        return _plan(findings, obs, library, playbooks)
    finally:
        save_all()  # the index files parsed for this event, for the next one


def _plan(
    findings: list[Finding],
    obs: Observation,
    library: PatternLibrary,
    playbooks: Mapping[str, Playbook],
) -> list[Finding]:
    output = clean_output(obs.output)  # finding offsets are positions in the cleaned output
    for finding in findings:
        if finding.remedy is None:
            finding.remedy = _from_fixers(finding, obs)
        pattern = library.by_id(finding.pattern_id)
        if finding.remedy is None and pattern is not None:
            finding.remedy = pattern_remedy(pattern, finding)
        playbook = match_playbook(finding, output, playbooks)
        if playbook is not None:
            finding.playbook = playbook.name
            if finding.remedy is None:
                finding.remedy = steps_remedy(playbook, finding)
    return findings


def _from_fixers(finding: Finding, obs: Observation) -> Remedy | None:
    for fixer in FIXERS:
        try:
            remedy = fixer(finding, obs)
        except (OSError, SyntaxError, ValueError, RecursionError, UnicodeError):
            continue  # source the fixer could not read or parse: the pattern's advice still stands
        if remedy is not None:
            return remedy
    return None


def pattern_remedy(pattern: Pattern, finding: Finding) -> Remedy | None:
    """The pattern's own `auto_fix`: a search/replace edit or a command."""
    fix: dict[str, Any] | None = pattern.auto_fix
    if not fix:
        return None
    if isinstance(fix.get("command"), str):
        return Remedy(
            kind="command",
            summary=f"run `{fix['command']}`",
            command=fix["command"],
            confidence=0.6,
            source=f"pattern:{pattern.id}",
        )
    search, replace = fix.get("search"), fix.get("replace")
    if not isinstance(search, str) or not isinstance(replace, str) or not search:
        return None
    target = fix.get("file") or (finding.location.file if finding.location else None)
    return Remedy(
        kind="edit",
        summary=f"replace `{search}` with `{replace}`" + (f" in {target}" if target else ""),
        file=target,
        search=search,
        replace=replace,
        confidence=0.6 if target else 0.3,
        source=f"pattern:{pattern.id}",
    )
