"""`f() got an unexpected keyword argument 'x'`: read the callee's real signature from the project
index, match every unknown keyword of the call to a free parameter (by name similarity, then by
position), and rewrite the call when the match is unambiguous."""

from __future__ import annotations

import ast
import difflib

from healing_hooks.findings import Finding, Remedy
from healing_hooks.observation import Observation
from healing_hooks.records import dataclass
from healing_hooks.remedy.index import DefEntry, Module, ProjectIndex, project_index
from healing_hooks.remedy.source import Site, detail, parse_file, sites, text_edit

UNEXPECTED = r"([\w.<>]+)\(\) got an unexpected keyword argument '(\w+)'"
SOURCE = "fixer:signatures"
SIMILAR = 0.6


@dataclass(frozen=True)
class Signature:
    """The parameters a call may name: in order, which have defaults, whether **kwargs exists."""

    owner: str
    keywords: tuple[str, ...]
    positional: tuple[str, ...]
    defaults: frozenset[str]
    any_keyword: bool

    def describe(self) -> str:
        return f"{self.owner}({', '.join(self.keywords)})"


def fix_unexpected_keyword(finding: Finding, obs: Observation) -> Remedy | None:
    """The fixer registered in FIXERS."""
    callee = detail(finding, "callee", UNEXPECTED, obs)
    argument = detail(finding, "argument", UNEXPECTED, obs, group=2)
    if not callee or not argument:
        return None
    index = project_index(obs.project_root)
    call_site = _call_with_keyword(finding, obs, argument)
    signature = lookup_signature(index, callee, call_site[0].rel if call_site else None)
    if signature is None or signature.any_keyword:
        return None
    if call_site is None:
        return _steps(signature, {}, argument)
    site, call, text, segment = call_site
    renames, confidence = match_keywords(signature, call)
    if argument not in renames:
        return _steps(signature, renames, argument)
    new_segment = _rename_keywords(text, call, segment, renames)
    summary = ", ".join(f"`{old}=` → `{new}=`" for old, new in renames.items())
    return text_edit(
        site,
        segment,
        new_segment,
        f"{signature.describe()} takes {summary}",
        confidence,
        SOURCE,
    )


def lookup_signature(index: ProjectIndex, callee: str, caller_rel: str | None) -> Signature | None:
    """The signature Python means by `callee` (`Event.__init__`, `Bus.send`, `make`), if one is known."""
    parts = [p for p in callee.split(".") if p and not p.startswith("<")]
    if not parts:
        return None
    if len(parts) == 1:
        found = [(m, d) for m, d in index.definitions(parts[0]) if d.get("kind") == "def"]
        entries = [(m, parts[0], d, False) for m, d in found]
    else:
        class_name, method = parts[-2], parts[-1]
        entries = [
            (m, f"{class_name}" if method == "__init__" else f"{class_name}.{method}", d, True)
            for m, definition in index.definitions(class_name)
            if definition.get("kind") == "class"
            for d in [_method(index, definition, method)]
            if d is not None
        ]
    signatures = {_signature(owner, d, bound): m for m, owner, d, bound in entries}
    if len(signatures) > 1 and caller_rel is not None:
        signatures = _imported_by(index, caller_rel, signatures)
    return next(iter(signatures)) if len(signatures) == 1 else None


def _method(index: ProjectIndex, definition: DefEntry, name: str, depth: int = 0) -> DefEntry | None:
    """A class's method, looking into base classes defined in the project (a few levels)."""
    found = definition.get("methods", {}).get(name)
    if found is not None or depth > 3:
        return found
    for base in definition.get("bases", []):
        for _, parent in index.definitions(base.rsplit(".", 1)[-1]):
            if parent.get("kind") == "class":
                inherited = _method(index, parent, name, depth + 1)
                if inherited is not None:
                    return inherited
    return None


def _signature(owner: str, entry: DefEntry, bound: bool) -> Signature:
    params = list(entry.get("params", []))
    if bound and params and not params[0].startswith("*"):
        params = params[1:]  # self / cls
    keywords: list[str] = []
    positional: list[str] = []
    defaults: set[str] = set()
    before_star = True
    any_keyword = False
    if "/" in params:
        positional += [p.rstrip("=") for p in params[: params.index("/")]]
        params = params[params.index("/") + 1 :]
    for param in params:
        if param.startswith("**"):
            any_keyword = True
        elif param.startswith("*"):
            before_star = False
        else:
            name = param.rstrip("=")
            keywords.append(name)
            if before_star:
                positional.append(name)
            if param.endswith("="):
                defaults.add(name)
    return Signature(owner, tuple(keywords), tuple(positional), frozenset(defaults), any_keyword)


def _imported_by(
    index: ProjectIndex, caller_rel: str, signatures: dict[Signature, Module]
) -> dict[Signature, Module]:
    """Keep the candidates whose module the calling file imports (or is)."""
    caller = index.by_path(caller_rel)
    if caller is None:
        return signatures
    imported = {e["module"].rsplit(".", 1)[-1] for e in index.entry_of(caller).get("imports", [])}
    kept = {s: m for s, m in signatures.items() if m is caller or m.dotted.rsplit(".", 1)[-1] in imported}
    return kept or signatures


def match_keywords(signature: Signature, call: ast.Call) -> tuple[dict[str, str], float]:
    """Unknown keyword → parameter, and how sure: by similar name first, then by position
    (the call's unknown keywords in order ↔ the free required parameters, or all free ones)."""
    given = [k.arg for k in call.keywords if k.arg]
    unknown = [k for k in given if k not in signature.keywords]
    supplied = set(signature.positional[: len(call.args)]) | {k for k in given if k in signature.keywords}
    free = [p for p in signature.keywords if p not in supplied]
    renames: dict[str, str] = {}
    for name in unknown:
        best = _most_similar(name, [p for p in free if p not in renames.values()])
        if best is not None:
            renames[name] = best
    left = [k for k in unknown if k not in renames]
    open_params = [p for p in free if p not in renames.values()]
    required = [p for p in open_params if p not in signature.defaults]
    confidence = 0.9
    if not left:
        return renames, confidence
    if len(left) == len(required):
        pairs = list(zip(left, required, strict=True))
        confidence = 0.9 if len(left) == 1 else 0.85
    elif len(left) == len(open_params):
        pairs = list(zip(left, open_params, strict=True))
        confidence = 0.8
    else:
        pairs = list(zip(left, required, strict=False))  # a guess by position: suggested, not applied
        confidence = 0.7
    renames.update(pairs)
    return renames, confidence


def _most_similar(name: str, params: list[str]) -> str | None:
    scored = sorted(((_similarity(name, p), p) for p in params), reverse=True)
    if not scored or scored[0][0] < SIMILAR:
        return None
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None
    return scored[0][1]


def _similarity(a: str, b: str) -> float:
    """Name similarity; sharing a whole word (`event_type` ~ `type`) counts as similar."""
    words_a, words_b = set(a.lower().split("_")) - {""}, set(b.lower().split("_")) - {""}
    shared = 0.8 if words_a & words_b else 0.0
    return max(shared, difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio())


def _call_with_keyword(
    finding: Finding, obs: Observation, argument: str
) -> tuple[Site, ast.Call, str, str] | None:
    """The call at the traceback's project lines that passes `argument=`: (site, node, file text, segment)."""
    for site in sites(finding, obs):
        parsed = parse_file(site.path)
        if parsed is None:
            continue
        text, tree = parsed
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.lineno <= site.line <= (node.end_lineno or 0):
                continue
            if any(k.arg == argument for k in node.keywords):
                segment = ast.get_source_segment(text, node)
                if segment:
                    return Site(site.path, site.rel, node.lineno), node, text, segment
    return None


def _rename_keywords(text: str, call: ast.Call, segment: str, renames: dict[str, str]) -> str:
    """The call's text with `old=` renamed `new=` at each keyword's exact position."""
    lines = text.splitlines(keepends=True)

    def offset(lineno: int, col: int) -> int:
        prefix = lines[lineno - 1].encode("utf-8")[:col].decode("utf-8", "replace")
        return sum(len(x) for x in lines[: lineno - 1]) + len(prefix)

    start = offset(call.lineno, call.col_offset)
    edits = sorted(
        ((offset(k.lineno, k.col_offset) - start, k.arg) for k in call.keywords if k.arg in renames),
        reverse=True,
    )
    for position, old in edits:
        assert old is not None
        if segment[position : position + len(old)] == old:
            segment = segment[:position] + renames[old] + segment[position + len(old) :]
    return segment


def _steps(signature: Signature, renames: dict[str, str], argument: str) -> Remedy:
    guess = renames.get(argument)
    close = difflib.get_close_matches(argument, list(signature.keywords), n=3, cutoff=0.4)
    steps = [f"the real signature is `{signature.describe()}`"]
    if guess or close:
        steps.append(f"did you mean `{guess or '` or `'.join(close)}=`?")
    return Remedy(
        kind="steps",
        summary=f"`{signature.owner}` has no parameter `{argument}`",
        steps=tuple(steps),
        confidence=0.5,
        source=SOURCE,
    )
