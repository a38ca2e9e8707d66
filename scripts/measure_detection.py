"""Measure the detector on the corpus: per tool, what it found, missed and wrongly said.

    python scripts/measure_detection.py                  # run every corpus case for real
    python scripts/measure_detection.py --recorded DIR   # or judge recordings made by
                                                         #   python -m tests.corpus.record DIR
    options: --only TEXT (case names containing TEXT), --jobs N, --cases (list every case that
    is not right, with why), --markdown (write the table into docs/detection.md)

A failure case is a hit when a finding has the expected category and, when the case names one,
the expected file (suffix) and line. Healthy outputs must yield nothing above `low`; anything more
is a false alarm. Precision = hits / (hits + wrong category + wrong place + false alarms);
recall = hits / failure cases. "facts" counts the hits whose finding mentions every expected fact.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.corpus import ALL_CASES  # noqa: E402
from tests.detect.corpus_check import (  # noqa: E402
    FALSE_ALARM,
    HIT,
    MISSED,
    SILENT,
    SKIPPED,
    WRONG_CATEGORY,
    WRONG_PLACE,
    Verdict,
    recorded_verdicts,
    run_all_live,
)

DOC = ROOT / "docs" / "detection.md"
START, END = "<!-- measured-table:start -->", "<!-- measured-table:end -->"
COLUMNS = ("tool", "failures", "hits", "facts", "wrong category", "wrong place", "missed",
           "healthy", "false alarms", "precision", "recall")  # fmt: skip


@dataclass
class Row:
    """The counts of one tool (or of all of them)."""

    tool: str
    failures: int = 0
    hits: int = 0
    facts: int = 0
    wrong_category: int = 0
    wrong_place: int = 0
    missed: int = 0
    healthy: int = 0
    false_alarms: int = 0

    def add(self, verdict: Verdict) -> None:
        outcome = verdict.outcome
        if outcome in (SILENT, FALSE_ALARM):
            self.healthy += 1
            self.false_alarms += outcome == FALSE_ALARM
            return
        self.failures += 1
        self.hits += outcome == HIT
        self.facts += outcome == HIT and not verdict.facts_missing
        self.wrong_category += outcome == WRONG_CATEGORY
        self.wrong_place += outcome == WRONG_PLACE
        self.missed += outcome == MISSED

    @property
    def precision(self) -> float | None:
        said = self.hits + self.wrong_category + self.wrong_place + self.false_alarms
        return self.hits / said if said else None

    @property
    def recall(self) -> float | None:
        return self.hits / self.failures if self.failures else None

    def cells(self) -> list[str]:
        counts = [self.failures, self.hits, self.facts, self.wrong_category, self.wrong_place,
                  self.missed, self.healthy, self.false_alarms]  # fmt: skip
        return [self.tool, *map(str, counts), _percent(self.precision), _percent(self.recall)]


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def tabulate(verdicts: Sequence[Verdict]) -> list[Row]:
    """One row per tool, in corpus order, then the total."""
    rows: dict[str, Row] = {}
    total = Row("all")
    for verdict in verdicts:
        if verdict.outcome == SKIPPED:
            continue
        rows.setdefault(verdict.case.tool, Row(verdict.case.tool)).add(verdict)
        total.add(verdict)
    return [*rows.values(), total]


def plain_table(rows: Sequence[Row]) -> str:
    """The table as aligned text."""
    grid = [list(COLUMNS), *(row.cells() for row in rows)]
    widths = [max(len(line[i]) for line in grid) for i in range(len(COLUMNS))]
    return "\n".join("  ".join(cell.rjust(w) for cell, w in zip(line, widths, strict=True)) for line in grid)


def markdown_table(rows: Sequence[Row]) -> str:
    """The table in Markdown."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def case_lines(verdicts: Sequence[Verdict]) -> list[str]:
    """Every case that is not right, with why; then the skipped ones."""
    lines = [
        f"{v.outcome:15} {v.case.tool:8} {v.case.name}: {v.reason}"
        for v in verdicts
        if not v.ok and v.outcome != SKIPPED
    ]
    lines += [
        f"{SKIPPED:15} {v.case.tool:8} {v.case.name}: {v.reason}" for v in verdicts if v.outcome == SKIPPED
    ]
    return lines


def write_markdown(rows: Sequence[Row], skipped: int, source: str, doc: Path = DOC) -> None:
    """Put the table between the markers of docs/detection.md (appended when they are missing)."""
    note = f"Measured on {source}; {skipped} case(s) skipped for lack of a tool on this machine."
    block = f"{START}\n{markdown_table(rows)}\n\n{note}\n{END}"
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Detection\n\n"
    if START in text and END in text:
        text = re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(text, encoding="utf-8")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="measure_detection.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--recorded", type=Path, help="judge recordings in DIR instead of running the cases")
    parser.add_argument("--only", default="", help="only the cases whose name contains TEXT")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--cases", action="store_true", help="list every case that is not right")
    parser.add_argument(
        "--markdown", action="store_true", help=f"write the table into {DOC.relative_to(ROOT)}"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Judge the corpus, print the table; 0 unless the arguments are wrong."""
    args = parse_args(argv)
    cases = [case for case in ALL_CASES if args.only in case.name]
    if args.recorded:
        verdicts = recorded_verdicts(args.recorded, cases)
        source = f"recordings in {args.recorded}"
    else:
        verdicts = run_all_live(cases, max(1, args.jobs))
        source = f"a live run of the corpus ({len(cases)} cases)"
    rows = tabulate(verdicts)
    print(plain_table(rows))
    if args.cases:
        print("\n".join(case_lines(verdicts)))
    if args.markdown:
        skipped = sum(v.outcome == SKIPPED for v in verdicts)
        write_markdown(rows, skipped, "a live run of the corpus" if not args.recorded else source)
        print(f"wrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
