"""Recurring errors become patterns: count templates, save a learned pattern once one recurs.

`observe_errors` runs before the memory lock (pure: text and library in, records out); the rest
changes the documents it is given and is called by the store under its lock.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from healing_hooks.config import Config
from healing_hooks.detect.patterns import Pattern, PatternLibrary, compile_entry
from healing_hooks.lazyre import LazyRegex, lazy
from healing_hooks.learn.templates import ERROR_LINE, error_lines, make_template
from healing_hooks.redact import redact

MAX_TEMPLATES = 500
"""Templates kept in learning.json; the least recently seen go first."""
MAX_EXAMPLES = 3
MAX_IGNORED = 500

_CATEGORY_HINTS: tuple[tuple[LazyRegex, str], ...] = tuple(
    (lazy(regex), category)
    for regex, category in (
        (r"error\[E\d{4}\]", "rust"),
        (r"ModuleNotFoundError|No module named|Cannot find module|could not find crate", "dependency"),
        (r"ImportError|cannot import|unresolved import", "import"),
        (r"(?i)timed? ?out\b|Timeout|deadline exceeded", "timeout"),
        (r"Permission denied|PermissionError|EACCES|EPERM|not permitted", "permission"),
        (r"(?i)connection (?:refused|reset)|ConnectionError|ECONNREFUSED|resolve host|network", "network"),
        (r"SyntaxError|IndentationError|(?i:syntax error)|unexpected token|parse error", "syntax"),
        (r"TypeError|mismatched types|type mismatch", "type"),
        (r"NameError|is not defined|cannot find value", "name"),
        (r"AttributeError|has no attribute|no method named|no field", "attribute"),
        (r"KeyError", "key"),
        (r"ValueError|invalid literal", "value"),
        (r"AssertionError", "assertion"),
        (r"command not found|(?i:unknown (?:command|option)|invalid option|unrecognized)", "command"),
    )
)
_CRITICAL = lazy(r"(?i)\bfatal\b|\bpanic|Segmentation fault|core dumped|out of memory|MemoryError")
_EXCEPTION_LINE = lazy(r"^(?:E[ \t]+)?[ \t]*(?:[A-Za-z_]\w*\.){0,8}[A-Z]\w*(?:Error|Exception)\b")
_SLUG_WORD = lazy(r"[A-Za-z][A-Za-z0-9]{1,}")
_SLOT_MARK = lazy(r"<(?:str|path|num|hex|dur)>")


def observe_errors(text: str, library: PatternLibrary, tool: str = "any") -> list[dict[str, Any]]:
    """The error lines of an output that no pattern covers, as template records.

    A line that holds a secret (one the redactor would mask) is never learned.
    """
    records = []
    for line in error_lines(text):
        if covering_pattern(line, library) is not None or redact(line) != line:
            continue
        template = make_template(line)
        records.append(
            {
                "key": template.key,
                "template": template.text,
                "example": template.line,
                "regex": template.regex(),
                "learnable": template.learnable,
                "category": guess_category(line),
                "severity": guess_severity(line),
                "tool": "python" if _EXCEPTION_LINE.match(line) else tool,
            }
        )
    return records


def covering_pattern(line: str, library: PatternLibrary) -> Pattern | None:
    """The first pattern (built-in, user or learned) that already matches this line, if any."""
    return next((pattern for pattern, _ in library.matches(line)), None)


def guess_category(line: str) -> str:
    """The category a person would give this line, from the words in it; `runtime` otherwise."""
    return next((category for regex, category in _CATEGORY_HINTS if regex.search(line)), "runtime")


def guess_severity(line: str) -> str:
    """critical for crashes, high for error messages, medium for other failure lines."""
    if _CRITICAL.search(line):
        return "critical"
    return "high" if ERROR_LINE.match(line) else "medium"


# -- under the lock --


def count_on_learned(
    document: dict[str, Any], observed: list[dict[str, Any]], now: str
) -> list[dict[str, Any]]:
    """Templates another hook turned into patterns since this one read the file count there.

    Returns the observed records that are still only templates.
    """
    learned = {
        e.get("template_key"): e
        for e in document.get("patterns", [])
        if isinstance(e, dict) and e.get("template_key")
    }
    remaining = []
    for record in {r["key"]: r for r in observed}.values():
        entry = learned.get(record["key"])
        if entry is None:
            remaining.append(record)
            continue
        entry["occurrences"] = int(entry.get("occurrences") or 0) + 1
        entry["last_seen"] = now
    return remaining


def count_templates(state: dict[str, Any], observed: list[dict[str, Any]], now: str) -> None:
    """One more occurrence for each template seen in this event (once per event)."""
    templates = state.setdefault("templates", {})
    for record in {r["key"]: r for r in observed}.values():
        entry = templates.setdefault(
            record["key"], {"template": record["template"], "count": 0, "first_seen": now, "examples": []}
        )
        entry.update({k: record[k] for k in ("regex", "learnable", "category", "severity", "tool")})
        entry["count"] = int(entry.get("count") or 0) + 1
        entry["last_seen"] = now
        if record["example"] not in entry["examples"]:
            entry["examples"] = [*entry["examples"], record["example"]][-MAX_EXAMPLES:]
    if len(templates) > MAX_TEMPLATES:
        newest = sorted(templates, key=lambda k: str(templates[k].get("last_seen")), reverse=True)
        state["templates"] = {k: templates[k] for k in newest[:MAX_TEMPLATES]}


def save_learned_patterns(
    document: dict[str, Any], state: dict[str, Any], keys: Iterable[str], config: Config, now: str
) -> list[str]:
    """Turn the templates among `keys` that reached the threshold into learned patterns.

    Honours `learning.store_new_patterns`; never saves a pattern when an existing one (built-in,
    user or learned) already matches the template's examples. Returns the new pattern ids.
    """
    if not config.learning.store_new_patterns:
        return []
    templates = state.get("templates", {})
    ready = [
        k
        for k in dict.fromkeys(keys)
        if k in templates
        and templates[k].get("learnable")
        and int(templates[k].get("count") or 0) >= config.learning.min_occurrences_to_save
        and k not in state.get("ignored", [])
    ]
    if not ready:
        return []
    entries = document.setdefault("patterns", [])
    library = project_library(entries)
    saved = []
    for key in ready:
        entry = learned_entry(key, templates[key], {str(e.get("id")) for e in entries}, now)
        if entry is None or _already_known(templates[key], library, key, entries):
            continue
        compiled = compile_entry(entry)
        if isinstance(compiled, str):
            continue
        entries.append(entry)
        library.patterns.append(compiled)
        saved.append(entry["id"])
        del templates[key]
    return saved


def project_library(entries: Iterable[Any]) -> PatternLibrary:
    """The project's own patterns (user, learned) as they are in the file now.

    The built-ins were checked before the lock (`observe_errors`) and do not change; what may
    have changed since is the file: another hook may have just learned the same error.
    """
    compiled = [compile_entry(e) for e in entries if isinstance(e, dict) and e.get("source") != "builtin"]
    return PatternLibrary([p for p in compiled if not isinstance(p, str)])


def _already_known(record: dict[str, Any], library: PatternLibrary, key: str, entries: list[Any]) -> bool:
    """A pattern of this template exists, or a project pattern already matches its lines."""
    if any(isinstance(e, dict) and e.get("template_key") == key for e in entries):
        return True
    return any(covering_pattern(str(example), library) for example in record.get("examples", []))


def learned_entry(key: str, record: dict[str, Any], taken: set[str], now: str) -> dict[str, Any] | None:
    """The pattern entry of a template, or None when its regex does not match its own examples."""
    regex = str(record.get("regex") or "")
    examples = [str(e) for e in record.get("examples", [])]
    try:
        compiled = re.compile(regex, re.MULTILINE)
    except re.error:
        return None
    if not examples or not all(compiled.search(e) for e in examples):
        return None
    entry: dict[str, Any] = {
        "id": _unique_id(record, key, taken),
        "error_regex": regex,
        "category": record.get("category") or "runtime",
        "severity": record.get("severity") or "high",
        "tool": record.get("tool") or "any",
        "description": f"Learned from {record.get('count')} occurrences: {record.get('template')}"[:1000],
        "source": "learned",
        "template": str(record.get("template"))[:2000],
        "template_key": key,
        "example": redact(examples[-1])[:2000],
        "occurrences": int(record.get("count") or 0),
        "created": now,
        "last_seen": now,
    }
    fixes = record.get("learned_fixes")
    if fixes:
        from healing_hooks.learn.fixes import attach_fixes

        attach_fixes(entry, fixes)
    return entry


def _unique_id(record: dict[str, Any], key: str, taken: set[str]) -> str:
    literal = _SLOT_MARK.sub(" ", str(record.get("template", "")))
    words = _SLUG_WORD.findall(literal)[:6]
    slug = "-".join(w.lower() for w in words)[:48].strip("-") or "error"
    base = f"learned-{slug}-{key[2:8]}"
    candidate, counter = base, 1
    while candidate in taken:
        counter += 1
        candidate = f"{base}-{counter}"
    return candidate


def ignore_template(state: dict[str, Any], key: str) -> None:
    """A removed learned pattern's template is not learned again (learning.json `ignored`)."""
    state["ignored"] = [*[k for k in state.get("ignored", []) if k != key], key][-MAX_IGNORED:]
    state.get("templates", {}).pop(key, None)
