"""The detector on the whole failure corpus: every case run for real, then judged.

A failure case must yield a finding with the expected category and place (the file ends with
`expect.file`, the line is `expect.line` when given) whose message, details or remedy mention every
expected fact; a healthy case must yield nothing above `low`. The cases run once per session, in
parallel; `HEALING_CORPUS_DIR=DIR` judges recordings made by `python -m tests.corpus.record DIR`
instead (fast, for iterating on a detector).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.corpus import ALL_CASES
from tests.corpus.conftest import _selected_cases  # the corpus tests' own selection of cases
from tests.corpus.harness import Recordings
from tests.corpus.runner import Case, missing_requirements, to_payload
from tests.detect.corpus_check import SKIPPED, Recording, Verdict, describe, recorded_verdicts, verdict_of
from tests.detect.guards import guard_misses

RECORDED = os.environ.get("HEALING_CORPUS_DIR")


def _judge(case: Case, store: Recordings, payloads: dict[str, dict[str, Any]]) -> Verdict:
    missing = missing_requirements(case)
    if missing:
        return Verdict(case, SKIPPED, f"requires {', '.join(missing)}, not installed here")
    rec = store.get(case)
    payloads[case.name] = to_payload(rec)
    return verdict_of(Recording(case, payloads[case.name]), rec.root)


Runs = tuple[dict[str, Verdict], dict[str, dict[str, Any]]]


@pytest.fixture(scope="session")
def corpus_runs(request: pytest.FixtureRequest) -> Iterator[Runs]:
    """Case name → verdict, and case name → the payload the host would send, for every selected
    case (each run once, in parallel, by the harness; no payloads when judging recordings)."""
    cases = _selected_cases(request.session) or list(ALL_CASES)
    if RECORDED:
        yield {verdict.case.name: verdict for verdict in recorded_verdicts(Path(RECORDED), cases)}, {}
        return
    store = Recordings()
    payloads: dict[str, dict[str, Any]] = {}
    try:
        store.prefetch(cases)
        yield {case.name: _judge(case, store, payloads) for case in cases}, payloads
    finally:
        store.cleanup()


@pytest.fixture(scope="session")
def verdicts(corpus_runs: Runs) -> dict[str, Verdict]:
    return corpus_runs[0]


@pytest.mark.corpus
@pytest.mark.parametrize("case", ALL_CASES, ids=lambda case: case.name)
def test_detector_on_corpus_case(case: Case, verdicts: dict[str, Verdict]) -> None:
    verdict = verdicts[case.name]
    if verdict.outcome == SKIPPED:
        pytest.skip(verdict.reason)
    said = "\n".join(describe(finding) for finding in verdict.findings) or "(no finding)"
    assert verdict.ok, f"{verdict.outcome}: {verdict.reason}\nfindings:\n{said}"


@pytest.mark.corpus
@pytest.mark.parametrize("case", ALL_CASES, ids=lambda case: case.name)
def test_parser_guards_pass_every_output_their_parser_explains(case: Case, corpus_runs: Runs) -> None:
    """detect imports a parser only when its guard holds: a guard that said no to an output its
    parser finds something in would lose that finding."""
    payload = corpus_runs[1].get(case.name)
    if payload is None:
        pytest.skip("no payload (a skipped case, or judging recordings)")
    assert guard_misses(payload) == []
