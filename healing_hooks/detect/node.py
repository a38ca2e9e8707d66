"""Node.js: uncaught exceptions with their stack (`at fn (file:line:col)`), missing modules, npm errors.

An uncaught exception prints the throwing place, the code line and a caret, then
`TypeError: Cannot read properties of undefined (reading 'name')` and the stack, and ends with
`Node.js v20.x`. npm prints its own failures as `npm error ...` (npm 10+) or `npm ERR! ...`.
Test runners and tsc live in `node_test` and `tsc`.
"""

from __future__ import annotations

import re
from itertools import islice
from typing import Any

from healing_hooks.detect import node_test, tsc
from healing_hooks.detect.related import link_related
from healing_hooks.detect.text import relative_to_root
from healing_hooks.findings import Finding, Location, Severity
from healing_hooks.lazyre import lazy
from healing_hooks.observation import Observation
from healing_hooks.records import dataclass

ERROR_LINE = lazy(
    r"^(?:Uncaught )?(?P<type>[A-Z][A-Za-z]*(?:Error|Exception|Rejection)|Error)"
    r"(?: \[(?P<code>[A-Z][A-Z0-9_]+)\])?: (?P<message>.*)$",
    re.M,
)
UNHANDLED = lazy(r"^\[UnhandledPromiseRejection: .*?reason \"(?P<reason>.*)\"\.\]", re.M)
REJECTION_REASON = lazy(r'rejected with the reason "(?P<reason>.*)"\.?$')
MISSING_EXPORT = lazy(r"does not provide an export named '(?P<name>[^']+)'")
FRAME = lazy(
    r"^[ \t]+at (?:async )?(?:(?P<function>[^\n(]*?) \((?P<file>[^\n()]+?):(?P<line>\d+):(?P<col>\d+)\)"
    r"|(?P<bare>[^\n() ]+?):(?P<bline>\d+):(?P<bcol>\d+))(?: \{)?[ \t]*$",
    re.M,
)
THROW_PLACE = lazy(
    r"^(?P<file>(?:/|[A-Za-z]:\\|file://)[^\n:]*?|[\w./\\-]+\.[cm]?[jt]sx?):(?P<line>\d+)$", re.M
)
NODE_FOOTER = lazy(r"^Node\.js v\d+\.\d+", re.M)
ERRNO_CODE = lazy(r"(?:\bcode: '|\b)(?P<code>E[A-Z]{3,}[A-Z_]*|MODULE_NOT_FOUND|ERR_[A-Z_]+)\b")
MODULE_NAME = lazy(r"Cannot find (?:module|package) '(?P<module>[^']+)'")
IMPORTED_FROM = lazy(r"imported from (?P<file>\S+)")
NPM_LINE = lazy(r"^npm (?:ERR!|error) ?(?P<text>.*)$", re.M)
NODE_PROGRAMS = (
    "node",
    "npm",
    "npx",
    "yarn",
    "pnpm",
    "bun",
    "ts-node",
    "tsx",
    "deno",
    "jest",
    "vitest",
    "mocha",
)
NETWORK_CODES = frozenset(
    {"ECONNREFUSED", "ECONNRESET", "EADDRINUSE", "ENOTFOUND", "ETIMEDOUT", "EAI_AGAIN", "EHOSTUNREACH",
     "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT", "ENOTCACHED", "ECONNABORTED", "EPIPE"}
)  # fmt: skip
PERMISSION_CODES = frozenset({"EACCES", "EPERM"})
CATEGORY_BY_TYPE = {
    "ReferenceError": "name",
    "SyntaxError": "syntax",
    "TypeError": "type",
    "AssertionError": "assertion",
}
MAX_EXCEPTIONS = 5
MAX_CANDIDATES = 50
MAX_NPM_LINES = 60
STACK_WINDOW = 20_000


def runs_node(command: str) -> bool:
    """The command line runs node, npm or a tool of theirs."""
    return any(re.search(rf"(?:^|[\s/;&|(]){name}(?:\s|$)", command) for name in NODE_PROGRAMS)


def parse_node(obs: Observation, text: str) -> list[Finding]:
    """Findings of node, npm, node's test runner and tsc output."""
    findings = tsc.tsc_findings(obs, text)
    node_context = runs_node(obs.command) or NODE_FOOTER.search(text) is not None
    if node_context or "    at " in text:
        tests = node_test.node_test_findings(text, obs.project_root)
        findings += tests
        if not tests:
            findings += _exceptions(text, obs.project_root, node_context)
    if "npm " in text:
        findings += _npm(text, bool(findings))
    return findings


# --- uncaught exceptions -------------------------------------------------------------------------


@dataclass(frozen=True)
class Frame:
    """One `at function (file:line:col)` line of a stack."""

    function: str
    file: str
    line: int
    column: int

    def in_project(self) -> bool:
        """Not node's internals, not an installed package."""
        return not self.file.startswith(("node:", "internal/")) and "node_modules" not in self.file


def frames_after(text: str, start: int, limit: int = 60) -> list[Frame]:
    """The stack frames that follow position `start` (innermost first), up to `limit`."""
    frames: list[Frame] = []
    position = start
    for match in FRAME.finditer(text, start, min(len(text), start + STACK_WINDOW)):
        if text.count("\n", position, match.start()) > 8:
            break  # not this error's stack (or another stack further down)
        file = match["file"] or match["bare"]
        line, col = (match["line"], match["col"]) if match["file"] else (match["bline"], match["bcol"])
        frames.append(Frame((match["function"] or "").strip(), _plain_path(file), int(line), int(col)))
        position = match.end()
        if len(frames) >= limit:
            break
    return frames


def _plain_path(file: str) -> str:
    return file[len("file://") :] if file.startswith("file://") else file


def _exceptions(text: str, root: str, node_context: bool) -> list[Finding]:
    findings: list[Finding] = []
    for match in islice(ERROR_LINE.finditer(text), MAX_CANDIDATES):
        if len(findings) >= MAX_EXCEPTIONS:
            break
        frames = frames_after(text, match.end())
        if not frames and not node_context:
            continue  # a Python or other tool's `TypeError:` line
        if not frames and not NODE_FOOTER.search(text, match.end()):
            continue
        findings.append(_exception_finding(text, match, frames, root))
    unhandled = UNHANDLED.search(text)
    if unhandled and not findings:
        reason = unhandled["reason"]
        findings.append(_plain("runtime", f"unhandled promise rejection: {reason}", unhandled, None))
    return findings


def _exception_finding(text: str, match: re.Match[str], frames: list[Frame], root: str) -> Finding:
    kind, message = match["type"], match["message"].strip()
    block_end = _block_end(text, match.end())
    block = text[match.start() : block_end]
    details: dict[str, Any] = {
        "exception": kind,
        "evidence": match.group(0).strip()[:500],
        "offset": match.start(),
        "spans": [[_throw_start(text, match.start()), block_end]],
    }
    code = match["code"] or _errno(block)
    if code:
        details["code"] = code
    category = _category(kind, message, code)
    location = _where(text, match, frames, root)
    reason = REJECTION_REASON.search(message)
    if kind == "UnhandledPromiseRejection" and reason:
        message = f"a promise was rejected with {reason['reason']!r} and nothing caught it"
    export = MISSING_EXPORT.search(message)
    if export:
        category = "import"
        details["name"] = export["name"]
    module = MODULE_NAME.search(message)
    if module:
        name = module["module"]
        details["module"] = name
        if _is_package(name):
            category = "dependency"
            details["command"] = f"npm install {_package_of(name)}"
        else:
            category = "import"
        imported = IMPORTED_FROM.search(message)
        if imported and location is None:
            location = Location(relative_to_root(_plain_path(imported["file"]), root))
    project = [f for f in frames if f.in_project()]
    if project:
        details["frames"] = [
            {
                "file": relative_to_root(f.file, root),
                "line": f.line,
                "column": f.column,
                "function": f.function,
            }
            for f in reversed(project[:10])
        ]
    return Finding(
        category=category,
        severity="high",
        tool="node",
        message=f"{kind}: {message}" if message else kind,
        location=location,
        confidence=0.85,
        details=details,
    )


def _block_end(text: str, start: int) -> int:
    """The end of an exception's report: the `Node.js vX` footer, or the end of its stack."""
    footer = NODE_FOOTER.search(text, start)
    if footer is not None and text.count("\n", start, footer.start()) < 80:
        return footer.end()
    frames = list(FRAME.finditer(text, start, min(len(text), start + 8000)))
    if frames:
        return frames[-1].end()
    newline = text.find("\n", start)
    return len(text) if newline == -1 else newline


def _throw_start(text: str, error_start: int) -> int:
    """Where the `file:line` / code line / caret header before the error line begins."""
    head = text.rfind("\n\n", 0, error_start)
    before = text.rfind("\n\n", 0, max(head, 0))
    candidate = before + 2 if before != -1 else 0
    return candidate if error_start - candidate < 2000 else error_start


def _errno(block: str) -> str | None:
    """The error's `code: '...'` property (a network or permission errno first)."""
    codes = [m["code"] for m in ERRNO_CODE.finditer(block)]
    known = [c for c in codes if c in NETWORK_CODES or c in PERMISSION_CODES]
    return (known or codes or [None])[0]


def _category(kind: str, message: str, code: str | None) -> str:
    if code in NETWORK_CODES:
        return "network"
    if code in PERMISSION_CODES:
        return "permission"
    if kind == "TypeError" and message.startswith("fetch failed"):
        return "network"
    return CATEGORY_BY_TYPE.get(kind, "runtime")


def _where(text: str, match: re.Match[str], frames: list[Frame], root: str) -> Location | None:
    """The innermost project frame, else the `file:line` node printed above the error."""
    project = [f for f in frames if f.in_project()]
    if project:
        frame = project[0]
        return Location(relative_to_root(frame.file, root), frame.line, frame.column)
    head = text[max(0, match.start() - 2000) : match.start()]
    places = list(THROW_PLACE.finditer(head))
    if places and not places[-1]["file"].startswith("node:"):
        place = places[-1]
        return Location(relative_to_root(_plain_path(place["file"]), root), int(place["line"]))
    return None


def _is_package(name: str) -> bool:
    return not name.startswith((".", "/", "file:", "node:")) and not re.match(r"^[A-Za-z]:[\\/]", name)


def _package_of(name: str) -> str:
    """`lodash/fp` → `lodash`; `@scope/pkg/sub` → `@scope/pkg`."""
    parts = name.split("/")
    return "/".join(parts[:2]) if name.startswith("@") else parts[0]


def _plain(category: str, message: str, match: re.Match[str], location: Location | None) -> Finding:
    return Finding(
        category=category,
        severity="high",
        tool="node",
        message=message,
        location=location,
        confidence=0.7,
        details={
            "evidence": match.group(0).strip()[:500],
            "offset": match.start(),
            "spans": [[match.start(), match.end()]],
        },
    )


# --- npm -----------------------------------------------------------------------------------------

NPM_CODE = lazy(r"^code (?P<code>E[A-Z0-9]+)$")
MISSING_SCRIPT = lazy(r'^[Mm]issing script: "?(?P<script>[^"\s]+)"?')
NOT_FOUND_404 = lazy(r"404 Not Found - GET \S+/(?P<package>[^/\s]+?)(?: - |$)")
NPM_DID_YOU_MEAN = lazy(r"^\s+npm (?:run )?(?P<name>\S+)(?: #|$)")


def _npm(text: str, others: bool) -> list[Finding]:
    """One finding per npm failure (its `npm error` lines read together)."""
    lines = list(islice(NPM_LINE.finditer(text), MAX_NPM_LINES))
    if not lines:
        return []
    block = [m["text"].strip() for m in lines]
    start, end = lines[0].start(), lines[-1].end()
    code = next((c["code"] for c in map(NPM_CODE.match, block) if c), None)
    missing = next((m for m in map(MISSING_SCRIPT.match, block) if m), None)
    details: dict[str, Any] = {
        "evidence": lines[0].group(0).strip(),
        "offset": start,
        "spans": [[start, end]],
        "notes": [line for line in block if line][:12],
    }
    if code:
        details["code"] = code
    category, severity, message = _npm_meaning(block, code, missing, details)
    if category == "runtime" and others:
        return []  # npm only says that the script failed; the cause is already found
    finding = Finding(
        category=category, severity=severity, tool="npm", message=message, confidence=0.8, details=details
    )
    link_related([finding])
    return [finding]


def _npm_meaning(
    block: list[str], code: str | None, missing: re.Match[str] | None, details: dict[str, Any]
) -> tuple[str, Severity, str]:
    joined = "\n".join(block)
    if missing:
        script = missing["script"]
        close = [m["name"] for m in map(NPM_DID_YOU_MEAN.match, block) if m]
        if close:
            details["did_you_mean"] = close[0]
        details["command"] = "npm run"
        return "command", "high", f'npm: package.json has no script "{script}" (list them with `npm run`)'
    if code == "E404":
        found = NOT_FOUND_404.search(joined)
        package = found["package"].replace("%2f", "/").replace("%2F", "/") if found else "the package"
        details["module"] = package
        return "dependency", "high", f"npm: {package} is not in the registry (check its name and version)"
    if code in NETWORK_CODES:
        if code == "ENOTCACHED":
            return "network", "high", "npm is offline and the package is not in its cache (ENOTCACHED)"
        return "network", "high", f"npm could not reach the registry ({code})"
    if code == "ERESOLVE":
        details["command"] = "npm install --legacy-peer-deps"
        return (
            "dependency",
            "high",
            "npm could not resolve the dependency tree (conflicting peer dependencies)",
        )
    if code in PERMISSION_CODES:
        return (
            "permission",
            "high",
            f"npm was refused access ({code}): {block[1] if len(block) > 1 else ''}".strip(),
        )
    if code == "ENOENT" and "package.json" in joined:
        return "command", "high", "npm: no package.json here (run it in the project folder, or `npm init`)"
    first = next((line for line in block if line and not line.startswith("code ")), code or "failed")
    return "runtime", "medium", f"npm: {first}"
