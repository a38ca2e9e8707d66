"""Detection: text in, Findings out. Pure: reads no files, writes nothing.

Tool parsers and the pattern database run side by side; their findings are merged, deduplicated
and ranked so that the root cause comes first.
"""

from __future__ import annotations

from collections.abc import Callable

from healing_hooks import commandline
from healing_hooks.detect.locate import pattern_location
from healing_hooks.detect.patterns import PatternLibrary, build_library, pattern_findings
from healing_hooks.detect.precision import cap_on_success, own_failures
from healing_hooks.detect.rust import parse_rust
from healing_hooks.detect.shell import parse_shell
from healing_hooks.detect.text import clean_output
from healing_hooks.findings import Finding
from healing_hooks.observation import Observation

Parser = Callable[[Observation, str], list[Finding]]

PARSERS: list[Parser] = [parse_shell, parse_rust]
"""Tool parsers, each `(observation, cleaned output) -> findings`."""


def detect(obs: Observation, library: PatternLibrary | None = None) -> list[Finding]:
    """All findings of one observation, root cause first."""
    if is_quiet_context(obs):
        return rank(merge(own_failures(obs, clean_output(obs.output))))
    text = clean_output(obs.output)
    library = library if library is not None else build_library()
    findings: list[Finding] = []
    for parse in PARSERS:
        findings.extend(parse(obs, text))
    findings.extend(_locate(pattern_findings(library, text), text, obs.project_root))
    return rank(merge(cap_on_success(obs, findings)))


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
