"""Running corpus cases inside a pytest session: each case once, in parallel, in fresh dirs."""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .runner import Case, Recorded, missing_requirements, new_case_root, run_case

JOBS = int(os.environ.get("CORPUS_JOBS", "0")) or os.cpu_count() or 2


def skip_if_unavailable(case: Case) -> None:
    """Skip the current test when the case needs a program (or module) this machine lacks."""
    missing = missing_requirements(case)
    if missing:
        pytest.skip(f"{case.name} requires {', '.join(missing)}, not installed here")


class Recordings:
    """Each case run once per session: the cases the selected tests need, run up front."""

    def __init__(self) -> None:
        self._done: dict[str, Recorded] = {}
        self._roots: list[Path] = []

    def prefetch(self, cases: list[Case]) -> None:
        """Run the not-yet-run cases that this machine can run, JOBS at a time."""
        todo = {c.name: c for c in cases if c.name not in self._done and not missing_requirements(c)}
        with ThreadPoolExecutor(max_workers=JOBS) as pool:
            for rec in pool.map(self._run, todo.values()):
                self._done[rec.case.name] = rec

    def get(self, case: Case) -> Recorded:
        """The recording of case (run now if it was not prefetched)."""
        if case.name not in self._done:
            self._done[case.name] = self._run(case)
        return self._done[case.name]

    def _run(self, case: Case) -> Recorded:
        root = new_case_root(case)
        self._roots.append(root)
        return run_case(case, root)

    def cleanup(self) -> None:
        for root in self._roots:
            shutil.rmtree(root, ignore_errors=True)
