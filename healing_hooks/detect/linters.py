"""Python checkers: mypy, ruff (concise, full, pylint and format output), flake8, pylint, pyright.

mypy:    `app/x.py:5: error: Incompatible return value type ...  [return-value]` (`--pretty` wraps
         the code onto the next line; `note:` lines belong to the error before them).
ruff:    `app.py:1:8: F401 [*] `os` imported but unused` (concise, like flake8 and pylint), or the
         full form: `F401 [*] `os` imported but unused` + ` --> app.py:1:8` + a snippet and a fix.
pyright: `  /abs/app.py:5:12 - error: Type "int" is not assignable ... (reportReturnType)`.
"""

from __future__ import annotations

import json
import re
from functools import cache
from itertools import islice
from typing import Any

from healing_hooks.data import read_data
from healing_hooks.detect.related import link_related
from healing_hooks.detect.snippets import block_lines, parse_block
from healing_hooks.detect.text import relative_to_root
from healing_hooks.findings import Finding, Location, Severity
from healing_hooks.lazyre import LazyRegex, lazy
from healing_hooks.observation import Observation
from healing_hooks.records import dataclass

_FILE = r"(?P<file>(?:[A-Za-z]:)?[^\s:][^:\n]*?\.pyi?)"
MYPY = lazy(
    _FILE + r":(?P<line>\d+)(?::(?P<col>\d+))?: (?P<level>error|note|warning): (?P<message>.*)$", re.M
)
MYPY_CODE = lazy(r"\s+\[(?P<code>[a-z][\w-]*)\]\s*$")
CONCISE = lazy(
    "^" + _FILE + r":(?P<line>\d+):(?P<col>\d+): "
    r"(?P<code>[A-Z]{1,4}\d{1,4}|[a-z]+(?:-[a-z]+)+):? (?P<fix>\[\*\] )?(?P<message>.+)$",
    re.M,
)
PYLINT_FORMAT = lazy("^" + _FILE + r":(?P<line>\d+): \[(?P<code>[\w-]+)\] (?P<message>.+)$", re.M)
FULL = lazy(
    r"^(?P<code>[A-Z]{1,4}\d{1,4}|[a-z]+(?:-[a-z]+)*):? (?P<fix>\[\*\] )?(?P<message>.+)\n"
    r"[ \t]*--> (?P<file>[^\n]+?):(?P<line>\d+):(?P<col>\d+)[ \t]*$",
    re.M,
)
PYRIGHT = lazy(
    r"^\s*(?P<file>(?:[A-Za-z]:)?[^\s:][^:\n]*?\.pyi?):(?P<line>\d+):(?P<col>\d+) - "
    r"(?P<level>error|warning|information): (?P<message>.+)$",
    re.M,
)
PYRIGHT_RULE = lazy(r"\((?P<rule>report\w+)\)\s*$", re.M)
WOULD_REFORMAT = lazy(r"^Would reformat: (?P<file>.+)$", re.M)
SUMMARY = lazy(
    r"^(?:Found \d+ errors? in \d+ files? \(.*\)|Found \d+ errors?(?: \(.*\))?\."
    r"|\d+ files? would be reformatted.*|\d+ errors?, \d+ warnings?, \d+ informations?.*"
    r"|Your code has been rated at .*)$",
    re.M,
)
QUOTED_MODULE = lazy(r'(?:module named|stubs not installed for) "(?P<module>[\w.]+)"')
HINT_COMMAND = lazy(r'Hint: "(?P<command>[^"]+)"')
LINTER_PROGRAMS = ("mypy", "dmypy", "ruff", "flake8", "pylint", "pyright", "basedpyright", "pyflakes")
MAX_FINDINGS = 200


@dataclass(frozen=True)
class Rules:
    """data/linter-codes.json, ready to use."""

    mypy_categories: dict[str, str]
    pyright_categories: dict[str, str]
    serious: LazyRegex
    syntax: frozenset[str]
    io: frozenset[str]


@cache
def rules() -> Rules:
    """The linter code tables, loaded once."""
    data = json.loads(read_data("linter-codes.json"))
    return Rules(
        mypy_categories=data["mypy_categories"],
        pyright_categories=data["pyright_categories"],
        serious=lazy(data["serious_rules"]),
        syntax=frozenset(data["syntax_rules"]),
        io=frozenset(data["io_rules"]),
    )


def parse_linters(obs: Observation, text: str) -> list[Finding]:
    """Findings of mypy, ruff, flake8, pylint and pyright output."""
    if ".py" not in text:
        return []
    root = obs.project_root
    findings = _mypy(text, root)
    findings += _ruff_full(text, root, obs.command)
    findings += _concise(
        text, root, obs.command, taken={(f.location, f.details.get("code")) for f in findings}
    )
    findings += _pyright(text, root)
    findings += _would_reformat(text, root)
    findings = findings[:MAX_FINDINGS]
    summary = SUMMARY.search(text)
    link_related(findings, summary.group(0).strip() if summary else None)
    return findings


def _finding(
    tool: str, category: str, severity: Severity, message: str, location: Location, **details: Any
) -> Finding:
    return Finding(
        category=category,
        severity=severity,
        tool=tool,
        message=message,
        location=location,
        confidence=0.9,
        details={k: v for k, v in details.items() if v not in (None, "", [])},
    )


def _place(match: re.Match[str], root: str) -> Location:
    column = match.groupdict().get("col")
    return Location(
        relative_to_root(match["file"].strip(), root), int(match["line"]), int(column) if column else None
    )


# --- mypy ----------------------------------------------------------------------------------------


def _mypy(text: str, root: str) -> list[Finding]:
    """Each `error:` line (with the notes after it) → one finding."""
    findings: list[Finding] = []
    files: set[str] = set()
    if ": error: " not in text and ": note: " not in text and ": warning: " not in text:
        return findings
    for match in islice(MYPY.finditer(text), MAX_FINDINGS):
        message, code, end = _mypy_message(text, match)
        location = _place(match, root)
        files.add(location.file)
        if match["level"] == "note":
            if findings and findings[-1].location is not None and findings[-1].location.line == location.line:
                findings[-1].details.setdefault("notes", []).append(message)
                findings[-1].details["spans"].append([match.start(), end])
            continue
        severity: Severity = "high" if match["level"] == "error" else "low"
        findings.append(
            _finding(
                "mypy",
                rules().mypy_categories.get(code or "", "type"),
                severity,
                f"{message} [{code}]" if code else message,
                location,
                code=code,
                evidence=match.group(0).strip()[:500],
                offset=match.start(),
                spans=[[match.start(), end]],
            )
        )
    for finding in findings:
        _mypy_imports(finding, files)
    return findings


def _mypy_message(text: str, match: re.Match[str]) -> tuple[str, str | None, int]:
    """The message, its `[code]`, and where the entry ends (`--pretty` wraps both)."""
    message = match["message"]
    end = match.end()
    while not MYPY_CODE.search(message):
        newline = text.find("\n", end + 1)
        following = text[end + 1 : newline if newline != -1 else len(text)]
        if not following or following[0] in " \t" or MYPY.match(following) or SUMMARY.match(following):
            break
        message = f"{message.rstrip()} {following.strip()}"
        end = newline if newline != -1 else len(text)
    code = MYPY_CODE.search(message)
    if code:
        return message[: code.start()].strip(), code["code"], end
    return message.strip(), None, end


def _mypy_imports(finding: Finding, files: set[str]) -> None:
    """A missing module: a dependency unless it is one of the project's own packages."""
    code = finding.details.get("code")
    if code not in ("import-not-found", "import-untyped", "import"):
        return
    found = QUOTED_MODULE.search(finding.message)
    if found is None:
        return
    module = found["module"]
    finding.details["module"] = module
    top = module.split(".")[0]
    local = any(f == f"{top}.py" or f.startswith(f"{top}/") or f"/{top}/" in f for f in files)
    finding.category = "import" if local and code != "import-untyped" else "dependency"
    hint = next((HINT_COMMAND.search(n) for n in finding.details.get("notes", []) if "Hint:" in n), None)
    if hint:
        finding.details["command"] = hint["command"]


# --- ruff, flake8, pylint ------------------------------------------------------------------------


def _rule_category(code: str) -> tuple[str, Severity]:
    if code == "unformatted":
        return "lint", "low"
    if code in rules().syntax:
        return "syntax", "high"
    if code in rules().io:
        return "command", "high"
    if rules().serious.match(code):
        return "lint", "medium"
    return "lint", "low"


def _fix_command(command: str, tool: str) -> str:
    """`ruff check .` → `ruff check --fix .` (the user's own invocation, with the fix flag)."""
    if tool == "ruff" and "ruff check" in command and "--fix" not in command:
        return command.replace("ruff check", "ruff check --fix", 1)
    return "ruff check --fix" if tool == "ruff" else ""


def _tool_of(command: str, code: str) -> str:
    for name in LINTER_PROGRAMS:
        if re.search(rf"(?:^|[\s/]){name}(?:\s|$)", command):
            return name
    return "ruff" if code.islower() or code.startswith(("RUF", "I0")) else "flake8"


def _concise(text: str, root: str, command: str, taken: set[tuple[Location | None, Any]]) -> list[Finding]:
    """`file:line:col: CODE message` (ruff concise, flake8, pylint) and ruff's pylint format."""
    findings: list[Finding] = []
    matches = list(islice(CONCISE.finditer(text), MAX_FINDINGS))
    if ": [" in text:
        matches += islice(PYLINT_FORMAT.finditer(text), MAX_FINDINGS)
    for match in matches:
        location = _place(match, root)
        code = match["code"]
        if (location, code) in taken:
            continue
        tool = _tool_of(command, code)
        category, severity = _rule_category(code)
        fixable = "fix" in match.groupdict() and bool(match["fix"])
        findings.append(
            _finding(
                tool,
                category,
                severity,
                f"{code} {match['message'].strip()}",
                location,
                code=code,
                evidence=match.group(0).strip()[:500],
                offset=match.start(),
                spans=[[match.start(), match.end()]],
                command=_fix_command(command, tool) if fixable else None,
            )
        )
    findings.sort(key=lambda f: f.details["offset"])
    return findings


def _ruff_full(text: str, root: str, command: str) -> list[Finding]:
    """ruff's default output: a header, a `-->` line, a snippet, `help:` and the fix as a diff."""
    if "-->" not in text:
        return []
    findings: list[Finding] = []
    for match in islice(FULL.finditer(text), MAX_FINDINGS):
        code, message = match["code"], match["message"].strip()
        lines, end = block_lines(text, match.end() + 1)
        block = parse_block(lines)
        location = _place(match, root)
        category, severity = _rule_category(code)
        fix = _fix_command(command, "ruff") if match["fix"] else None
        if code == "unformatted":
            fix = f"ruff format {location.file}"
        for suggestion in block.suggestions:
            suggestion.file = suggestion.file or location.file
        suggestions = [s.to_dict() for s in block.suggestions] if len(block.suggestions) == 1 else []
        findings.append(
            _finding(
                "ruff",
                category,
                severity,
                f"{code} {message}",
                location,
                code=code,
                evidence=match.group(0).splitlines()[0].strip()[:500],
                offset=match.start(),
                spans=[[match.start(), end]],
                help=block.helps,
                notes=block.notes,
                suggestions=suggestions,
                command=fix,
            )
        )
    return findings


def _would_reformat(text: str, root: str) -> list[Finding]:
    """Older `ruff format --check` / black: `Would reformat: x.py`."""
    findings: list[Finding] = []
    if "Would reformat: " not in text:
        return findings
    for match in islice(WOULD_REFORMAT.finditer(text), MAX_FINDINGS):
        file = relative_to_root(match["file"].strip(), root)
        findings.append(
            _finding(
                "ruff",
                "lint",
                "low",
                f"{file} would be reformatted",
                Location(file),
                evidence=match.group(0).strip(),
                offset=match.start(),
                spans=[[match.start(), match.end()]],
                command=f"ruff format {file}",
            )
        )
    return findings


# --- pyright -------------------------------------------------------------------------------------


def _pyright(text: str, root: str) -> list[Finding]:
    """`file:line:col - error: message (reportRule)`, the rule maybe on a continuation line."""
    if " - error: " not in text and " - warning: " not in text:
        return []
    findings = []
    for match in islice(PYRIGHT.finditer(text), MAX_FINDINGS):
        following = text[match.end() : match.end() + 400].split("\n  /", 1)[0]
        rule = PYRIGHT_RULE.search(match["message"]) or PYRIGHT_RULE.search(following)
        code = rule["rule"] if rule else None
        message = PYRIGHT_RULE.sub("", match["message"]).strip()
        category = rules().pyright_categories.get(code or "", "type")
        severity: Severity = "high" if match["level"] == "error" else "low"
        findings.append(
            _finding(
                "pyright",
                category,
                severity,
                message,
                _place(match, root),
                code=code,
                evidence=match.group(0).strip()[:500],
                offset=match.start(),
                spans=[[match.start(), match.end()]],
            )
        )
    return findings
