"""Go: `go build`/`go vet` errors, `go test` failures, panics, missing modules.

# example.com/demo
./main.go:7:6: undefined: fmt.Prinln             compile error (`vet: ` prefix from go vet)
main.go:6:2: no required module provides package github.com/google/uuid; to add it:
        go get github.com/google/uuid             the command to run
--- FAIL: TestAdd (0.00s)
    calc_test.go:7: Add(2, 2) = 0; want 4        a test's log line (file relative to its package)
FAIL    example.com/demo/calc   0.004s            the package of the tests above
panic: runtime error: index out of range [1] with length 1
goroutine 1 [running]:
main.main()
        /abs/main.go:9 +0xa5                      the frame in the project's code
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from functools import cache
from itertools import islice
from typing import Any

from healing_hooks.data import read_data
from healing_hooks.detect.related import link_related
from healing_hooks.detect.text import relative_to_root
from healing_hooks.findings import Finding, Location, Severity
from healing_hooks.lazyre import LazyRegex, lazy
from healing_hooks.observation import Observation
from healing_hooks.records import dataclass

COMPILE = lazy(
    r"^(?P<vet>vet: )?(?P<file>(?:[A-Za-z]:)?[^\s:][^:\n]*?\.go):(?P<line>\d+)(?::(?P<col>\d+))?: "
    r"(?P<message>.+)$",
    re.M,
)
TO_ADD = lazy(r"\A[ \t]*\n[ \t]+(?P<command>go (?:get|mod) [^\n]+)")
GO_TOOL = lazy(r"^(?:go: |pattern \S+: )(?P<message>.+)$", re.M)
FAIL_LINE = lazy(r"^(?P<indent>[ \t]*)--- FAIL: (?P<name>\S+) \((?P<time>[\d.]+s)\)$", re.M)
PACKAGE_RESULT = lazy(r"^(?P<word>ok|FAIL)[ \t]+(?P<package>[\w.\-~/]+)(?:[ \t]|$)", re.M)
LOG_LINE = lazy(r"^[ \t]+(?P<file>[\w.\-]+\.go):(?P<line>\d+): (?P<message>.*)$", re.M)
RUN_LINE = lazy(r"^=== RUN\s+(?P<name>\S+)$", re.M)
PANIC = lazy(r"^panic: (?P<message>.+?)(?: \[recovered\])?$", re.M)
FATAL = lazy(r"^fatal error: (?P<message>.+)$", re.M)
FRAME_FILE = lazy(r"^\t(?P<file>(?:[A-Za-z]:)?/[^\n:]+\.go):(?P<line>\d+)(?: \+0x[0-9a-f]+)?$", re.M)
COUNT_LINE = lazy(r"^[ \t]*--- (?P<word>PASS|FAIL|SKIP): \S+ \(", re.M)
HOSTS_WITH_OWNER = frozenset({"github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "gitea.com"})
GO_PROGRAMS = lazy(r"(?:^|[\s;&|(])go (?:build|run|test|vet|install|mod|get|generate)\b")
MAX_FINDINGS = 100


@cache
def rules() -> tuple[tuple[LazyRegex, str], ...]:
    """data/go-messages.json: (regex, category) in order."""
    data = json.loads(read_data("go-messages.json"))
    return tuple((lazy(regex), category) for regex, category in data["rules"])


def parse_go(obs: Observation, text: str) -> list[Finding]:
    """Findings of go build, vet, test and run output."""
    runs_go = GO_PROGRAMS.search(obs.command) is not None
    if not runs_go and not _looks_like_go(text):
        return []
    root = obs.project_root
    vet = "go vet" in obs.command
    findings = _compile_errors(text, root, vet) + _go_tool(text)
    tests = _test_failures(text, root)
    claimed = [span for f in tests for span in f.details["spans"]]
    findings += tests + _panics(text, root, claimed)
    link_related(findings[:MAX_FINDINGS])
    return findings[:MAX_FINDINGS]


def _looks_like_go(text: str) -> bool:
    """Go output from a command that is not `go ...` (make, a script): FAIL lines, goroutines, x.go:N:M."""
    if "--- FAIL: " in text or "\ngoroutine " in text:
        return True
    return ".go:" in text and COMPILE.search(text) is not None


def _category(message: str, vet: bool) -> str:
    for regex, category in rules():
        if regex.search(message):
            return category
    return "lint" if vet else "type"


def _compile_errors(text: str, root: str, vet: bool) -> list[Finding]:
    findings: list[Finding] = []
    if ".go:" not in text:
        return findings
    for match in islice(COMPILE.finditer(text), MAX_FINDINGS):
        message = match["message"].strip().removesuffix("; to add it:").removesuffix("; to add:")
        category = _category(message, vet and not match["vet"])
        details: dict[str, Any] = {"evidence": match.group(0).strip()[:500], "offset": match.start()}
        end = match.end()
        follow = TO_ADD.match(text, match.end())
        if follow:
            details["command"] = follow["command"].strip()
            end = follow.end()
        details["spans"] = [[match.start(), end]]
        if category == "dependency":
            module = re.search(r"package (\S+?)[;:]?(?:\s|$)", message)
            if module:
                details["module"] = module.group(1)
                details.setdefault("command", f"go get {module.group(1)}")
        column = int(match["col"]) if match["col"] else None
        location = Location(relative_to_root(match["file"], root), int(match["line"]), column)
        tool = "go vet" if vet else "go"
        findings.append(_finding(tool, category, "high", message, location, details))
    return findings


def _go_tool(text: str) -> list[Finding]:
    """`go: ...` messages of the go command itself (no file)."""
    findings: list[Finding] = []
    if "go: " not in text and "pattern " not in text:
        return findings
    for match in islice(GO_TOOL.finditer(text), MAX_FINDINGS):
        message = match["message"].strip()
        if message.startswith(("downloading ", "finding ", "extracting ", "added ", "upgraded ")):
            continue
        category = _category(message, vet=False)
        if category == "type":
            category = "command"
        details: dict[str, Any] = {"evidence": match.group(0).strip(), "offset": match.start(),
                                   "spans": [[match.start(), match.end()]]}  # fmt: skip
        follow = TO_ADD.match(text, match.end())
        if follow:
            details["command"] = follow["command"].strip()
            details["spans"] = [[match.start(), follow.end()]]
        if "go.mod file not found" in message or "does not contain main module" in message:
            details["command"] = "go mod init <module path>"
        findings.append(_finding("go", category, "high", message, None, details))
    return findings


def _finding(
    tool: str,
    category: str,
    severity: Severity,
    message: str,
    location: Location | None,
    details: dict[str, Any],
) -> Finding:
    return Finding(
        category=category,
        severity=severity,
        tool=tool,
        message=message,
        location=location,
        confidence=0.85,
        details=details,
    )


# --- go test -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Failed:
    name: str
    start: int
    end: int
    package: str


def package_dir(package: str) -> str:
    """The folder of a package inside its module, from the import path alone.

    `example.com/demo/calc` → `calc`; `github.com/org/repo/v2/internal/x` → `internal/x`. The module
    path is taken to be host + name (host + owner + name on github.com and the like, plus a `/vN`),
    which is how nearly every module is named; go test prints file names relative to this folder.
    """
    parts = package.split("/")
    size = (3 if parts[0] in HOSTS_WITH_OWNER else 2) if "." in parts[0] else 1
    if len(parts) > size and re.fullmatch(r"v\d+", parts[size]):
        size += 1
    return "/".join(parts[size:])


def go_test_counts(text: str) -> dict[str, int]:
    """Tests passed (`-v` only), failed and skipped, and packages ok or failed."""
    counts: dict[str, int] = {}
    names = {"PASS": "passed", "FAIL": "failed", "SKIP": "skipped"}
    failed = [m["name"] for m in FAIL_LINE.finditer(text)]
    for match in COUNT_LINE.finditer(text):
        counts[names[match["word"]]] = counts.get(names[match["word"]], 0) + 1
    if failed:
        counts["failed"] = len(_leaves(failed))
    for match in PACKAGE_RESULT.finditer(text):
        key = "packages_ok" if match["word"] == "ok" else "packages_failed"
        counts[key] = counts.get(key, 0) + 1
    return counts


def go_failed_tests(text: str) -> list[str]:
    """The failing tests (leaves: a parent that failed only through a subtest is left out)."""
    return _leaves([m["name"] for m in FAIL_LINE.finditer(text)])


def _leaves(names: list[str]) -> list[str]:
    parents = {name.rsplit("/", depth)[0] for name in names for depth in range(1, name.count("/") + 1)}
    return [name for name in dict.fromkeys(names) if name not in parents]


def _test_failures(text: str, root: str) -> list[Finding]:
    if "--- FAIL: " not in text:
        return []
    fails = list(islice(FAIL_LINE.finditer(text), MAX_FINDINGS * 5))
    leaves = set(_leaves([m["name"] for m in fails]))
    results = list(PACKAGE_RESULT.finditer(text))
    result_starts = [r.start() for r in results]
    runs = {m["name"]: m for m in RUN_LINE.finditer(text)} if "=== RUN" in text else {}
    counts = go_test_counts(text)
    findings: list[Finding] = []
    for index, match in enumerate(fails):
        if match["name"] not in leaves or len(findings) >= MAX_FINDINGS:
            continue
        at = bisect_right(result_starts, match.start())
        result = results[at] if at < len(results) else None
        end = (
            fails[index + 1].start() if index + 1 < len(fails) else (result.start() if result else len(text))
        )
        failed = _Failed(match["name"], match.start(), end, result["package"] if result else "")
        findings.append(_test_finding(text, failed, match, root, counts, runs.get(failed.name)))
    return findings


def _test_finding(
    text: str,
    failed: _Failed,
    match: re.Match[str],
    root: str,
    counts: dict[str, int],
    run: re.Match[str] | None,
) -> Finding:
    logs = _logs_of(text, failed, match, run)
    folder = package_dir(failed.package) if failed.package else ""
    location = None
    if logs:
        first = logs[0]
        file = f"{folder}/{first['file']}" if folder else first["file"]
        location = Location(file, int(first["line"]))
    panic = PANIC.search(text, failed.start, failed.end)
    reason = "; ".join(m["message"].strip() for m in logs[:3]) or "failed"
    if panic:
        reason = f"panic: {panic['message']}"
        location = _project_frame(text, panic.end(), root) or location
    details: dict[str, Any] = {
        "test_id": failed.name,
        "evidence": match.group(0).strip(),
        "offset": failed.start,
        "spans": [[failed.start, failed.end]],
        "counts": counts,
    }
    if failed.package:
        details["package"] = failed.package
        details["command"] = f"go test -run '^{failed.name.split('/')[0]}$' {failed.package}"
    return _finding("go test", "test", "high", f"{match['name']} failed: {reason}", location, details)


def _logs_of(
    text: str, failed: _Failed, match: re.Match[str], run: re.Match[str] | None
) -> list[re.Match[str]]:
    """The test's `file.go:N: message` lines: right under its FAIL line, or (-v) after its RUN line."""
    depth = len(match["indent"])
    after: list[re.Match[str]] = []
    position = match.end() + 1
    while True:
        log = LOG_LINE.match(text, position)
        if log is None or _indent(log) <= depth:
            break
        after.append(log)
        position = log.end() + 1
    if after or run is None or run.start() > match.start():
        return after
    return list(islice(LOG_LINE.finditer(text, run.end(), match.start()), 20))


def _indent(match: re.Match[str]) -> int:
    line = match.group(0)
    return len(line) - len(line.lstrip())


# --- panics ----------------------------------------------------------------------------------------


def _project_frame(text: str, start: int, root: str) -> Location | None:
    """The first goroutine frame in a file of the project (else outside the Go installation)."""
    frames = list(FRAME_FILE.finditer(text, start, min(len(text), start + 20_000)))
    for frame in frames:
        relative = relative_to_root(frame["file"], root)
        if not relative.startswith("/") and not re.match(r"^[A-Za-z]:/", relative):
            return Location(relative, int(frame["line"]))
    for frame in frames:
        if not re.search(r"/go(?:-[\d.]+)?/(?:src|pkg)/|/pkg/mod/", frame["file"]):
            return Location(relative_to_root(frame["file"], root), int(frame["line"]))
    return None


def _panics(text: str, root: str, claimed: list[list[int]]) -> list[Finding]:
    """A panic (or fatal error) outside a failing test: the program crashed."""
    findings: list[Finding] = []
    if "panic: " not in text and "fatal error: " not in text:
        return findings
    for match in [*islice(PANIC.finditer(text), 20), *islice(FATAL.finditer(text), 20)]:
        if any(start <= match.start() < end for start, end in claimed):
            continue
        if match.group(0).startswith("panic: ") and text[: match.start()].endswith("\t"):
            continue
        location = _project_frame(text, match.end(), root)
        details: dict[str, Any] = {"evidence": match.group(0).strip()[:500], "offset": match.start(),
                                   "spans": [[match.start(), match.end()]], "exception": "panic"}  # fmt: skip
        findings.append(_finding("go", "runtime", "high", match.group(0).strip(), location, details))
        break  # the first panic is the crash; the rest is its report
    return findings
