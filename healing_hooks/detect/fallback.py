"""The last word of a failure nobody recognised: the line the program said before it exited.

A script that ends with `sys.exit("config: missing keys: version")` or prints `error: ...` and
exits 3 leaves no traceback and no tool-shaped diagnostic. When no parser and no pattern found
anything in a failed command, this names the exit status and the line that explains it, at low
severity and confidence and without a place, so the event is logged with a reason and the agent
gets a summary.
"""

from __future__ import annotations

import re

from healing_hooks import commandline
from healing_hooks.findings import Finding
from healing_hooks.lazyre import lazy
from healing_hooks.observation import Observation

TAIL_LINES = 8
MAX_MESSAGE = 300
_EXPLAINS = lazy(
    r"\b(?:error|errors|fail(?:ed|ure)?|missing|invalid|cannot|can't|not found|denied|refused|"
    r"fatal|abort(?:ed|ing)?|unable|no such|unknown|required|expected)\b",
    re.IGNORECASE,
)


def unexplained_failure(obs: Observation, text: str) -> Finding | None:
    """A low-confidence finding for a failed command whose output no detector explained."""
    if not obs.failed or obs.interrupted or obs.exit_code in (None, 0):
        return None
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    tail = lines[-TAIL_LINES:]
    line = next((candidate for candidate in reversed(tail) if _EXPLAINS.search(candidate)), tail[-1])
    programs = commandline.programs(obs.command)
    tool = programs[0] if programs else "shell"
    offset = text.rfind(line)
    return Finding(
        category="runtime",
        severity="low",  # a summary of what the agent already sees, not a diagnosis
        tool=tool,
        message=f"exited with status {obs.exit_code}: {line[:MAX_MESSAGE]}",
        confidence=0.3,
        details={"evidence": line[:MAX_MESSAGE], "offset": max(offset, 0), "exit_code": obs.exit_code},
    )
