"""CI logs: a timestamp before every line (GitHub Actions' raw log, `gh run view --log`) does not
hide the failure, and the finding's place is the same as in the bare output."""

from __future__ import annotations

from pathlib import Path

import pytest

from healing_hooks.detect import detect
from healing_hooks.detect.text import clean_output
from healing_hooks.observation import observation_from_payload
from tests.corpus.runner import Case, run_case, to_payload

FILES = {
    "calc.py": "def mean(values):\n    return sum(values) / len(values)\n",
    "tests/test_calc.py": "from calc import mean\n\n\ndef test_mean_of_none():\n    assert mean([]) == 0\n",
}


def _stamped(text: str, gh_columns: bool) -> str:
    prefix = "test\tRun pytest\t" if gh_columns else ""
    return "\n".join(
        f"{prefix}2026-11-25T16:{n // 60 % 60:02d}:{n % 60:02d}.{n:07d}Z {line}"
        for n, line in enumerate(text.split("\n"))
    )


@pytest.mark.parametrize("gh_columns", [False, True], ids=["raw-log", "gh-run-view"])
def test_a_stamped_pytest_log_reads_as_the_bare_one(tmp_path: Path, gh_columns: bool) -> None:
    recorded = run_case(Case("ci", "pytest", FILES, "python -m pytest -p no:cacheprovider", None), tmp_path)
    payload = to_payload(recorded)
    bare = detect(observation_from_payload(payload, {}))
    assert bare and bare[0].location is not None and bare[0].location.file.endswith("calc.py")
    payload["error"] = _stamped(payload["error"], gh_columns)
    stamped = detect(observation_from_payload(payload, {}))
    assert [(f.category, f.location) for f in stamped] == [(f.category, f.location) for f in bare]


def test_text_with_a_few_timestamps_is_left_alone() -> None:
    text = "2026-11-25T16:00:00Z deploy started\nbuilding\nerror: disk full\nretrying\ndone\n"
    assert clean_output(text) == text
