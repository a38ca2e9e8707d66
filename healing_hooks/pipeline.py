"""One pipeline for every way in: observation → detect → remedy → memory → feedback."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from typing import Any

from healing_hooks import learn
from healing_hooks.config import Config, load_config
from healing_hooks.detect import detect
from healing_hooks.detect.patterns import PatternLibrary, build_library
from healing_hooks.detect.testruns import summarize_test_run
from healing_hooks.detect.text import clean_output
from healing_hooks.feedback import hook_output, render_context, worth_saying
from healing_hooks.findings import SEVERITY_RANK, Finding
from healing_hooks.memory.store import MemoryStore, Update, utc_now
from healing_hooks.observation import Observation, observation_from_payload
from healing_hooks.records import dataclass, field
from healing_hooks.redact import redact
from healing_hooks.remedy import plan_remedies
from healing_hooks.remedy.playbooks import Playbook, load_playbooks
from healing_hooks.remedy.verify import remembered_remedies, verify_remedies

EDIT_TOOLS = frozenset({"Edit", "Write", "MultiEdit"})
EXCERPT_CHARS = 2_000


@dataclass
class Result:
    """What the pipeline made of one observation."""

    observation: Observation
    findings: list[Finding]
    spoken: list[Finding]
    hook_output: dict[str, Any] | None
    notices: list[str] = field(default_factory=list)


@dataclass
class Answer:
    """What the hook process does: print `output`, maybe `stderr`, exit with `exit_code`."""

    output: dict[str, Any] | None
    exit_code: int = 0
    stderr: str = ""


def handle_hook_event(payload: Mapping[str, Any], env: Mapping[str, str]) -> Answer:
    """The hook: process a live event and record it in the project's memory."""
    obs = observation_from_payload(payload, env)
    config = load_config(obs.project_root)
    result = process(obs, config, record=True)
    if _blocks(result.spoken, config) and result.hook_output:
        context = result.hook_output.get("hookSpecificOutput", {}).get("additionalContext", "")
        sys.stderr.write(context + "\n")
        return Answer(None, exit_code=2)
    return Answer(result.hook_output)


def process(obs: Observation, config: Config | None = None, *, record: bool = True) -> Result:
    """Detect, plan remedies, remember (when `record`), and build the feedback."""
    config = config or load_config(obs.project_root)
    store = MemoryStore(obs.project_root, config)
    notices = list(config.notices)
    if obs.tool_name in EDIT_TOOLS:
        if record:
            notices += _remember_edit(store, obs)
        return Result(obs, [], [], hook_output(obs.event, "", notices), notices)
    library, playbooks, load_notices = load_knowledge(store)
    notices += load_notices
    findings = plan_remedies(detect(obs, library), obs, library, playbooks)
    notices += library.notices  # patterns given up on while matching (over their time limit)
    test_run = summarize_test_run(obs.command, clean_output(obs.output), obs.exit_code)
    findings = learn.advise(findings, obs, test_run, library, config, store)
    applied = _auto_apply(obs, findings, config) if record and config.auto_apply else []
    if record:
        notices += _remember(store, obs, findings, library, applied, test_run)
    spoken = worth_saying(obs, findings, config.report_success_warnings)
    context = render_context(obs, spoken, config.max_findings) if spoken else ""
    return Result(obs, findings, spoken, hook_output(obs.event, context, notices), notices)


def load_knowledge(store: MemoryStore) -> tuple[PatternLibrary, dict[str, Playbook], list[str]]:
    """The pattern library and playbooks: built-ins refined by the project's files."""
    patterns = store.read_patterns()
    library = build_library(patterns.data.get("patterns", []))
    playbook_file = store.read_playbooks()
    playbooks, skipped = load_playbooks(playbook_file.data)
    notices = [p for p in (patterns.problem, playbook_file.problem) if p]
    return library, playbooks, notices + library.skipped + skipped


def _auto_apply(obs: Observation, findings: list[Finding], config: Config) -> list[dict[str, Any]]:
    """Apply the confident edits (and allowed commands) now; the records go to the memory."""
    from healing_hooks.remedy.apply import auto_apply

    outcomes = auto_apply(
        findings,
        obs.project_root,
        min_confidence=config.min_confidence_to_apply,
        allowed_commands=config.allowed_commands,
        cwd=obs.cwd or None,
    )
    return [o.record() for o in outcomes]


def _remember(
    store: MemoryStore,
    obs: Observation,
    findings: list[Finding],
    library: PatternLibrary,
    applied: list[dict[str, Any]] | None = None,
    test_run: dict[str, Any] | None = None,
) -> list[str]:
    if not os.path.isdir(obs.project_root):
        return [f"project folder {obs.project_root} does not exist: nothing saved"]
    update = Update()
    update.pattern_ids = [f.pattern_id for f in findings if f.pattern_id]
    for pattern_id in update.pattern_ids:
        pattern = library.by_id(pattern_id)
        if pattern is not None:
            update.pattern_defaults[pattern_id] = {**pattern.raw, "source": pattern.source}
    if obs.failed or any(f.severity != "low" for f in findings):
        update.log_lines.append(error_log_line(obs, findings))
    if test_run is not None:
        update.test_lines.append(_test_line(obs, test_run))
    update.learning = learn.event_for(obs, library, test_run)
    update.pending_changes = _pending_change(obs, findings, update.learning)
    update.fix_events = list(applied or [])
    return store.apply(update)


def error_log_line(obs: Observation, findings: list[Finding]) -> dict[str, Any]:
    """One error-log.txt record: the event, its findings, the tail of the output; redacted."""
    return {
        "ts": utc_now(),
        "session_id": obs.session_id,
        "tool_use_id": obs.tool_use_id,
        "event": obs.event,
        "command": redact(obs.command),
        "exit_code": obs.exit_code,
        "interrupted": obs.interrupted,
        "findings": [_logged_finding(f) for f in findings],
        "excerpt": redact(clean_output(obs.output)[-EXCERPT_CHARS:]),
    }


def _logged_finding(finding: Finding) -> dict[str, Any]:
    data = finding.to_dict()
    data["message"] = redact(data["message"])
    data["details"] = {k: redact(v) if isinstance(v, str) else v for k, v in finding.details.items()}
    return data


def _test_line(obs: Observation, test_run: dict[str, Any]) -> dict[str, Any]:
    return {
        "ts": utc_now(),
        "session_id": obs.session_id,
        "command": redact(obs.command),
        "duration_ms": obs.duration_ms,
        **test_run,
    }


def _pending_change(obs: Observation, findings: list[Finding], learning: learn.LearnEvent) -> Any:
    """Failures wait for the next run of the same command; a success clears them."""
    key = learn.command_key(obs.command)

    def change(commands: dict[str, Any]) -> list[dict[str, Any]]:
        learning.take_previous(commands)
        events = verify_remedies(commands.get(key), obs.failed, findings)
        if obs.failed:
            commands[key] = {
                "at": time.time(),
                "command": redact(obs.command),
                "finding_ids": [f.id for f in findings],
                "pattern_ids": [f.pattern_id for f in findings if f.pattern_id],
                "edits": commands.get(key, {}).get("edits", []),
                "remedies": remembered_remedies(findings),
                **learn.pending_fields(findings, learning),
            }
        else:
            commands.pop(key, None)
        return events

    return change


def _remember_edit(store: MemoryStore, obs: Observation) -> list[str]:
    """An edit made while a failure is pending is a candidate fix for it (learning loop)."""
    edit = learn.edit_record(obs.tool_name, obs.tool_input, obs.project_root)

    def change(commands: dict[str, Any]) -> None:
        learn.note_edit(commands, edit)

    return store.apply(Update(pending_changes=change))


def _blocks(spoken: list[Finding], config: Config) -> bool:
    threshold = config.block_on_severity
    if threshold is None:
        return False
    return any(f.rank >= SEVERITY_RANK[threshold] for f in spoken)
