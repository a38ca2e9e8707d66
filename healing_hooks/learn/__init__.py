"""The learning loop: recurring errors become patterns, healing edits become fixes, outcomes and
flaky tests are remembered.

Before the memory lock the pipeline calls `advise` (learned fixes and flakiness into the findings)
and builds a `LearnEvent`; under the lock the store calls `learn_locked` with the documents it read.
State that is not a pattern (template counts, flaky tests, the review list) lives in
`.claude-flow/memory/learning.json`.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from healing_hooks import commandline
from healing_hooks.config import Config
from healing_hooks.detect.patterns import PatternLibrary
from healing_hooks.detect.text import clean_output
from healing_hooks.findings import Finding
from healing_hooks.lazyre import lazy
from healing_hooks.learn.fixes import MAX_EDITS, edit_record, learn_fix, offer_learned_fixes
from healing_hooks.learn.history import MAX_FAILED_TESTS, flaky_findings, newly_flaky, record_flaky
from healing_hooks.learn.outcomes import count_learned_outcomes
from healing_hooks.learn.patterns import (
    count_on_learned,
    count_templates,
    observe_errors,
    save_learned_patterns,
)
from healing_hooks.observation import Observation
from healing_hooks.records import dataclass, field
from healing_hooks.redact import redact

if TYPE_CHECKING:
    from healing_hooks.memory.store import MemoryStore

_WRITES_FILES = lazy(
    r"(?:^|[\s;|&(])(?:sed|perl|ruby)\s(?:[^|;&]*\s)?-[a-zA-Z]*i|--in-place\b"
    r"|(?<![<>&\d])>>?(?!&)[ \t]*(?!/dev/null\b)[^\s&|;]"
)
"""In-place editors and output redirected to a file: a viewer command that writes."""

__all__ = [
    "LearnEvent",
    "advise",
    "command_key",
    "edit_record",
    "event_for",
    "learn_locked",
    "note_edit",
    "note_other_command",
    "observe_errors",
    "pending_fields",
]


@dataclass
class LearnEvent:
    """What one Bash event tells the learning loop (redacted where it came from output)."""

    command_key: str
    command: str
    failed: bool
    observed: list[dict[str, Any]] = field(default_factory=list)
    test_run: dict[str, Any] | None = None
    previous: dict[str, Any] | None = None
    """pending.json's entry for this command before this run: the failure it follows up."""

    def needs_memory(self, fix_events: list[dict[str, Any]]) -> bool:
        """Anything to learn under the lock? (Most events have nothing: keep the lock short.)"""
        resolves = self.previous is not None and not self.failed
        learned_outcome = any(str(e.get("source", "")).startswith("learned:") for e in fix_events)
        return bool(self.observed) or resolves or learned_outcome

    def take_previous(self, commands: dict[str, Any]) -> None:
        """Call in the pending.json change, before it: keep the entry this run resolves."""
        entry = commands.get(self.command_key)
        self.previous = copy.deepcopy(entry) if isinstance(entry, dict) else None
        note_other_command(commands, self.command_key, self.command)


def command_key(command: str) -> str:
    """The key of "the same command" in pending.json: the command with its blanks normalised."""
    return " ".join(command.split())


def advise(
    findings: list[Finding],
    obs: Observation,
    test_run: dict[str, Any] | None,
    library: PatternLibrary,
    config: Config,
    store: MemoryStore,
) -> list[Finding]:
    """Findings with what was learned: learned fixes offered, flaky tests told apart."""
    offer_learned_fixes(findings, library, config, obs.project_root)
    if test_run is None:
        return findings
    known = store.read_learning().data.get("flaky", {})
    previous = None if obs.failed else store.read_pending().get("commands", {}).get(command_key(obs.command))
    newly = newly_flaky(previous, test_run)
    return flaky_findings(findings, test_run, known, newly, obs.command)


def event_for(obs: Observation, library: PatternLibrary, test_run: dict[str, Any] | None) -> LearnEvent:
    """The learning loop's view of a Bash event; a failure's uncovered error lines are templated."""
    observed = []
    if obs.failed:
        programs = commandline.programs(obs.command)
        observed = observe_errors(clean_output(obs.output), library, programs[0] if programs else "any")
    return LearnEvent(
        command_key=command_key(obs.command),
        command=redact(obs.command),
        failed=obs.failed,
        observed=observed,
        test_run=test_run,
    )


def pending_fields(findings: list[Finding], event: LearnEvent) -> dict[str, Any]:
    """What a failure adds to its pending.json entry for the learning loop."""
    return {
        "changes_since": 0,
        "failed_tests": list((event.test_run or {}).get("failed_tests") or [])[:MAX_FAILED_TESTS],
        "templates": [r["key"] for r in event.observed],
        "learn_target": _learn_target(findings, event.observed),
    }


def _learn_target(findings: list[Finding], observed: list[dict[str, Any]]) -> dict[str, str] | None:
    """The error a healing edit is credited to: the main known pattern, else the new template."""
    serious = [f.pattern_id for f in findings if f.pattern_id and f.severity != "low"]
    if serious:
        return {"pattern_id": serious[0]}
    learnable = [r["key"] for r in observed if r.get("learnable")]
    if learnable:
        return {"template": learnable[-1]}
    anything = [f.pattern_id for f in findings if f.pattern_id]
    return {"pattern_id": anything[0]} if anything else None


def may_change_files(command: str) -> bool:
    """False for commands that only show text or run tests; `sed -i`, `> file` do change files."""
    if _WRITES_FILES.search(command):
        return True
    return not (commandline.only_views_files(command) or commandline.runs_tests(command))


def note_other_command(commands: dict[str, Any], key: str, command: str) -> None:
    """Another command ran while failures are pending: it may have changed files (not flaky then)."""
    if not may_change_files(command):
        return
    for other, entry in commands.items():
        if other != key:
            entry["changes_since"] = int(entry.get("changes_since") or 0) + 1


def note_edit(commands: dict[str, Any], edit: dict[str, Any], max_edits: int = MAX_EDITS) -> None:
    """An edit while failures are pending: every one of them saw a change; the latest gets it."""
    if not commands:
        return
    for entry in commands.values():
        entry["changes_since"] = int(entry.get("changes_since") or 0) + 1
    latest = max(commands.values(), key=lambda entry: entry.get("at", 0))
    latest["edits"] = [*latest.get("edits", []), edit][-max_edits:]


def learn_locked(
    event: LearnEvent,
    document: dict[str, Any],
    state: dict[str, Any],
    fix_events: list[dict[str, Any]],
    config: Config,
    now: str,
) -> list[str]:
    """Apply one event to the pattern document and learning state; returns new pattern ids.

    Call under the memory lock, after pending.json changed (so `event.previous` is set and
    `fix_events` holds the outcomes of the remedies the previous failure remembered).
    """
    observed = count_on_learned(document, event.observed, now)
    count_templates(state, observed, now)
    saved = save_learned_patterns(document, state, [r["key"] for r in observed], config, now)
    count_learned_outcomes(document, fix_events, now)
    previous = event.previous
    if previous is not None and not event.failed:
        learn_fix(document, state, previous, now)
        record_flaky(state, newly_flaky(previous, event.test_run), event.command, now)
    return saved
