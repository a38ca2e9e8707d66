"""Python programs' output → findings: every traceback, the warnings that matter, interpreter errors.

One finding per traceback chain: the final exception, with the chain's earlier exceptions as
context (`details.chain`), located at the innermost frame in the project. Exception groups give
one finding per sub-exception. Tracebacks that pytest reports in its own sections are left to
`detect/pytest.py`. A traceback in the output of a command that succeeded was handled (logged)
by the program: it is `low`.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

from healing_hooks import commandline
from healing_hooks.detect.pytest_report import report_spans
from healing_hooks.detect.python_errors import classify_exception, classify_warning
from healing_hooks.detect.text import relative_to_root
from healing_hooks.detect.tracebacks import (
    Chain,
    ExceptionReport,
    Frame,
    frames_before,
    innermost_project_frame,
    innermost_project_location_of,
    leaves,
    parse_chains,
    text_lines,
    without_root,
)
from healing_hooks.findings import Finding, Location, Severity
from healing_hooks.lazyre import lazy
from healing_hooks.observation import Observation

__all__ = ["Frame", "frames_before", "innermost_project_location", "python_findings"]

WINDOW = 1_000_000
"""Characters scanned from the end of the output: the final traceback is what stopped the run."""
MAX_FRAMES = 15
MAX_CHAINS = 10
WARNING = lazy(r"^\s*(?P<file>\S[^\n]*?):(?P<line>\d+): (?P<type>\w*Warning): (?P<message>.+)$", re.M)
CANT_OPEN = lazy(
    r"^(?P<python>\S*python[\d.]*(?:\.exe)?): can't open file '(?P<path>[^']+)': "
    r"\[Errno (?P<errno>\d+)\] (?P<reason>.+)$",
    re.M,
)
NO_MAIN_MODULE = lazy(
    r"^(?P<python>\S*python[\d.]*(?:\.exe)?): (?:No module named (?P<module>[\w.]+)|"
    r"Error while finding module specification for '(?P<spec>[\w.]+)' \((?P<error>\w+): (?P<message>.+)\))$",
    re.M,
)
FATAL = lazy(r"^Fatal Python error: (?P<message>.+)$", re.M)
_DUMP_FRAME = lazy(r'^\s+File "(?P<file>[^"]+)", line (?P<line>\d+) in (?P<func>\S+)\s*$', re.M)
UNITTEST_HEADER = lazy(r"^(?P<kind>FAIL|ERROR): (?P<name>\w+) \((?P<where>[\w.]+)\)[^\n]*\n-{10,}\n\Z")
_TRACEBACK_PART = lazy(r'^\s*(?:File "|\^+$|~+$)|^-{10,}$|^=+$|^(?:FAIL|ERROR): ')
_CONTEXT = {
    "During handling of the above exception, another exception occurred": "during handling of",
    "The above exception was the direct cause of the following exception": "caused by",
}


def python_findings(obs: Observation, text: str) -> list[Finding]:
    """Findings for the Python tracebacks, warnings and interpreter errors in the output."""
    start = max(0, len(text) - WINDOW)
    if not any(word in text for word in ("Traceback (most", 'File "', "Warning: ", "python")):
        return []
    claimed, session = report_spans(text)
    chains = [
        (chain, group)
        for chain, group in leaves(parse_chains(text_lines(text, start)))
        if not any(s <= chain[-1].offset < e for s, e in claimed)
    ]
    root = obs.project_root
    fatal = _fatal_positions(chains)
    if session is not None:  # a traceback a test printed: pytest's report says what failed
        fatal = {i for i in fatal if chains[i][0][0].start >= session[1]}
    failed = run_failed(obs)
    shown = fatal | set(range(max(0, len(chains) - MAX_CHAINS), len(chains)))
    findings = [
        _chain_finding(chain, group, root, text, _severity(failed, i in fatal))
        for i, (chain, group) in enumerate(chains)
        if i in shown  # a log of a hundred retried errors: the last few say it
    ]
    findings += _warning_findings(text, start, root, findings, claimed)
    findings += _interpreter_findings(text, start, root)
    findings += _fatal_errors(text, start, root)
    return findings


def run_failed(obs: Observation) -> bool:
    """Whether the command failed, or may have (exit status hidden by `| tail` and the like)."""
    return obs.failed or obs.exit_code != 0 or commandline.exit_status_is_masked(obs.command)


def _fatal_positions(chains: list[tuple[Chain, ExceptionReport | None]]) -> set[int]:
    """The last chain, and its siblings when it is a sub-exception of a group."""
    if not chains:
        return set()
    last_group = chains[-1][1]
    if last_group is None:
        return {len(chains) - 1}
    return {i for i, (_, group) in enumerate(chains) if group is last_group}


def _severity(failed: bool, fatal: bool) -> Severity:
    if not failed:
        return "low"
    return "high" if fatal else "medium"


def _chain_finding(
    chain: Chain, group: ExceptionReport | None, root: str, text: str, severity: Severity
) -> Finding:
    final = chain[-1]
    meaning = classify_exception(final.exception, final.message, root)
    place = innermost_project_location_of(chain, root)
    details: dict[str, Any] = {
        **meaning.details,
        "kind": meaning.kind or "exception",
        "exception_message": final.message[:500],
        "evidence": final.evidence[:500],
        "offset": final.offset,
        "spans": [[chain[0].start, final.end]],
        "frames": [_frame_dict(f, root) for f in final.all_frames()[-MAX_FRAMES:]],
    }
    if final.more:
        details["message_lines"] = final.more
    before = _preceding_output(text, chain[0].start)
    if before:
        details["preceding_output"] = before
    if place is not None and place.code:
        details["code"] = place.code
        if place.column is not None:
            details["code_column"] = place.column
    if len(chain) > 1:
        details["chain"] = [
            _context(report, following.relation, root) for report, following in pairwise(chain)
        ]
    if group is not None:
        details["group"] = group.evidence
    home = _home_in_chain(chain, details.get("name")) if meaning.kind == "undefined-name" else None
    if home:
        details["defined_in"] = home
    unittest = _unittest_header(text, chain[0].start)
    category = meaning.category
    if unittest is not None:
        details["test_id"] = unittest
        category = "test" if meaning.details.get("exception") == "AssertionError" else category
    if meaning.severity != "high" and severity == "high":
        severity = meaning.severity
    return Finding(
        category=category,
        severity=severity,
        tool="python",
        message=without_root(_message(chain), root)[:400],
        location=_location(place, root),
        confidence=0.9,
        details=details,
        playbook=meaning.playbook,
    )


def _home_in_chain(chain: Chain, name: object) -> str | None:
    """The module of an undefined name that the chain's own exceptions name (`except
    TimeoutExpired:` after a `subprocess.TimeoutExpired`: the handler's class was never imported)."""
    for report in chain[:-1]:
        module, _, short = report.exception.rpartition(".")
        if module and short == name:
            return module
    return None


def _message(chain: Chain) -> str:
    final = chain[-1]
    message = f"{final.exception}: {final.message}" if final.message else final.exception
    if len(chain) > 1:
        cause = chain[-2]
        relation = _CONTEXT.get(final.relation, "after")
        message += (
            f" ({relation} {cause.exception}: {cause.message})"
            if cause.message
            else f" ({relation} {cause.exception})"
        )
    return message


def _context(report: ExceptionReport, relation: str, root: str) -> dict[str, Any]:
    place = innermost_project_frame(report.all_frames(), root)
    entry: dict[str, Any] = {
        "exception": report.exception,
        "message": report.message[:300],
        "relation": relation,
        "evidence": report.evidence[:300],
    }
    if place is not None:
        entry["location"] = str(_location(place, root))
    return entry


def _location(place: Frame | None, root: str) -> Location | None:
    if place is None:
        return None
    return Location(relative_to_root(place.file, root), place.line)


def _frame_dict(frame: Frame, root: str) -> dict[str, Any]:
    return {
        "file": relative_to_root(frame.file, root),
        "line": frame.line,
        "function": frame.function,
        "code": frame.code,
    }


def _preceding_output(text: str, start: int, count: int = 3) -> list[str]:
    """The last lines the program printed before the traceback: how far it got."""
    window = text[max(0, start - 2_000) : start].splitlines()[-count - 2 :]
    lines = [line.rstrip()[:200] for line in window if line.strip()]
    if any(_TRACEBACK_PART.match(line) for line in lines):
        return []
    return lines[-count:]


def _unittest_header(text: str, start: int) -> str | None:
    """The unittest test a traceback belongs to (`FAIL: test_x (pkg.mod.Case.test_x)`)."""
    window = text[max(0, start - 400) : start]
    header_start = window.rfind("\nFAIL: ")
    header_start = max(header_start, window.rfind("\nERROR: "))
    if header_start < 0:
        return None
    match = UNITTEST_HEADER.match(window[header_start + 1 :])
    if match is None:
        return None
    where, name = match.group("where"), match.group("name")
    return where if where.endswith("." + name) else f"{where}.{name}"


def _warning_findings(
    text: str, start: int, root: str, findings: list[Finding], claimed: list[tuple[int, int]]
) -> list[Finding]:
    """Warnings that mean a bug (a coroutine never awaited); at exit (`sys:1`) they join the crash."""
    found: dict[tuple[str, str], Finding] = {}
    for match in WARNING.finditer(text, start):
        meaning = classify_warning(match.group("type"), match.group("message"))
        if meaning is None or any(s <= match.start() < e for s, e in claimed):
            continue
        evidence = match.group(0).strip()
        file = match.group("file")
        if file in ("sys", "<string>", "<frozen>") and findings:  # printed at exit: part of the crash
            findings[-1].details.setdefault("notes", []).append(evidence)
            findings[-1].details.setdefault("spans", []).append([match.start(), match.end()])
            continue
        location = Location(relative_to_root(file, root), int(match.group("line")))
        next_line = text[match.end() + 1 : text.find("\n", match.end() + 1)]
        details = {
            **meaning.details,
            "kind": meaning.kind,
            "warns_of_bug": True,  # the program carried on: a success does not make it harmless
            "evidence": evidence,
            "offset": match.start(),
            "spans": [[match.start(), match.end()]],
        }
        if next_line.startswith("  ") and next_line.strip():
            details["code"] = next_line.strip()
        key = (str(location), str(meaning.details.get("callee", evidence)))
        found.setdefault(key, Finding(
            category=meaning.category, severity=meaning.severity, tool="python",
            message=f"{match.group('type')}: {match.group('message').strip()}"[:400],
            location=location if file not in ("sys", "<string>") else None,
            confidence=0.85, details=details, playbook=meaning.playbook,
        ))  # fmt: skip
    return list(found.values())


def _interpreter_findings(text: str, start: int, root: str) -> list[Finding]:
    """The interpreter refusing to start the program: no such script, no such `-m` module."""
    findings = []
    for match in CANT_OPEN.finditer(text, start):
        path = relative_to_root(match.group("path"), root)
        findings.append(Finding(
            category="command", severity="high", tool="python",
            message=f"python can't open file '{path}': {match.group('reason')}", confidence=0.9,
            details={"kind": "script-not-found", "path": path, "evidence": match.group(0).strip(),
                     "offset": match.start(), "spans": [list(match.span())]},
        ))  # fmt: skip
    for match in NO_MAIN_MODULE.finditer(text, start):
        module = match.group("module") or match.group("spec")
        message = f"No module named '{module}'" if match.group("module") else match.group("message")
        meaning = classify_exception(match.group("error") or "ModuleNotFoundError", message, root)
        findings.append(Finding(
            category=meaning.category, severity="high", tool="python",
            message=f"python -m {module}: No module named {module}", confidence=0.9,
            details={**meaning.details, "kind": meaning.kind, "evidence": match.group(0).strip(),
                     "offset": match.start(), "spans": [list(match.span())]},
        ))  # fmt: skip
    return findings


def _fatal_errors(text: str, start: int, root: str) -> list[Finding]:
    """`Fatal Python error: Segmentation fault` and faulthandler's dump of the crashing thread."""
    findings = []
    for match in FATAL.finditer(text, start):
        dump_end = text.find("\n\n", text.find("(most recent call first)", match.end()))
        block = text[match.end() : dump_end if dump_end > 0 else len(text)]
        frames = [
            Frame(m["file"], int(m["line"]), m["func"], match.end() + m.start())
            for m in _DUMP_FRAME.finditer(block)
        ][::-1]  # faulthandler prints the innermost frame first
        place = innermost_project_frame(frames, root)
        details: dict[str, Any] = {
            "kind": "fatal-error",
            "exception": "Fatal Python error",
            "exception_message": match["message"],
            "evidence": match.group(0),
            "offset": match.start(),
            "spans": [[match.start(), match.end() + len(block)]],
            "frames": [_frame_dict(f, root) for f in frames[-MAX_FRAMES:]],
        }
        if place is not None and place.function.startswith("test"):
            details["test_id"] = f"{relative_to_root(place.file, root)}::{place.function}"
        findings.append(
            Finding(
                category="runtime",
                severity="critical",
                tool="python",
                message=f"Fatal Python error: {match['message']} (the interpreter crashed)",
                location=_location(place, root),
                confidence=0.9,
                details=details,
            )
        )
    return findings[-3:]


def innermost_project_location(text: str, offset: int, root: str) -> Location | None:
    """Where the error whose line is at `offset` happened in the project's own code."""
    frames = frames_before(text, offset)
    return _location(innermost_project_frame(frames, root), root)
