"""Precision rules: output that is not a failure of the command itself says little or nothing.

- A command that only shows text (`cat`, `grep`, `git log`, `less`, `head`) is quiet: the error words
  in what it shows are somebody else's. Only its own failure (`cat: x: No such file or directory`,
  `cd: nowhere: ...`) is reported, and only when the host reported the command as failed.
- A command that succeeded, with an exit status nothing masks, is healthy: a passing test run that
  prints "error", a script that logs a handled traceback. Its findings are kept at `low`, but for
  the warnings that mean a bug the program carried on past (a coroutine never awaited). When a
  pipe, `||` or `;` hides the main program's status (`pytest | tail`), the output is the evidence,
  and findings keep their severity.
"""

from __future__ import annotations

from healing_hooks import commandline
from healing_hooks.detect.shell import parse_shell
from healing_hooks.findings import Finding
from healing_hooks.observation import Observation


def own_failures(obs: Observation, text: str) -> list[Finding]:
    """What a text-showing command may still report: its own failure, when the host saw one."""
    if obs.tool_name != "Bash" or not obs.failed:
        return []
    if commandline.exit_status_is_benign(obs.command, obs.exit_code):
        return []
    return parse_shell(obs, text)


def success_is_trusted(obs: Observation) -> bool:
    """The host reported success and no pipe, `||` or `;` can have hidden a failure."""
    return not obs.failed and not obs.interrupted and not commandline.exit_status_is_masked(obs.command)


def cap_on_success(obs: Observation, findings: list[Finding]) -> list[Finding]:
    """After a trusted success nothing is above `low` (the severity it had is kept in details),
    but a warning that means a bug the program carried on past (a coroutine never awaited)."""
    if not success_is_trusted(obs):
        return findings
    for finding in findings:
        if finding.severity != "low" and not finding.details.get("warns_of_bug"):
            finding.details.setdefault("severity_before", finding.severity)
            finding.severity = "low"
    return findings
