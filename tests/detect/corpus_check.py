"""Judge the detector on corpus recordings: the verdicts behind test_corpus.py and the measured table.

A recording is the hook payload of one real run plus the project root it ran in. `analyse` runs
the detector the way the hook does (built-in patterns and playbooks, no project memory) and
`judge` compares its findings with the case's `Expect`.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from healing_hooks.detect import detect
from healing_hooks.detect.patterns import PatternLibrary, build_library
from healing_hooks.findings import SEVERITY_RANK, Finding
from healing_hooks.observation import observation_from_payload
from healing_hooks.remedy import plan_remedies
from healing_hooks.remedy.playbooks import Playbook, load_playbooks
from tests.corpus.runner import (
    Case,
    Expect,
    missing_requirements,
    new_case_root,
    run_case,
    to_payload,
    write_files,
)

HIT, WRONG_CATEGORY, WRONG_PLACE, MISSED = "hit", "wrong-category", "wrong-place", "missed"
SILENT, FALSE_ALARM, SKIPPED = "silent", "false-alarm", "skipped"


@dataclass
class Recording:
    """What one case produced: the payload the host would send (None when skipped, with why)."""

    case: Case
    payload: dict[str, Any] | None
    skipped: str = ""


@dataclass
class Verdict:
    """How the detector did on one case."""

    case: Case
    outcome: str
    reason: str = ""
    facts_missing: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """A failure found at the right place with every fact, or a healthy output left alone."""
        return self.outcome == SILENT or (self.outcome == HIT and not self.facts_missing)


@cache
def builtin_playbooks() -> dict[str, Playbook]:
    """The shipped playbooks, as a project without its own file gets them."""
    text = resources.files("healing_hooks.data").joinpath("playbooks.json").read_text("utf-8")
    playbooks, _ = load_playbooks(json.loads(text))
    return playbooks


@cache
def builtin_library() -> PatternLibrary:
    """The shipped pattern library, compiled once per process (it takes most of a second)."""
    return build_library()


_ONE_AT_A_TIME = threading.Lock()
"""The hook handles one event per process: cases run in parallel, their analyses do not."""


def analyse(payload: dict[str, Any], project_root: str) -> list[Finding]:
    """The findings (with remedies) the hook would produce for this payload."""
    obs = observation_from_payload(payload, {"CLAUDE_PROJECT_DIR": project_root})
    with _ONE_AT_A_TIME:
        library = builtin_library()
        return plan_remedies(detect(obs, library), obs, library, builtin_playbooks())


def judge(case: Case, findings: Sequence[Finding]) -> Verdict:
    """Compare findings with the case: right category and place, every expected fact mentioned."""
    expect = case.expect
    if expect is None:
        loud = [f for f in findings if SEVERITY_RANK[f.severity] > SEVERITY_RANK["low"]]
        if loud:
            return Verdict(case, FALSE_ALARM, describe(loud[0]), findings=list(findings))
        return Verdict(case, SILENT, findings=list(findings))
    if not findings:
        return Verdict(case, MISSED, "no finding")
    same_category = [f for f in findings if f.category == expect.category]
    if not same_category:
        got = ", ".join(sorted({f.category for f in findings}))
        return Verdict(
            case,
            WRONG_CATEGORY,
            f"wanted {expect.category}, got {got}: {describe(findings[0])}",
            findings=list(findings),
        )
    placed = [f for f in same_category if at_expected_place(f, expect)]
    if not placed:
        where = "; ".join(str(f.location) for f in same_category)
        wanted = f"{expect.file}:{expect.line}" if expect.line else str(expect.file)
        return Verdict(case, WRONG_PLACE, f"wanted {wanted}, got {where}", findings=list(findings))
    best = min(placed, key=lambda f: len(missing_facts(f, expect.facts)))
    missing = missing_facts(best, expect.facts)
    reason = f"facts not mentioned: {missing}" if missing else ""
    return Verdict(case, HIT, reason, missing, list(findings))


def at_expected_place(finding: Finding, expect: Expect) -> bool:
    """File ends with the expected path and the line is the expected one (when they are given)."""
    if expect.file is None:
        return True
    location = finding.location
    if location is None or not location.file.replace("\\", "/").endswith(expect.file):
        return False
    return expect.line is None or location.line == expect.line


def missing_facts(finding: Finding, facts: Sequence[str]) -> list[str]:
    """The expected facts that neither the message, the details nor the remedy mention."""
    text = finding_text(finding)
    return [fact for fact in facts if fact not in text]


def finding_text(finding: Finding) -> str:
    """Everything a finding says, as plain text (details and remedy flattened, nothing escaped)."""
    parts = [finding.message, *_texts(finding.details)]
    if finding.remedy is not None:
        parts.extend(_texts(finding.remedy.to_dict()))
    return "\n".join(parts)


def _texts(value: object) -> list[str]:
    """Every string in a nested structure of dicts, lists and scalars."""
    if isinstance(value, dict):
        return [text for item in value.values() for text in _texts(item)]
    if isinstance(value, list | tuple):
        return [text for item in value for text in _texts(item)]
    return [] if value is None else [str(value)]


def describe(finding: Finding) -> str:
    """One line naming a finding."""
    where = f" at {finding.location}" if finding.location else ""
    return f"[{finding.category}/{finding.severity}] {finding.message[:160]}{where}"


def verdict_of(recording: Recording, root: Path) -> Verdict:
    """The verdict of one recording whose project files exist under `root`."""
    if recording.payload is None:
        return Verdict(recording.case, SKIPPED, recording.skipped)
    return judge(recording.case, analyse(recording.payload, str(root)))


def run_live(case: Case) -> Verdict:
    """Run a case for real in a fresh directory, then judge what the detector makes of it."""
    missing = missing_requirements(case)
    if missing:
        return Verdict(case, SKIPPED, f"requires {', '.join(missing)}, not installed here")
    root = new_case_root(case)
    try:
        rec = run_case(case, root)
        return verdict_of(Recording(case, to_payload(rec)), root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def run_all_live(cases: Sequence[Case], jobs: int = 2) -> list[Verdict]:
    """Run every case for real (in parallel) and judge each."""
    with ThreadPoolExecutor(jobs) as pool:
        return list(pool.map(run_live, cases))


def recorded_verdicts(folder: Path, cases: Sequence[Case]) -> list[Verdict]:
    """Judge the recordings in a folder made by `python -m tests.corpus.record DIR`."""
    verdicts = []
    for case in cases:
        path = folder / f"{case.name}.json"
        if not path.exists():
            verdicts.append(Verdict(case, SKIPPED, "not recorded"))
            continue
        document = json.loads(path.read_text(encoding="utf-8"))
        with recreated_root(document) as root:
            verdicts.append(verdict_of(Recording(case, document["payload"]), root))
    return verdicts


@contextmanager
def recreated_root(document: dict[str, Any]) -> Iterator[Path]:
    """The recording's project files, back at the path they ran in (tracebacks name it)."""
    root = Path(document["payload"]["cwd"])
    if root.exists():
        yield root
        return
    try:
        write_files(root, document.get("files", {}))
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)
