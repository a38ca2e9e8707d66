"""The TypeScript compiler: `src/a.ts(7,9): error TS2322: ...`, or `src/a.ts:7:9 - error TS2322: ...`.

The second form is `--pretty` (the default on a terminal).

A message may go on over indented lines (`  Type 'x' is missing the following properties ...`);
errors about the configuration have no file (`error TS5023: Unknown compiler option 'x'.`).
"""

from __future__ import annotations

import json
import re
from functools import cache
from itertools import islice
from typing import Any

from healing_hooks.data import read_data
from healing_hooks.detect.related import link_related
from healing_hooks.detect.text import relative_to_root
from healing_hooks.findings import Finding, Location, Severity
from healing_hooks.lazyre import lazy
from healing_hooks.observation import Observation
from healing_hooks.records import dataclass

PLAIN = lazy(
    r"^(?P<file>[^\s(][^(\n]*?)\((?P<line>\d+),(?P<col>\d+)\): (?P<level>error|warning) (?P<code>TS\d+): "
    r"(?P<message>.*)$",
    re.M,
)
PRETTY = lazy(
    r"^(?P<file>[^\s:][^:\n]*?|[A-Za-z]:[^:\n]*?):(?P<line>\d+):(?P<col>\d+) - (?P<level>error|warning) "
    r"(?P<code>TS\d+): (?P<message>.*)$",
    re.M,
)
GLOBAL = lazy(r"^(?P<level>error|warning) (?P<code>TS\d+): (?P<message>.*)$", re.M)
SUMMARY = lazy(r"^Found \d+ errors?(?: in .*)?\.?$|^Found 1 error in .*$", re.M)
QUOTED_MODULE = lazy(r"module '(?P<module>[^']+)'")
TRY_COMMAND = lazy(r"Try `(?P<command>npm i[^`]+)`")
MAX_FINDINGS = 200


@dataclass(frozen=True)
class Rules:
    """data/tsc-codes.json."""

    categories: dict[str, str]
    modules: frozenset[str]
    syntax_range: tuple[int, int]


@cache
def rules() -> Rules:
    """The tsc code table, loaded once."""
    data = json.loads(read_data("tsc-codes.json"))
    low, high = data["syntax_range"]
    return Rules(data["categories"], frozenset(data["modules"]), (int(low), int(high)))


def tsc_findings(obs: Observation, text: str) -> list[Finding]:
    """One finding per tsc diagnostic, in output order."""
    if " TS" not in text:
        return []
    shapes = (PLAIN, PRETTY, GLOBAL)
    found = [match for shape in shapes for match in islice(shape.finditer(text), MAX_FINDINGS)]
    matches = sorted(found, key=lambda m: m.start())
    findings = [_finding(text, m, obs.project_root) for m in matches[:MAX_FINDINGS]]
    summary = SUMMARY.search(text)
    link_related(findings, summary.group(0).strip() if summary else None)
    return findings


def _finding(text: str, match: re.Match[str], root: str) -> Finding:
    code, message = match["code"], match["message"].strip()
    more, end = _continuation(text, match.end())
    groups = match.groupdict()
    location = None
    if groups.get("file"):
        location = Location(
            relative_to_root(match["file"].strip(), root), int(match["line"]), int(match["col"])
        )
    details: dict[str, Any] = {"code": code, "evidence": match.group(0).strip()[:500],
                               "offset": match.start(), "spans": [[match.start(), end]]}  # fmt: skip
    if more:
        details["notes"] = more
    category = _category(code, message, details, location is None)
    severity: Severity = "high" if match["level"] == "error" else "low"
    return Finding(
        category=category,
        severity=severity,
        tool="tsc",
        message=f"{code} {message}",
        location=location,
        confidence=0.9,
        details=details,
    )


def _continuation(text: str, start: int) -> tuple[list[str], int]:
    """The indented lines that carry on a message (not the `--pretty` code excerpt)."""
    lines: list[str] = []
    position = start + 1
    end = start
    while position < len(text) and len(lines) < 12:
        newline = text.find("\n", position)
        stop = len(text) if newline == -1 else newline
        line = text[position:stop]
        if not line.startswith("  ") or not line.strip():
            break
        lines.append(line.strip())
        end = stop
        position = stop + 1
    return lines, end


def _category(code: str, message: str, details: dict[str, Any], global_error: bool) -> str:
    number = int(code[2:])
    low, high = rules().syntax_range
    category = rules().categories.get(code)
    if code in rules().modules:
        module = QUOTED_MODULE.search(message)
        if module:
            details["module"] = module["module"]
            bare = not module["module"].startswith((".", "/"))
            category = "dependency" if bare else "import"
    if category is None and low <= number <= high:
        category = "syntax"
    if category is None:
        category = "command" if global_error else "type"
    hint = TRY_COMMAND.search(" ".join([message, *details.get("notes", [])]))
    if hint:
        details["command"] = hint["command"]
    elif category == "dependency" and "module" in details:
        package = _package_of(details["module"])
        details["command"] = (
            f"npm install {package}" if code != "TS7016" else f"npm i --save-dev {_types_of(package)}"
        )
    return category


def _package_of(module: str) -> str:
    """`lodash/fp` → `lodash`; `@scope/pkg/sub` → `@scope/pkg`."""
    parts = module.split("/")
    return "/".join(parts[:2]) if module.startswith("@") else parts[0]


def _types_of(package: str) -> str:
    """The DefinitelyTyped package of a package: `x` → `@types/x`, `@s/x` → `@types/s__x`."""
    return "@types/" + (package[1:].replace("/", "__") if package.startswith("@") else package)
