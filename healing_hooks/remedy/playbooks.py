"""Recovery playbooks: guided steps matched to a finding by name or by trigger regex."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from healing_hooks.findings import Finding, Remedy
from healing_hooks.records import dataclass

TRIGGER_WINDOW = 50_000
"""Characters of output (from the end) a trigger regex is run over."""
FINDING_WINDOW = 8_000
"""Characters of output before a finding's offset that a trigger may match in."""


@dataclass(frozen=True)
class Playbook:
    name: str
    trigger: re.Pattern[str] | None
    severity: str
    steps: tuple[dict[str, str], ...]
    success_indicators: tuple[str, ...]


def load_playbooks(data: Mapping[str, Any]) -> tuple[dict[str, Playbook], list[str]]:
    """Playbooks from a recovery-playbook.json document, and notices for the unusable ones."""
    playbooks: dict[str, Playbook] = {}
    skipped: list[str] = []
    for name, entry in (data.get("playbooks") or {}).items():
        try:
            trigger = re.compile(entry["trigger"], re.MULTILINE) if entry.get("trigger") else None
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


def match_playbook(finding: Finding, output: str, playbooks: Mapping[str, Playbook]) -> Playbook | None:
    """The finding's named playbook, else the first whose trigger matches the finding's own text
    (its evidence and message), else the output around the finding (a collection header before a
    traceback, say), else — for a finding with no position — the output's tail."""
    if finding.playbook and finding.playbook in playbooks:
        return playbooks[finding.playbook]
    own = f"{finding.details.get('evidence', '')}\n{finding.message}"
    offset = finding.details.get("offset")
    if isinstance(offset, int):
        around = output[max(0, offset - FINDING_WINDOW) : offset + FINDING_WINDOW // 4]
    else:
        around = output[-TRIGGER_WINDOW:]
    for text in (own, around):
        for playbook in playbooks.values():
            if playbook.trigger is not None and playbook.trigger.search(text):
                return playbook
    return None


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
    text = step.get("description") or step.get("action", "")
    command = step.get("command")
    if command:
        filled = re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), command)
        text = f"{text}: `{filled}`" if text else f"`{filled}`"
    return text
