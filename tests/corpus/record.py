"""Record every corpus case as the hook payload Claude Code would send.

    python -m tests.corpus.record OUTDIR [--only TEXT] [--jobs N] [--keep]

writes OUTDIR/<case>.json = {"case", "tool", "expect", "files", "exit_code", "duration_ms",
"payload"} for each case, and OUTDIR/index.json listing them all with the problems found (a failure
case whose output lacks its facts, a healthy case that failed). Exit 1 when there are problems.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from . import ALL_CASES
from .checks import payload_problems, recording_problems
from .runner import Case, Recorded, missing_requirements, new_case_root, run_case, to_payload


@dataclasses.dataclass
class Outcome:
    """One case's result: its recording, or why it was skipped, and what is wrong with it."""

    case: Case
    recording: Recorded | None
    skipped: str | None
    problems: list[str]


def record_case(case: Case, keep: bool = False) -> Outcome:
    """Run one case in a fresh directory and check the recording."""
    missing = missing_requirements(case)
    if missing:
        return Outcome(case, None, f"requires {', '.join(missing)}", [])
    root = new_case_root(case)
    try:
        rec = run_case(case, root)
    finally:
        if not keep:
            shutil.rmtree(root, ignore_errors=True)
    problems = recording_problems(rec) + payload_problems(to_payload(rec), rec)
    return Outcome(case, rec, None, problems)


def case_document(outcome: Outcome) -> dict[str, Any]:
    """The JSON written for one recorded case."""
    rec = outcome.recording
    assert rec is not None
    case = outcome.case
    return {
        "case": case.name,
        "tool": case.tool,
        "expect": None if case.expect is None else dataclasses.asdict(case.expect),
        "files": case.files,
        "exit_code": rec.exit_code,
        "duration_ms": rec.duration_ms,
        "payload": to_payload(rec),
    }


def index_entry(outcome: Outcome) -> dict[str, Any]:
    """One line of index.json."""
    rec = outcome.recording
    return {
        "case": outcome.case.name,
        "tool": outcome.case.tool,
        "category": outcome.case.expect.category if outcome.case.expect else None,
        "event": to_payload(rec)["hook_event_name"] if rec else None,
        "exit_code": rec.exit_code if rec else None,
        "duration_ms": rec.duration_ms if rec else None,
        "skipped": outcome.skipped,
        "problems": outcome.problems,
    }


def write_outcomes(outdir: Path, outcomes: Sequence[Outcome], seconds: float) -> None:
    """Write one JSON file per recorded case, and the index."""
    outdir.mkdir(parents=True, exist_ok=True)
    for outcome in outcomes:
        if outcome.recording is not None:
            text = json.dumps(case_document(outcome), indent=2, ensure_ascii=False)
            (outdir / f"{outcome.case.name}.json").write_text(text + "\n", encoding="utf-8")
    index = {
        "total_seconds": round(seconds, 1),
        "recorded": sum(o.recording is not None for o in outcomes),
        "skipped": sum(o.skipped is not None for o in outcomes),
        "with_problems": sum(bool(o.problems) for o in outcomes),
        "cases": [index_entry(o) for o in outcomes],
    }
    (outdir / "index.json").write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8")


def report(outcomes: Sequence[Outcome], seconds: float) -> None:
    """Print skipped cases and problems, then a one-line summary."""
    for outcome in outcomes:
        if outcome.skipped:
            print(f"SKIP {outcome.case.name}: {outcome.skipped}")
        for problem in outcome.problems:
            print(f"PROBLEM {outcome.case.name}: {problem}")
    recorded = sum(o.recording is not None for o in outcomes)
    bad = sum(bool(o.problems) for o in outcomes)
    print(f"recorded {recorded} of {len(outcomes)} cases in {seconds:.1f}s; {bad} with problems")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.corpus.record", description=__doc__)
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--only", default="", help="record the cases whose name contains TEXT")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--keep", action="store_true", help="keep the case directories")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Record the selected cases into OUTDIR; 1 when any case misbehaves."""
    args = parse_args(argv)
    cases = [case for case in ALL_CASES if args.only in case.name]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        outcomes = list(pool.map(lambda case: record_case(case, args.keep), cases))
    seconds = time.monotonic() - started
    write_outcomes(args.outdir, outcomes, seconds)
    report(outcomes, seconds)
    return 1 if any(o.problems for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
