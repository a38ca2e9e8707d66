"""A wall-clock limit on a piece of regex matching (the last guard against catastrophic backtracking).

Python's regex engine checks for signals while it backtracks, so an interval timer whose handler
raises can stop a runaway match. Signals only work in the main thread of a POSIX process; elsewhere
the limit is not enforced and the static checks and bounded inputs are the only guards.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class Overtime(Exception):
    """The matching ran past its time limit."""


def _raise_overtime(signum: int, frame: FrameType | None) -> None:
    raise Overtime


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise Overtime inside the block once `seconds` have passed (where signals can do that)."""
    if seconds <= 0:
        raise Overtime
    if not hasattr(signal, "setitimer"):
        yield
        return
    try:
        previous_handler = signal.signal(signal.SIGALRM, _raise_overtime)
    except ValueError:  # not the main thread
        yield
        return
    started = time.monotonic()
    previous_delay, previous_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if previous_delay > 0:  # someone else's timer (a test runner's, say): give it back
            left = max(previous_delay - (time.monotonic() - started), 0.001)
            signal.setitimer(signal.ITIMER_REAL, left, previous_interval)
