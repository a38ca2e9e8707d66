"""cargo and rustc output: compile errors and warnings with rustc's suggestions, cargo's own errors.

Every `error[E....]:` / `error:` / `warning:` diagnostic becomes a finding with its code, primary
span, help and note lines and the code rustc proposes (see `snippets`). Cargo's summaries
(`could not compile ...`, `generated N warnings (run `cargo fix ...`)`) are not findings of their
own: they lend their text and the `cargo fix` command to the diagnostics they sum up. Test
failures and panics are read by `cargo_test`.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from functools import cache
from typing import Any

from healing_hooks.data import read_data
from healing_hooks.detect import cargo_test
from healing_hooks.detect.snippets import CHILD, Block, block_lines, parse_block
from healing_hooks.detect.text import relative_to_root
from healing_hooks.findings import Finding, Location, Severity
from healing_hooks.lazyre import LazyRegex, lazy
from healing_hooks.observation import Observation
from healing_hooks.records import dataclass

HEADER = lazy(r"^(?P<level>error|warning)(?:\[(?P<code>[A-Za-z]*\d+)\])?: (?P<message>.+)$", re.M)
SHORT = lazy(
    r"^(?P<file>(?:[A-Za-z]:)?[^\s:][^:\n]*):(?P<line>\d+):(?P<col>\d+): "
    r"(?P<level>error|warning)(?:\[(?P<code>[A-Za-z]*\d+)\])?: (?P<message>.+)$",
    re.M,
)
LOOSE_HEADER = lazy(r"^(?P<line>[^\s|=].*)\n[ \t]*--> (?:[A-Za-z]:)?[^\s:][^:\n]*\.rs:\d+:\d+\s*$", re.M)
"""A diagnostic's first line as a paste may leave it (`rror[E0382]: ...`, or the message alone):
any line in column 0 directly followed by rustc's ` --> file.rs:line:col`."""
CUT_LEVEL = lazy(r"^(?P<cut>[a-z]*)(?P<bracket>\[?E?\d{0,4}\])?: (?P<message>.+)$")
BRACKET_CODE = lazy(r"\[(?P<code>E\d{4})\]")
NOT_A_HEADER = lazy(r"^(?:(?:note|help|suggestion)(?:\[\w+\])?:|(?:error|warning)\[|\d+\s*\||\.\.\.)")
EXPLAIN_ONE = lazy(r"^For more information about this error, try `rustc --explain (?P<code>E\d{4})`", re.M)
NOT_COMPILED = lazy(r"^error: [Cc]ould not compile `(?P<name>[\w-]+)`", re.M)
COMPILING = lazy(r"^ {2,12}(?:Compiling|Checking) (?P<name>[\w-]+) v\d", re.M)
ERROR_SUFFIXES = frozenset("error"[i:] for i in range(5))
WARNING_SUFFIXES = frozenset("warning"[i:] for i in range(7))
RUST_MARKERS = lazy(
    r"^error\[E\d{4}\]|^ {2,12}(?:Compiling|Checking) \S+ v\d|^error: could not compile `"
    r"|^warning: `[^`]+` \([^)]*\) generated \d+ warnings?|^test result: (?:ok|FAILED)\. "
    r"|^thread '[^']*'(?: \(\d+\))? panicked at |^---- .+ stdout ----$",
    re.M,
)
RUST_PROGRAMS = frozenset({"cargo", "rustc", "cross", "rustup", "clippy-driver", "rustfmt", "cargo-clippy"})
PROGRAM_OUTPUT = lazy(r"^ {2,12}Running `", re.M)
SUMMARY = lazy(
    r"^(?:could not compile `|aborting due to |test failed, to rerun pass |doctest failed, to rerun"
    r"|\d+ targets? failed:|build failed, waiting for other jobs|`[^`]+` \([^)]*\) generated \d+ warnings?"
    r"|\d+ warnings? emitted|for more information about|some errors have detailed)",
    re.I,
)
FIX_SUMMARY = lazy(
    r"^warning: `(?P<package>[^`]+)` \((?P<target>[^)]*)\) generated \d+ warnings?"
    r"(?: \(.*?run `(?P<command>[^`]+)` to apply)?",
    re.M,
)
EXPLAINED = lazy(r"^Some errors have detailed explanations: (?P<codes>[E\d, ]+)\.", re.M)
COMPILE_SUMMARY = lazy(r"^error: (?P<text>could not compile `[^`]+`.*|aborting due to .*)$", re.M)
UNLINKED = lazy(
    r"(?:(?:unresolved module or unlinked crate|undeclared crate or module|undeclared type or module"
    r"|can't find crate for|maybe a missing crate|you might be missing crate) `"
    r"|(?:maybe a missing|consider adding) `extern crate )(?P<crate>[A-Za-z_][\w-]*)",
    re.I,
)
CLIPPY_URL = lazy(r"rust-clippy/[^#\s]*#(?P<lint>\w+)")
LINT_NOTE = lazy(r"`#\[(?P<level>warn|deny|forbid)\((?P<lint>[\w:]+)\)\]`")
FMT_DIFF = lazy(r"^Diff in (?P<file>.+?)(?::(?P<line>\d+):| at line (?P<line2>\d+):)\s*$", re.M)
DID_YOU_MEAN = lazy(r"(?:perhaps you meant|[Dd]id you mean):? `?(?P<name>[\w-]+)`?")
CUT_BY_HOST = lazy(r"\s*\.\.\. \[\d+ characters truncated\] \.\.\.")
STD_CRATES = frozenset({"std", "core", "alloc", "proc_macro", "test", "crate", "self", "super"})
MAX_DIAGNOSTICS = 200
MAX_RELATED = 10


@dataclass(frozen=True)
class Rules:
    """The data of rustc-codes.json, compiled."""

    codes: dict[str, dict[str, str]]
    lints: tuple[tuple[LazyRegex, str], ...]
    syntax: LazyRegex
    cargo: tuple[tuple[LazyRegex, str, str], ...]


@cache
def rules() -> Rules:
    """rustc-codes.json, loaded and compiled once."""
    data = json.loads(read_data("rustc-codes.json"))
    return Rules(
        codes=data["codes"],
        lints=tuple((lazy(regex), lint) for regex, lint in data["lints"]),
        syntax=lazy("|".join(f"(?:{regex})" for regex in data["syntax"])),
        cargo=tuple((lazy(c["regex"]), c["category"], c["hint"]) for c in data["cargo"]),
    )


def runs_rust(command: str) -> bool:
    """The command line runs cargo, rustc or a tool of theirs."""
    words = command.replace("&&", " ").replace(";", " ").replace("|", " ").split()
    return any(word.rsplit("/", 1)[-1] in RUST_PROGRAMS for word in words)


def parse_rust(obs: Observation, text: str) -> list[Finding]:
    """Findings of cargo/rustc output: diagnostics, cargo errors, test failures and panics."""
    if not _rust_context(obs.command, text):
        return []
    tool = "cargo" if "cargo" in obs.command or "Compiling " in text else "rustc"
    findings = diagnostics(text, obs.project_root, tool)
    findings.extend(_rustfmt_diffs(text, obs.project_root))
    claimed = [span for f in findings for span in f.details.get("spans", [])]
    findings.extend(cargo_test.cargo_test_findings(text, obs.project_root, claimed))
    return findings


def _rust_context(command: str, text: str) -> bool:
    if not any(word in text for word in ("error", "warning", "panicked", "Diff in", "-->")):
        return False
    return runs_rust(command) or RUST_MARKERS.search(text) is not None


def diagnostics(text: str, root: str, tool: str = "cargo") -> list[Finding]:
    """One finding per compiler or cargo diagnostic, in output order, summaries folded in."""
    program_output = PROGRAM_OUTPUT.search(text)
    limit = program_output.start() if program_output else len(text)
    findings: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for header in _headers(text, limit):
        finding = _diagnostic(header, text, root, tool)
        if finding is None:
            continue
        key = (str(finding.location), finding.details["evidence"])
        if key not in seen:
            seen.add(key)
            findings.append(finding)
    _fold_summaries(findings, text)
    return _not_missing_when_compiled(_one_per_missing_crate(findings), text)


def _not_missing_when_compiled(findings: list[Finding], text: str) -> list[Finding]:
    """A crate cargo compiled is in Cargo.toml: its unresolved `use` is no missing dependency
    (the package is on edition 2015, or the crate is another package's dependency)."""
    compiled = compiled_crates(text)
    for finding in findings:
        crate = str(finding.details.get("crate", ""))
        if finding.category == "dependency" and crate.replace("-", "_") in compiled:
            finding.category = "rust"
            finding.details["compiled"] = True
            finding.details.pop("command", None)
    return findings


def _one_per_missing_crate(findings: list[Finding]) -> list[Finding]:
    """Every use of a missing crate fails the same way: one finding, the other places listed."""
    first: dict[str, Finding] = {}
    kept: list[Finding] = []
    for finding in findings:
        crate = finding.details.get("crate") if finding.category == "dependency" else None
        if not isinstance(crate, str) or crate not in first:
            kept.append(finding)
            if isinstance(crate, str):
                first[crate] = finding
            continue
        owner = first[crate]
        owner.details["spans"].extend(finding.details["spans"])
        if finding.location is not None:
            owner.details.setdefault("also_at", []).append(str(finding.location))
    return kept


@dataclass(frozen=True)
class Header:
    """A diagnostic's first line: level, code and message, where it is, and (short form) its place."""

    level: str
    code: str | None
    message: str
    start: int
    end: int
    evidence: str
    place: tuple[str, int, int] | None = None
    loose: bool = False


def _from_match(match: re.Match[str]) -> Header:
    groups = match.groupdict()
    place = (groups["file"], int(groups["line"]), int(groups["col"])) if "file" in groups else None
    return Header(
        match["level"], match["code"], match["message"].strip(), match.start(), match.end(),
        match.group(0).strip()[:500], place,
    )  # fmt: skip


def _headers(text: str, limit: int) -> list[Header]:
    """Diagnostic headers in output order: the first MAX_DIAGNOSTICS errors and as many warnings."""
    kept: list[Header] = []
    shapes = [HEADER, SHORT] if ": error" in text or ": warning" in text else [HEADER]
    found = [[_from_match(m) for m in shape.finditer(text, 0, limit)] for shape in shapes]
    for headers in [*found, loose_headers(text, limit)]:
        counts = {"error": 0, "warning": 0}
        for header in headers:
            if counts[header.level] >= MAX_DIAGNOSTICS or SUMMARY.match(header.message):
                if min(counts.values()) >= MAX_DIAGNOSTICS:
                    break
                continue
            counts[header.level] += 1
            kept.append(header)
    return sorted(kept, key=lambda h: h.start)


def loose_headers(text: str, limit: int | None = None) -> list[Header]:
    """Headers a paste damaged: its first letters cut (`rror[E0382]: ...`) or the `error[E....]: `
    prefix gone, found by the ` --> file.rs:line:col` line that follows them."""
    if "-->" not in text:
        return []
    found: list[Header] = []
    for match in LOOSE_HEADER.finditer(text, 0, len(text) if limit is None else limit):
        line = match["line"].rstrip()
        if HEADER.match(line) or NOT_A_HEADER.match(line) or _continues_a_header(text, match.start()):
            continue
        found.append(_loose_header(text, line, match.start()))
    return found


def _continues_a_header(text: str, start: int) -> bool:
    """The line is the second line of a message that began on the line before."""
    if start == 0:
        return False
    previous = text[text.rfind("\n", 0, start - 1) + 1 : start - 1]
    return bool(HEADER.match(previous) or SHORT.match(previous) or CHILD.match(previous))


def _loose_header(text: str, line: str, start: int) -> Header:
    """Level, code and message of a damaged header line: a warning when the line or its lint note
    says so; the code, when the line lost it, from rustc's `For more information about this error,
    try `rustc --explain E....`` (not for a parse error: those have none)."""
    cut = CUT_LEVEL.match(line)
    level, message = "error", line.strip()
    if cut and (cut["bracket"] or cut["cut"] in ERROR_SUFFIXES | WARNING_SUFFIXES):
        message = cut["message"].strip()
        level = "warning" if cut["cut"] and cut["cut"] in WARNING_SUFFIXES else "error"
    body_end = text.find("\n\n", start)
    if "#[warn(" in text[start : body_end if body_end != -1 else len(text)]:
        level = "warning"  # rustc's note on a warning's first occurrence: `#[warn(lint)]` on by default
    coded = BRACKET_CODE.search(line)
    code = coded["code"] if coded else None
    if code is None and level == "error" and not rules().syntax.search(message):
        explained = EXPLAIN_ONE.search(text, start)
        code = explained["code"] if explained else None
    return Header(level, code, message, start, start + len(line), line.strip()[:500], loose=True)


def compiled_crates(text: str) -> set[str]:
    """The crates cargo compiled in this output, by the name `use` knows them (`-` as `_`)."""
    if "Compiling " not in text and "Checking " not in text:
        return set()
    return {match["name"].replace("-", "_") for match in COMPILING.finditer(text)}


def failed_packages(text: str) -> set[str]:
    """The packages cargo could not compile in this output, by the name `use` knows them."""
    return {match["name"].replace("-", "_") for match in NOT_COMPILED.finditer(text)}


def _diagnostic(header: Header, text: str, root: str, tool: str) -> Finding | None:
    level, code, message = header.level, header.code, header.message
    if header.place is not None:
        block, end = Block(), header.end
        file, line, column = header.place
        location: Location | None = Location(relative_to_root(file, root), line, column)
    else:
        stop_at_column_zero = code is not None or header.loose
        lines, end = block_lines(text, header.end + 1, stop_at_column_zero=stop_at_column_zero)
        block = parse_block(lines)
        location = _location(block, root)
        if location is None and code and CUT_BY_HOST.match(text, end):
            return None  # the host's truncation took its body: another finding says the rest
        if location is None and code is None:
            location, message = _build_script_panic(lines, root, message)
    details: dict[str, Any] = {
        "evidence": header.evidence,
        "offset": header.start,
        "spans": [[header.start, end]],
    }
    if code:
        details["code"] = code
    category, severity, extra = _classify(level, code, message, block, location)
    details.update(extra)
    _add_block(details, block)
    lint = details.get("code") if level == "warning" or category == "lint" else None
    return Finding(
        category=category,
        severity=severity,
        tool="clippy" if isinstance(lint, str) and lint.startswith("clippy::") else tool,
        message=_message(code, message, block.label),
        location=location,
        confidence=0.9 if code or location else 0.75,
        details=details,
    )


def _location(block: Block, root: str) -> Location | None:
    if block.span is None:
        return None
    return Location(relative_to_root(block.span.file, root), block.span.line, block.span.column)


def _build_script_panic(lines: list[str], root: str, message: str) -> tuple[Location | None, str]:
    """Where and why a build script panicked, from the `Caused by:` lines of cargo's error."""
    if not any("panicked at" in line for line in lines):
        return None, message
    found = cargo_test.panics("\n".join(line.strip() for line in lines))
    if not found:
        return None, message
    panic = found[0]
    reason = panic.message.splitlines()[0] if panic.message else "panicked"
    return Location(relative_to_root(panic.file, root), panic.line, panic.column), f"{message}: {reason}"


def _message(code: str | None, message: str, label: str) -> str:
    head = f"{code} {message}" if code else message
    if label and label not in message and len(label) < 200:
        return f"{head} — {label}"
    return head


def _add_block(details: dict[str, Any], block: Block) -> None:
    if block.label:
        details["label"] = block.label
    if block.helps:
        details["help"] = block.helps
    notes = [*block.notes, "\n".join(block.text)] if block.text else block.notes
    if notes:
        details["notes"] = notes
    if block.suggestions:
        details["suggestions"] = [s.to_dict() for s in block.suggestions]


def _classify(
    level: str, code: str | None, message: str, block: Block, location: Location | None
) -> tuple[str, Severity, dict[str, Any]]:
    """Category, severity and extra details of one diagnostic."""
    extra: dict[str, Any] = {}
    info = rules().codes.get(code or "")
    if info:
        extra["title"], extra["kind"] = info["title"], info["kind"]
    lint = _lint_name(message, block)
    if lint:
        extra["code"] = lint
    if level == "warning":
        return "lint", "low", extra
    crate = _missing_crate(code, message, block)
    if crate:
        extra.update(crate=crate, command=f"cargo add {crate}")
        return "dependency", "high", extra
    if lint and not code:
        return "lint", "high", extra  # a lint at deny level fails the build
    if not code:
        category, severity, extra = _uncoded(message, location, extra)
        _cargo_extra(message, block, extra)
        return category, severity, extra
    return "rust", "high", extra


def _uncoded(
    message: str, location: Location | None, extra: dict[str, Any]
) -> tuple[str, Severity, dict[str, Any]]:
    """An error without a code: a parse error, a manifest error, or one of cargo's own."""
    if location is not None and location.file.endswith(("Cargo.toml", "Cargo.lock", "config.toml")):
        return "syntax", "high", extra
    if location is not None and rules().syntax.search(message):
        return "syntax", "high", extra
    for regex, category, hint in rules().cargo:
        found = regex.search(message)
        if found:
            extra["hint"] = hint
            groups = {k: v for k, v in found.groupdict().items() if v}
            if "crate" in groups and category == "dependency":
                extra["crate"] = groups["crate"]
            return category, "high", extra
    return "rust", "high", extra


def _cargo_extra(message: str, block: Block, extra: dict[str, Any]) -> None:
    """What cargo's own error text adds: a close name it proposes, the offline fetch."""
    text = "\n".join(block.text + block.helps)
    close = DID_YOU_MEAN.search(text)
    if close:
        extra["did_you_mean"] = close["name"]
    if extra.get("crate") and "--offline" in text and message.startswith("no matching package"):
        extra["command"] = "cargo fetch"


def _lint_name(message: str, block: Block) -> str | None:
    """The lint behind a warning: from its note, the clippy link, or the message."""
    for text in (*block.notes, *block.helps):
        url = CLIPPY_URL.search(text)
        if url:
            return f"clippy::{url['lint']}"
        note = LINT_NOTE.search(text)
        if note:
            return note["lint"]
    return next((lint for regex, lint in rules().lints if regex.search(message)), None)


def _missing_crate(code: str | None, message: str, block: Block) -> str | None:
    """The crate a resolution error says is not linked (not a local module nor std)."""
    if code not in ("E0432", "E0433", "E0463"):
        return None
    texts = [message, block.label, *block.labels, *block.helps]
    found = next((m for m in (UNLINKED.search(t) for t in texts) if m), None)
    if found is None:
        return None
    crate = found["crate"]
    if crate in STD_CRATES or crate[0].isupper():
        return None
    if any(f"mod {crate}" in text for text in block.helps):
        return None  # a source file that only needs `mod x;`
    if any(crate in (s.code or "") for s in block.suggestions if s.kind == "insert_lines"):
        return None  # rustc proposes a `use` of something local instead
    return crate


def _fold_summaries(findings: list[Finding], text: str) -> None:
    """Give each warning the `cargo fix` command of its summary, and errors the summary text."""
    summaries = list(FIX_SUMMARY.finditer(text))
    start = 0
    for summary in summaries:
        command = summary["command"].strip() if summary["command"] else None
        for finding in findings:
            offset = finding.details["offset"]
            if start <= offset < summary.start() and finding.category == "lint" and command:
                finding.details.setdefault("command", command)
        start = summary.end()
    compiled = list(COMPILE_SUMMARY.finditer(text))
    starts = [m.start() for m in compiled]
    groups: dict[int, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(bisect_right(starts, finding.details["offset"]), []).append(finding)
    for index, group in groups.items():
        if index >= len(compiled):
            continue
        said = compiled[index]["text"].strip()
        explained = EXPLAINED.search(text, group[-1].details["offset"], compiled[index].start())
        if explained:
            said += f" (codes: {explained['codes']})"
        tail = [group[-1].details["spans"][0][1], compiled[index].end()]
        group[0].details["spans"].append(tail)  # the explanations and the summary itself
        for finding in group:
            if finding.severity != "low":
                finding.details.setdefault("summary", said)
                related = [_short(other) for other in group if other is not finding]
                if related:
                    finding.details["related"] = related[:MAX_RELATED]
    if compiled and not any(f.severity != "low" for f in findings):
        findings.append(_summary_only(compiled[0]))


def _short(finding: Finding) -> str:
    where = f" at {finding.location}" if finding.location else ""
    return f"{finding.details['evidence']}{where}"


def _summary_only(match: re.Match[str]) -> Finding:
    """`could not compile` with its errors cut away (e.g. by the host's truncation)."""
    return Finding(
        category="rust",
        severity="high",
        tool="cargo",
        message=match["text"].strip(),
        confidence=0.5,
        details={
            "evidence": match.group(0).strip(),
            "offset": match.start(),
            "spans": [[match.start(), match.end()]],
        },
    )


def _rustfmt_diffs(text: str, root: str) -> list[Finding]:
    """`cargo fmt --check`: one low finding per file that is not formatted."""
    findings: list[Finding] = []
    seen: set[str] = set()
    for match in FMT_DIFF.finditer(text):
        file = relative_to_root(match["file"], root)
        if file in seen:
            continue
        seen.add(file)
        line = int(match["line"] or match["line2"])
        findings.append(
            Finding(
                category="lint",
                severity="low",
                tool="rustfmt",
                message=f"{file} is not formatted as rustfmt wants (Diff in {file}:{line})",
                location=Location(file, line),
                confidence=0.9,
                details={
                    "evidence": match.group(0).strip(),
                    "offset": match.start(),
                    "spans": [[match.start(), match.end()]],
                    "command": "cargo fmt",
                },
            )
        )
    return findings
