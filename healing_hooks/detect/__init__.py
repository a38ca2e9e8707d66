"""Detection: text in, Findings out. Pure: reads no files, writes nothing.

Tool parsers and the pattern database run side by side; their findings are merged, deduplicated
and ranked so that the root cause comes first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from healing_hooks import commandline
from healing_hooks.detect.fallback import unexplained_failure
from healing_hooks.detect.locate import pattern_location
from healing_hooks.detect.patterns import PatternLibrary, build_library, pattern_findings
from healing_hooks.detect.precision import cap_on_success, own_failures
from healing_hooks.detect.shell import parse_shell
from healing_hooks.detect.text import clean_output
from healing_hooks.detect.tracebacks import without_root
from healing_hooks.findings import Finding
from healing_hooks.observation import Observation

Parser = Callable[[Observation, str], list[Finding]]
Guard = Callable[[Observation, str], bool]


def _shell_parser() -> Parser:
    return parse_shell


def _pytest_parser() -> Parser:
    from healing_hooks.detect.pytest import pytest_findings

    return pytest_findings


def _python_parser() -> Parser:
    from healing_hooks.detect.python import python_findings

    return python_findings


def _rust_parser() -> Parser:
    from healing_hooks.detect.rust import parse_rust

    return parse_rust


def _linters_parser() -> Parser:
    from healing_hooks.detect.linters import parse_linters

    return parse_linters


def _node_parser() -> Parser:
    from healing_hooks.detect.node import parse_node

    return parse_node


def _go_parser() -> Parser:
    from healing_hooks.detect.go import parse_go

    return parse_go


def _any_of(text_words: tuple[str, ...], command_words: tuple[str, ...] = ()) -> Guard:
    """True when the output holds one of `text_words` or the command line one of `command_words`."""

    def guard(obs: Observation, text: str) -> bool:
        command = f" {obs.command}"
        return any(w in command for w in command_words) or any(w in text for w in text_words)

    return guard


def _always(obs: Observation, text: str) -> bool:
    return True


PARSERS: list[tuple[Guard, Callable[[], Parser]]] = [
    (_always, _shell_parser),
    (
        _any_of(
            ("test session starts", "FAILURES", "ERRORS", "short test summary", "ImportError while",
             "INTERNALERROR", "ERROR: ", "ERROR collecting", "___", "E   ", "Timeout", "!!!"),
            ("pytest", "py.test"),
        ),
        _pytest_parser,
    ),
    (_any_of(("Traceback", "File ", "Warning", "python", "Error", "Exception")), _python_parser),
    (
        _any_of(
            ("error[E", "rror[E", "Compiling ", "Checking ", "could not compile", "generated ",
             "test result: ", "panicked at ", "---- ", " --> ", "Diff in"),
            ("cargo", "rustc", "cross", "rustup", "clippy", "rustfmt"),
        ),
        _rust_parser,
    ),
    (_any_of((".py:", ".pyi:", "-->", "Would reformat: ")), _linters_parser),
    (
        _any_of(
            (" TS", "Node.js v", "    at ", "npm ", "node:"),
            ("node", "npm", "npx", "yarn", "pnpm", "bun", "ts-node", "tsx", "deno", "jest", "vitest",
             "mocha"),
        ),
        _node_parser,
    ),
    (_any_of(("--- FAIL: ", "goroutine ", ".go:"), (" go ", ";go ", "&go ", "|go ", "(go ")), _go_parser),
]  # fmt: skip
"""Tool parsers, each `(observation, cleaned output) -> findings`, behind a guard.

A parser's module is imported only when its guard holds: a word every output it could find
something in contains (the hook is a new process per command, and importing all seven cost ~40 ms
per failure). A guard may say yes too often, never too rarely; tests/detect/test_guards.py checks
that on every real output of the corpus and on fuzzed text.

A parser finding may claim parts of the output with `details["spans"]` (`[[start, end], ...]`):
pattern findings inside a claim join it (see `absorb`). A finding of category `quiet` is only a
claim: the pattern findings inside it are no problem (a passing pytest run's test names), and it
never leaves `detect`."""


def parsers_for(obs: Observation, text: str) -> Iterator[Parser]:
    """The parsers whose guard lets them look at this output, in order."""
    return (load() for guard, load in PARSERS if guard(obs, text))


def all_parsers() -> list[Parser]:
    """Every parser (imports them all: for tests and tools, not the hook)."""
    return [load() for _, load in PARSERS]


QUIET = "quiet"


def detect(obs: Observation, library: PatternLibrary | None = None) -> list[Finding]:
    """All findings of one observation, root cause first."""
    if is_quiet_context(obs):
        return rank(merge(own_failures(obs, clean_output(obs.output))))
    text = clean_output(obs.output)
    library = library if library is not None else build_library()
    parsed: list[Finding] = []
    for parse in parsers_for(obs, text):
        parsed.extend(parse(obs, text))
    matched = _locate(pattern_findings(library, text), text, obs.project_root)
    found = cap_on_success(obs, absorb(parsed, matched, obs.project_root))
    if not found and (last_word := unexplained_failure(obs, text)) is not None:
        found = [last_word]
    return rank(merge(found))


def is_quiet_context(obs: Observation) -> bool:
    """Commands whose output is not theirs to explain, and exit statuses that are not errors."""
    if obs.tool_name != "Bash" or not obs.command:
        return obs.tool_name != "Bash"
    return commandline.only_views_files(obs.command) or commandline.exit_status_is_benign(
        obs.command, obs.exit_code
    )


def _locate(findings: list[Finding], text: str, root: str) -> list[Finding]:
    """Give pattern findings a place: their file/line groups, a `-->` line, a traceback frame."""
    for finding in findings:
        if finding.location is None:
            finding.location = pattern_location(finding, text, root)
    return findings


def absorb(parsed: list[Finding], matched: list[Finding], root: str = "") -> list[Finding]:
    """Parser findings, plus the pattern findings that no parser finding claims.

    A pattern match inside the spans a parser finding claims is the same problem: it joins the
    smallest such claim. The parser keeps its category, place and details; it takes the pattern's
    id when the match is on its own evidence line or agrees on the category, the playbook only
    when the categories agree, and the pattern's message when its own only repeats the matched
    line. Inside a `quiet` claim the match is dropped."""
    claims = [(span, finding) for finding in parsed for span in _spans(finding)]
    unclaimed: list[Finding] = []
    for pattern in matched:
        offset = pattern.details.get("offset")
        inside = [(end - start, finding) for (start, end), finding in claims
                  if isinstance(offset, int) and start <= offset < end]  # fmt: skip
        if not inside:
            unclaimed.append(pattern)
            continue
        owner = min(inside, key=lambda pair: pair[0])[1]
        if owner.category != QUIET:
            _adopt(owner, pattern, root)
    return [f for f in parsed if f.category != QUIET] + unclaimed


def _spans(finding: Finding) -> list[tuple[int, int]]:
    spans = finding.details.get("spans")
    if not isinstance(spans, list):
        return []
    return [(s[0], s[1]) for s in spans if isinstance(s, list | tuple) and len(s) == 2]


def _adopt(owner: Finding, pattern: Finding, root: str) -> None:
    """The pattern's id (and playbook) for the parser finding that holds its match."""
    offset = pattern.details.get("offset", -1)
    start = owner.details.get("offset", -2)
    evidence = str(owner.details.get("evidence", ""))
    on_evidence = isinstance(start, int) and start <= offset <= start + len(evidence)
    agrees = pattern.category == owner.category
    adopted = owner.details.get("pattern_confidence")
    # A project pattern (more confident) refines a built-in one already adopted for this line.
    better = owner.pattern_id is None or (isinstance(adopted, float) and pattern.confidence > adopted)
    if better and (on_evidence or agrees):
        owner.pattern_id = pattern.pattern_id
        owner.details["pattern_confidence"] = pattern.confidence
        if on_evidence and agrees and owner.message.strip() == without_root(evidence, root).strip():
            owner.message = pattern.message  # the pattern explains what the parser only repeats
    if owner.playbook is None and agrees:
        owner.playbook = pattern.playbook


def merge(findings: list[Finding]) -> list[Finding]:
    """One finding per problem: the same evidence or message at the same place counts once."""
    kept: dict[tuple[str, str], Finding] = {}
    for finding in findings:
        key = (str(finding.location), finding.details.get("evidence") or finding.message)
        current = kept.get(key)
        if current is None:
            kept[key] = finding
        else:
            kept[key] = _combine(current, finding)
    return list(kept.values())


def _combine(first: Finding, second: Finding) -> Finding:
    """Keep the more confident finding, filling its gaps from the other."""
    best, other = (first, second) if first.confidence >= second.confidence else (second, first)
    best.pattern_id = best.pattern_id or other.pattern_id
    best.playbook = best.playbook or other.playbook
    best.location = best.location or other.location
    best.remedy = best.remedy or other.remedy
    best.details = {**other.details, **best.details}
    return best


def rank(findings: list[Finding]) -> list[Finding]:
    """Most severe first; among equals the more confident, then the earlier in the output."""
    return sorted(
        findings,
        key=lambda f: (-f.rank, -f.confidence, f.details.get("offset", 0)),
    )
