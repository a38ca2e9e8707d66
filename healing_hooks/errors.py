"""The one error boundary: any exception in the hook becomes one clear line and a safe exit code.

The host shows a non-zero, non-2 exit as a "hook error" to the user and carries on; exit 2 would
block the agent, so it is never used here. Details go to `.claude-flow/healing-hooks.log`.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping

LOG_NAME = os.path.join(".claude-flow", "healing-hooks.log")
EXIT_HOOK_ERROR = 1


class HookError(Exception):
    """A failure whose message is already clear enough to show as it is."""


def report_failure(exc: BaseException, env: Mapping[str, str]) -> int:
    """Print one line about `exc` to stderr, log its traceback, return the hook's exit code."""
    from healing_hooks.redact import redact

    message = str(exc) if isinstance(exc, HookError) else f"internal error ({type(exc).__name__}: {exc})"
    where = _log_details(exc, env)
    suffix = f" (details in {where})" if where and not isinstance(exc, HookError) else ""
    sys.stderr.write(redact(f"healing-hooks: {message}{suffix}") + "\n")
    return EXIT_HOOK_ERROR


def _log_details(exc: BaseException, env: Mapping[str, str]) -> str | None:
    """Append the traceback to the project's log; None when it cannot be written."""
    import traceback

    from healing_hooks.redact import redact

    root = env.get("CLAUDE_PROJECT_DIR") or os.getcwd()
    path = os.path.join(root, LOG_NAME)
    try:
        if not os.path.isdir(os.path.dirname(path)):
            return None
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
        text = redact("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
        with open(path, "a", encoding="utf-8") as log:
            log.write(f"--- {stamp}\n{text}")
    except OSError:
        return None
    return path
