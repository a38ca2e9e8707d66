"""Session fixture that runs each selected corpus case once, in parallel, in fresh directories."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .harness import Recordings
from .runner import Case


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "corpus: runs the real tools of the failure corpus (deselect: -m 'not corpus')"
    )


def _selected_cases(session: pytest.Session) -> list[Case]:
    cases: dict[str, Case] = {}
    for item in session.items:
        callspec = getattr(item, "callspec", None)
        case = callspec.params.get("case") if callspec else None
        if isinstance(case, Case) and item.get_closest_marker("corpus"):
            cases[case.name] = case
    return list(cases.values())


@pytest.fixture(scope="session")
def recordings(request: pytest.FixtureRequest) -> Iterator[Recordings]:
    """The session's recordings, with every case the selected corpus tests use already run."""
    store = Recordings()
    store.prefetch(_selected_cases(request.session))
    yield store
    store.cleanup()
