"""Recovery playbooks: guided steps matched to a finding by name or by trigger regex."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from healing_hooks.data import read_data
from healing_hooks.findings import Finding, Remedy
from healing_hooks.lazyre import LazyRegex, lazy
from healing_hooks.records import dataclass

TRIGGER_WINDOW = 50_000
"""Characters of output (from the end) a trigger regex is run over."""
FINDING_WINDOW = 8_000
"""Characters of output before a finding's offset that a trigger may match in."""
PLACEHOLDER = lazy(r"\{(\w+)\}")


@dataclass(frozen=True)
class Playbook:
    name: str
    trigger: LazyRegex | None
    severity: str
    steps: tuple[dict[str, str], ...]
    success_indicators: tuple[str, ...]


def load_playbooks(data: Mapping[str, Any]) -> tuple[dict[str, Playbook], list[str]]:
    """Playbooks from a recovery-playbook.json document, and notices for the unusable ones."""
    playbooks: dict[str, Playbook] = {}
    skipped: list[str] = []
    for name, entry in (data.get("playbooks") or {}).items():
        trigger = lazy(entry["trigger"], re.MULTILINE) if entry.get("trigger") else None
        try:
            if trigger is not None and trigger.pattern not in _shipped_triggers():
                trigger.compiled  # noqa: B018 - a project's own trigger is checked now, not when first matched
        except re.error as exc:
            skipped.append(f"playbook {name!r} skipped: bad trigger ({exc})")
            continue
        playbooks[name] = Playbook(
            name=name,
            trigger=trigger,
            severity=str(entry.get("severity", "medium")),
            steps=tuple(s for s in entry.get("steps", []) if isinstance(s, dict)),
            success_indicators=tuple(entry.get("success_indicators", [])),
        )
    return playbooks, skipped


@cache
def _shipped_triggers() -> frozenset[str]:
    """The shipped playbooks' triggers: known to compile, so compiled only when first matched."""
    entries = json.loads(read_data("playbooks.json")).get("playbooks", {}).values()
    return frozenset(
        e["trigger"] for e in entries if isinstance(e, dict) and isinstance(e.get("trigger"), str)
    )


@cache
def shipped_playbooks() -> dict[str, Playbook]:
    """The built-in playbooks (`data/playbooks.json`), for findings that name one a project's
    older recovery-playbook.json does not have."""
    playbooks, _ = load_playbooks(json.loads(read_data("playbooks.json")))
    return playbooks


def match_playbook(finding: Finding, output: str, playbooks: Mapping[str, Playbook]) -> Playbook | None:
    """The finding's named playbook (the project's, else the shipped one), else the first whose
    trigger matches the finding's own text (its evidence and message), else the output around the
    finding (a collection header before a traceback, say), else — for a finding with no position —
    the output's tail. A chained exception is matched on its own text, not its causes'."""
    if finding.playbook:
        named = playbooks.get(finding.playbook) or shipped_playbooks().get(finding.playbook)
        if named is not None:
            return named
    for text in (_own_text(finding), _text_around(finding, output)):
        for playbook in playbooks.values():
            if playbook.trigger is not None and playbook.trigger.search(text):
                return playbook
    return None


def _own_text(finding: Finding) -> str:
    """The finding's evidence and message; a chained exception's message names its causes, so
    only its evidence (the final exception's line) counts."""
    evidence = str(finding.details.get("evidence", ""))
    return evidence if "chain" in finding.details else f"{evidence}\n{finding.message}"


def _text_around(finding: Finding, output: str) -> str:
    """The output before and just after the finding; for a chain, without the chain itself."""
    offset = finding.details.get("offset")
    if not isinstance(offset, int):
        return output[-TRIGGER_WINDOW:]
    end = offset
    spans = finding.details.get("spans")
    if "chain" in finding.details and isinstance(spans, list) and spans and isinstance(spans[0], list):
        end = min(offset, int(spans[0][0]))
    before = output[max(0, offset - FINDING_WINDOW) : end]
    return f"{before}\n{output[offset : offset + FINDING_WINDOW // 4]}"


def steps_remedy(playbook: Playbook, finding: Finding) -> Remedy:
    """The playbook's steps, with `{name}`-style placeholders filled from the finding."""
    values = {k: str(v) for k, v in finding.details.items() if isinstance(v, str | int)}
    steps = tuple(_render_step(step, values) for step in playbook.steps)
    return Remedy(
        kind="steps",
        summary=f"follow playbook {playbook.name}",
        steps=steps,
        confidence=0.4,
        source=f"playbook:{playbook.name}",
    )


def _render_step(step: Mapping[str, str], values: Mapping[str, str]) -> str:
    """The step's description, and its command when the finding fills every placeholder (a
    command with a `{name}` left in it would be run as written)."""
    text = step.get("description") or step.get("action", "")
    command = step.get("command")
    if command and all(name in values for name in PLACEHOLDER.findall(command)):
        filled = PLACEHOLDER.sub(lambda m: values[m.group(1)], command)
        text = f"{text}: `{filled}`" if text else f"`{filled}`"
    return text
