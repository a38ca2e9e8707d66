"""The failure corpus: real outputs of real tools, recorded the way Claude Code delivers them.

`ALL_CASES` lists every case (failures first, then healthy outputs); `runner` runs one and turns
it into a hook payload; `python -m tests.corpus.record OUTDIR` records them all as JSON.
"""

from __future__ import annotations

from . import cases_other, cases_pytest, cases_python, cases_rust, cases_shell, healthy
from .runner import Case, check_case, check_unique_names

FAILURE_CASES: list[Case] = [
    *cases_python.CASES,
    *cases_pytest.CASES,
    *cases_rust.CASES,
    *cases_shell.CASES,
    *cases_other.CASES,
]
HEALTHY_CASES: list[Case] = list(healthy.CASES)
ALL_CASES: list[Case] = [*FAILURE_CASES, *HEALTHY_CASES]

check_unique_names(ALL_CASES)
for _case in ALL_CASES:
    check_case(_case)


def case_named(name: str) -> Case:
    """The case called name; KeyError naming it when there is none."""
    for case in ALL_CASES:
        if case.name == name:
            return case
    raise KeyError(f"no corpus case named {name!r}")


__all__ = ["ALL_CASES", "FAILURE_CASES", "HEALTHY_CASES", "Case", "case_named"]
