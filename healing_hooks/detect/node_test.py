"""node's test runner (`node --test`, `npm test`): failing tests from its TAP or spec report.

TAP (the default when output is not a terminal, node 18-22)::

    not ok 1 - adds two numbers
      ---
      location: '/p/math.test.js:5:1'
      error: |-
        Expected values to be strictly equal: ...
      stack: |-
        TestContext.<anonymous> (/p/math.test.js:6:10)
      ...
    # pass 1
    # fail 1

spec (`--test-reporter=spec`, the default on a terminal): `✖ adds two numbers (1.2ms)`, the
error and its `at` stack indented below, and `pass 1` / `fail 1` lines after an info sign at the end.
"""

from __future__ import annotations

import re
from itertools import islice
from typing import Any

from healing_hooks.detect.related import link_related
from healing_hooks.detect.text import relative_to_root
from healing_hooks.findings import Finding, Location
from healing_hooks.lazyre import lazy

NOT_OK = lazy(r"^(?P<indent>[ \t]*)not ok \d+ - (?P<name>.+?)(?: # (?:TODO|SKIP).*)?$", re.M)
YAML_END = lazy(r"^[ \t]*\.\.\.[ \t]*$", re.M)
YAML_KEY = lazy(r"^(?P<indent>[ \t]*)(?P<key>[A-Za-z_]+):[ \t]*(?P<value>.*)$")
STACK_PLACE = lazy(r"\(?(?P<file>(?:/|[A-Za-z]:\\|file://)[^\s():]+?):(?P<line>\d+):(?P<col>\d+)\)?")
TAP_COUNT = lazy(r"^# (?P<key>tests|pass|fail|cancelled|skipped|todo) (?P<value>\d+)$", re.M)
SPEC_FAIL = lazy(r"^(?P<indent>[ \t]*)✖ (?P<name>.+?) \([\d.]+m?s\)(?: # .*)?$", re.M)
SPEC_COUNT = lazy("^\u2139 " r"(?P<key>tests|pass|fail|cancelled|skipped|todo) (?P<value>\d+)$", re.M)
SPEC_FAILING_SECTION = lazy(r"^✖ failing tests:$", re.M)
PARENT_ONLY = ("subtest failed", "subtests failed")
MAX_TESTS = 50


def node_test_counts(text: str) -> dict[str, int]:
    """`# pass 1` (TAP) / `pass 1` (spec) counts of a node test run (the last report wins)."""
    counts: dict[str, int] = {}
    for match in [*TAP_COUNT.finditer(text), *SPEC_COUNT.finditer(text)]:
        counts[match["key"]] = int(match["value"])
    return counts


def failed_test_names(text: str) -> list[str]:
    """The failing tests of a node test run (suites that failed only through a test left out)."""
    return [str(f.details["test_id"]) for f in node_test_findings(text, "")]


def node_test_findings(text: str, root: str) -> list[Finding]:
    """A `test` finding per failing test of node's runner."""
    if "not ok " not in text and "✖ " not in text:
        return []
    findings = _tap(text, root) or _spec(text, root)
    counts = node_test_counts(text)
    summary = "; ".join(m.group(0).strip() for m in [*TAP_COUNT.finditer(text), *SPEC_COUNT.finditer(text)])
    for finding in findings[:MAX_TESTS]:
        if counts:
            finding.details["counts"] = counts
    link_related(findings[:MAX_TESTS], summary or None)
    return findings[:MAX_TESTS]


def _tap(text: str, root: str) -> list[Finding]:
    findings = []
    for match in islice(NOT_OK.finditer(text), MAX_TESTS * 2):
        end_match = YAML_END.search(text, match.end(), min(len(text), match.end() + 20_000))
        end = end_match.end() if end_match else match.end()
        fields = _yaml_fields(text[match.end() : end])
        error = fields.get("error", "")
        if any(word in error for word in PARENT_ONLY):
            continue  # a suite that failed only because a test inside it did
        location = _stack_location(fields.get("stack", ""), root) or _location(
            fields.get("location", ""), root
        )
        findings.append(_test_finding(match["name"], error, location, match, end, fields.get("name", "")))
    return findings


def _yaml_fields(block: str) -> dict[str, str]:
    """The top-level keys of a TAP YAML block, with `|-` block scalars joined."""
    fields: dict[str, str] = {}
    key: str | None = None
    base: int | None = None
    for line in block.splitlines():
        match = YAML_KEY.match(line)
        indent = len(line) - len(line.lstrip())
        if match and (base is None or indent <= base):
            base = indent
            key = match["key"]
            value = match["value"].strip()
            fields[key] = "" if value in ("|-", "|", ">-", ">") else value.strip("'\"")
        elif key is not None and line.strip():
            fields[key] = f"{fields[key]}\n{line.strip()}".strip()
    return fields


def _location(value: str, root: str) -> Location | None:
    match = STACK_PLACE.search(value)
    if match is None:
        return None
    file = match["file"][len("file://") :] if match["file"].startswith("file://") else match["file"]
    return Location(relative_to_root(file, root), int(match["line"]), int(match["col"]))


def _stack_location(stack: str, root: str) -> Location | None:
    """The first stack line in the project's own files."""
    for line in stack.splitlines():
        if "node:" in line or "node_modules" in line:
            continue
        location = _location(line, root)
        if location is not None:
            return location
    return None


def _spec(text: str, root: str) -> list[Finding]:
    section = SPEC_FAILING_SECTION.search(text)
    start = section.end() if section else 0
    findings = []
    seen: set[str] = set()
    for match in islice(SPEC_FAIL.finditer(text, start), MAX_TESTS * 2):
        body_end = _indented_end(text, match.end(), len(match["indent"]))
        body = text[match.end() : body_end]
        if match["name"] in seen or any(word in body for word in PARENT_ONLY):
            continue
        seen.add(match["name"])
        error = "\n".join(line.strip() for line in body.splitlines() if line.strip() and " at " not in line)
        location = _stack_location(body, root)
        findings.append(_test_finding(match["name"], error, location, match, body_end, ""))
    return findings


def _indented_end(text: str, start: int, indent: int) -> int:
    """Where the lines indented deeper than `indent` (or blank) after `start` stop."""
    position = start + 1
    while position < len(text):
        newline = text.find("\n", position)
        end = len(text) if newline == -1 else newline
        line = text[position:end]
        if line.strip() and len(line) - len(line.lstrip()) <= indent:
            return position - 1
        position = end + 1
    return len(text)


def _test_finding(
    name: str, error: str, location: Location | None, match: re.Match[str], end: int, kind: str
) -> Finding:
    first = next((line.strip() for line in error.splitlines() if line.strip()), "failed")
    compact = "; ".join(line.strip() for line in error.splitlines() if line.strip())
    reason = compact if len(compact) <= 300 else first
    details: dict[str, Any] = {
        "test_id": name.strip(),
        "evidence": match.group(0).strip()[:500],
        "offset": match.start(),
        "spans": [[match.start(), end]],
    }
    if kind:
        details["exception"] = kind
    return Finding(
        category="test",
        severity="high",
        tool="node",
        message=f"test {name.strip()} failed: {reason}",
        location=location,
        confidence=0.85,
        details=details,
    )
