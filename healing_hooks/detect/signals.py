"""Commands that did not finish: timeouts, signals, interrupts.

Evidence comes in three forms, strongest first: a line the host inserted (`Command timed out after
2m 0s`), a job line bash printed for a child it reaped (`run.sh: line 3: 4242 Killed  python x.py`),
and the exit status alone (124 from `timeout`, 128+N for signal N). bash runs the last command of
`bash -c` in place, so a process killed there leaves only the status: the finding then says what the
status means and quotes the last lines of output, which show how far the command got.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

from healing_hooks.detect.text import relative_to_root
from healing_hooks.findings import Finding, Location, Severity
from healing_hooks.lazyre import lazy
from healing_hooks.observation import Observation
from healing_hooks.records import dataclass

TOOL = "shell"
LAST_LINES = 3
MAX_LINE = 200
TAIL_CHARS = 20_000
"""How much output before a point is read for its last lines."""


@dataclass(frozen=True)
class Signal:
    """What a signal means for a command that died of it."""

    number: int
    name: str
    wording: str  # how bash reports it
    category: str
    severity: Severity
    meaning: str


SIGNALS: tuple[Signal, ...] = (
    Signal(
        9,
        "SIGKILL",
        "Killed",
        "runtime",
        "high",
        "usually the kernel's out-of-memory killer (check memory use), or a `kill -9`",
    ),
    Signal(
        11,
        "SIGSEGV",
        "Segmentation fault",
        "runtime",
        "high",
        "a crash in native code: an extension module, a C library, or memory corruption",
    ),
    Signal(
        6,
        "SIGABRT",
        "Aborted",
        "runtime",
        "high",
        "the program aborted itself: a failed native assertion or `abort()`",
    ),
    Signal(7, "SIGBUS", "Bus error", "runtime", "high", "a bad memory access in native code"),
    Signal(
        4,
        "SIGILL",
        "Illegal instruction",
        "runtime",
        "high",
        "a binary built for another CPU, or a deliberate trap (a Rust/C abort)",
    ),
    Signal(
        8,
        "SIGFPE",
        "Floating point exception",
        "runtime",
        "high",
        "an integer division by zero in native code",
    ),
    Signal(
        15,
        "SIGTERM",
        "Terminated",
        "runtime",
        "medium",
        "something asked it to stop: a timeout, the host, or a CI limit",
    ),
    Signal(
        2,
        "SIGINT",
        "Interrupt",
        "timeout",
        "medium",
        "interrupted (Ctrl-C / an abort) before it finished; its output is partial",
    ),
    Signal(1, "SIGHUP", "Hangup", "runtime", "medium", "its terminal or parent went away"),
)
BY_WORDING = {s.wording: s for s in SIGNALS}
BY_STATUS = {128 + s.number: s for s in SIGNALS}

KILL_LINE = lazy(
    r"^(?P<origin>[^\s:]{1,300})(?::(?: line)? (?P<lineno>\d{1,7}))?: +(?P<pid>\d{1,10}) "
    r"(?P<wording>Killed|Segmentation fault|Aborted|Bus error|Illegal instruction|Floating point exception"
    r"|Terminated|Interrupt|Hangup)(?P<core> \(core dumped\))? +(?P<command>[^\n]{1,1000})$",
    re.M,
)
HOST_TIMEOUT = lazy(r"^Command timed out after (?P<duration>[0-9hms. ]{1,20}?)\s*$", re.M)
HOST_BACKGROUND = lazy(
    r"^Command did not complete within its (?P<duration>\S{1,20}) timeout and was moved to the background"
    r"(?: \(ID: (?P<task>[^)\n]{1,100})\))?",
    re.M,
)
TIMEOUT_WRAPPER = lazy(
    r"(?:^|[\s;&|(])g?timeout(?: +-[-\w=]+(?: +\d+[smhd]?)?)* +(?P<limit>\d+(?:\.\d+)?[smhd]?)\b"
)


def signal_findings(obs: Observation, text: str, found: Sequence[Finding]) -> list[Finding]:
    """Timeouts, kills and interrupts; the exit status speaks only when no line already did."""
    findings = _host_findings(obs, text) + _kill_line_findings(obs, text)
    known = [*found, *findings]
    status = obs.exit_code
    if status == 124 and not _has(known, "timeout"):
        findings.append(_timeout_by_wrapper(obs, text))
    elif status in BY_STATUS and not _has(known, "timeout") and not _names_signal(known, BY_STATUS[status]):
        findings.append(_status_finding(obs, text, BY_STATUS[status]))
    elif status == 126 and not _has(known, "permission", "command"):
        findings.append(
            _plain(
                obs,
                text,
                "permission",
                "the program was found but could not be run (exit 126): "
                "it is not executable, or it is a directory",
            )
        )
    elif status == 127 and not _has(known, "command"):
        findings.append(_plain(obs, text, "command", "a command was not found (exit 127)"))
    if obs.interrupted and not _has([*found, *findings], "timeout"):
        message = (
            "interrupted before it finished: its output is partial; if it hangs (waiting for input, "
            "a server that never exits), run it with `timeout` or in the background"
        )
        findings.append(_plain(obs, text, "timeout", message, severity="medium"))
    return findings


def last_output(text: str, end: int | None = None) -> list[str]:
    """The last few non-empty output lines before `end`, without the host's own lines."""
    stop = len(text) if end is None else end
    lines = [
        line.strip()[:MAX_LINE]
        for line in text[max(0, stop - TAIL_CHARS) : stop].splitlines()
        if line.strip() and not HOST_TIMEOUT.match(line) and not KILL_LINE.match(line)
    ]
    return lines[-LAST_LINES:]


def _host_findings(obs: Observation, text: str) -> list[Finding]:
    findings: list[Finding] = []
    if "Command timed out after" not in text and "Command did not complete within" not in text:
        return findings
    timed_out = HOST_TIMEOUT.search(text)
    if timed_out:
        message = (
            f"the host stopped the command after {timed_out['duration'].strip()} (the Bash tool's "
            "time limit): run it in the background (`run_in_background`), give it a longer `timeout` "
            "(up to 10 minutes), or make it finish sooner"
        )
        findings.append(_with_output(obs, text, "timeout", "high", message, timed_out, end=None))
    moved = HOST_BACKGROUND.search(text)
    if moved:
        task = f" as task {moved['task']}" if moved["task"] else ""
        message = (
            f"still running in the background{task} after its {moved['duration']} timeout: "
            "read its output before relying on its result"
        )
        findings.append(_with_output(obs, text, "timeout", "low", message, moved, end=moved.start()))
    return findings


def _kill_line_findings(obs: Observation, text: str) -> list[Finding]:
    findings: list[Finding] = []
    if not any(signal.wording in text for signal in SIGNALS):
        return findings
    for match in KILL_LINE.finditer(text):
        signal = BY_WORDING[match["wording"]]
        command = " ".join(match["command"].split())
        message = f"`{_short(command)}` died: {signal.wording} ({signal.name}): {signal.meaning}"
        finding = _with_output(obs, text, signal.category, signal.severity, message, match, end=match.start())
        finding.details["signal"] = signal.name
        origin = match["origin"]
        if match["lineno"] and os.path.basename(origin) not in {"bash", "sh", "zsh", "dash"}:
            finding.location = Location(relative_to_root(origin, obs.project_root), int(match["lineno"]))
        findings.append(finding)
    return findings


def _timeout_by_wrapper(obs: Observation, text: str) -> Finding:
    wrapper = TIMEOUT_WRAPPER.search(obs.command)
    limit = f" after {wrapper['limit']}" if wrapper else ""
    who = "`timeout`" if wrapper else "a time limit"
    message = (
        f"timed out: {who} stopped the command{limit} (exit 124) before it finished; "
        "find what it waits for, or allow more time"
    )
    return _plain(obs, text, "timeout", message)


def _status_finding(obs: Observation, text: str, signal: Signal) -> Finding:
    subject = f"`{_short(obs.command)}`" if obs.command else "the command"
    message = f"{subject} died: {signal.wording} ({signal.name}, exit {obs.exit_code}): {signal.meaning}"
    finding = _plain(obs, text, signal.category, message, severity=signal.severity)
    finding.details["signal"] = signal.name
    return finding


def _plain(obs: Observation, text: str, category: str, message: str, severity: Severity = "high") -> Finding:
    """A finding from the exit status or the interrupt flag alone, quoting the last output."""
    lines = last_output(text)
    if lines:
        message += f"; last output: `{lines[-1]}`"
    return Finding(
        category=category,
        severity=severity,
        tool=TOOL,
        message=message,
        confidence=0.6,
        pattern_id=f"shell-exit-{obs.exit_code}" if obs.exit_code is not None else "shell-interrupted",
        playbook=_playbook(category, obs.exit_code),
        details={"exit_code": obs.exit_code, "last_output": lines, "offset": len(text)},
    )


def _with_output(
    obs: Observation,
    text: str,
    category: str,
    severity: Severity,
    message: str,
    match: re.Match[str],
    end: int | None,
) -> Finding:
    lines = last_output(text, end)
    if lines:
        message += f"; last output: `{lines[-1]}`"
    return Finding(
        category=category,
        severity=severity,
        tool=TOOL,
        message=message,
        confidence=0.9,
        pattern_id=f"shell-{category}",
        playbook=_playbook(category, obs.exit_code, match.group(0)),
        details={
            "evidence": match.group(0).strip(),
            "offset": match.start(),
            "spans": [[match.start(), match.end()]],
            "last_output": lines,
            "exit_code": obs.exit_code,
        },
    )


def _playbook(category: str, exit_code: int | None, evidence: str = "") -> str | None:
    """The built-in playbook for a timeout, or for a process the kernel probably killed for memory."""
    if category == "timeout":
        return "command-timeout"
    if exit_code == 128 + 9 or " Killed " in f" {evidence} ":
        return "out-of-memory"
    return None


def _has(findings: Sequence[Finding], *categories: str) -> bool:
    return any(f.category in categories for f in findings)


def _names_signal(findings: Sequence[Finding], signal: Signal) -> bool:
    return any(f.details.get("signal") == signal.name for f in findings)


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
