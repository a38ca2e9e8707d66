"""What a Python exception means: its category, severity and the facts a fixer needs.

The table is data (`data/python-exceptions.json`); this module applies it, and decides whether a
missing module belongs to the project (an `import` problem) or is a third-party package (a
`dependency` problem) by looking for its top-level package in the project root.
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from typing import Any

from healing_hooks.data import read_data
from healing_hooks.findings import SEVERITY_RANK, Severity
from healing_hooks.lazyre import LazyRegex, lazy
from healing_hooks.records import dataclass, field

DID_YOU_MEAN = lazy(r"Did you mean:? '(?P<name>[^']+)'\??")
_DIGIT_SUFFIX = lazy(r"\d+$")
_PROJECT_SOURCE_DIRS = ("", "src", "lib")
_NOT_FOR_ANY_RULE = frozenset({"AssertionError", "Failed"})
"""Exceptions whose message is the test's own text: rules that name no exception skip them."""


@dataclass(frozen=True)
class MessageRule:
    kind: str
    regex: LazyRegex
    category: str
    exceptions: frozenset[str]
    severity: Severity | None = None
    playbook: str | None = None
    """The built-in playbook (data/playbooks.json) whose steps fit this kind of problem."""


@dataclass(frozen=True)
class ExceptionTable:
    exceptions: dict[str, tuple[str, Severity | None]]
    suffixes: tuple[tuple[str, str], ...]
    rules: tuple[MessageRule, ...]
    warnings: tuple[MessageRule, ...]


@dataclass
class Classification:
    """The meaning of one exception: category, severity when uncaught, and extracted facts."""

    category: str
    severity: Severity
    kind: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    playbook: str | None = None


@cache
def exception_table() -> ExceptionTable:
    """The classification table shipped in the package, compiled once."""
    text = read_data("python-exceptions.json")
    data = json.loads(text)
    exceptions = {
        name: (str(entry["category"]), _severity(entry.get("severity")))
        for name, entry in data["exceptions"].items()
    }
    suffixes = tuple((str(s["suffix"]), str(s["category"])) for s in data["suffixes"])
    rules = tuple(_rule(rule, rule.get("exceptions", ())) for rule in data["messages"])
    warnings = tuple(_rule(rule, (rule["warning"],)) for rule in data["warnings"])
    return ExceptionTable(exceptions, suffixes, rules, warnings)


def _rule(entry: dict[str, Any], classes: Any) -> MessageRule:
    return MessageRule(
        kind=str(entry["kind"]),
        regex=lazy(entry["regex"]),
        category=str(entry["category"]),
        exceptions=frozenset(classes),
        severity=_severity(entry.get("severity")),
        playbook=entry.get("playbook") if isinstance(entry.get("playbook"), str) else None,
    )


def _severity(value: object) -> Severity | None:
    if isinstance(value, str) and value in SEVERITY_RANK:
        return value  # type: ignore[return-value]
    return None


def short_name(exception: str) -> str:
    """`json.decoder.JSONDecodeError` → `JSONDecodeError`."""
    return exception.rsplit(".", 1)[-1]


def classify_exception(exception: str, message: str, root: str) -> Classification:
    """Category, severity and details of an uncaught exception with this type and message."""
    table = exception_table()
    name = short_name(exception)
    category, severity = table.exceptions.get(name, (_by_suffix(name, table), None))
    result = Classification(category, severity or "high", details={"exception": name})
    if name != exception:
        result.details["qualified_exception"] = exception
    rule, match = _first_rule(name, message, table)
    if rule is not None and match is not None:
        result.category = rule.category
        result.kind = rule.kind
        result.severity = rule.severity or result.severity
        result.playbook = rule.playbook
        result.details.update(_groups(match))
    suggestion = DID_YOU_MEAN.search(message)
    if suggestion:
        result.details["did_you_mean"] = suggestion.group("name")
    if result.kind == "missing-module":
        _place_missing_module(result, root)
    elif result.kind == "cannot-import-name":
        _place_missing_name(result, root)
    return result


def classify_warning(warning: str, message: str) -> Classification | None:
    """The meaning of a printed warning, or None for the many warnings that are no problem."""
    for rule in exception_table().warnings:
        match = rule.regex.search(message) if warning in rule.exceptions else None
        if match:
            details = {"exception": warning, **_groups(match)}
            return Classification(rule.category, rule.severity or "low", rule.kind, details, rule.playbook)
    return None


def _by_suffix(name: str, table: ExceptionTable) -> str:
    for suffix, category in table.suffixes:
        if name.endswith(suffix):
            return category
    return "runtime"


def _first_rule(
    name: str, message: str, table: ExceptionTable
) -> tuple[MessageRule | None, re.Match[str] | None]:
    for rule in table.rules:
        if rule.exceptions and name not in rule.exceptions:
            continue
        if not rule.exceptions and name in _NOT_FOR_ANY_RULE:
            continue
        match = rule.regex.search(message)
        if match:
            return rule, match
    return None, None


def _groups(match: re.Match[str]) -> dict[str, str]:
    """Named groups that matched; `name2`-style alternates fold into `name`."""
    groups: dict[str, str] = {}
    for key, value in match.groupdict().items():
        if value is not None:
            groups.setdefault(_DIGIT_SUFFIX.sub("", key), value)
    return groups


def _place_missing_module(result: Classification, root: str) -> None:
    """`No module named 'x.y'`: the project's own module (import) or a package to install."""
    module = str(result.details.get("module", ""))
    top = module.split(".", 1)[0]
    if module and is_project_module(top, root):
        result.category = "import"
        result.kind = "missing-project-module"
    elif top:
        result.details["module"] = top
        if top != module:
            result.details["submodule"] = module


def _place_missing_name(result: Classification, root: str) -> None:
    """`cannot import name 'x' from 'y'`: wrong import in the project, or an incompatible package."""
    path = str(result.details.get("path", "")).replace("\\", "/")
    module = str(result.details.get("module", ""))
    installed = re.search(r"/(?:site|dist)-packages/", path) is not None
    if installed or (module and not path and not is_project_module(module.split(".")[0], root)):
        result.category = "dependency"
        result.kind = "incompatible-package"


def is_project_module(top_level: str, root: str) -> bool:
    """Whether `top_level` is a package or module of the project at `root` (root, src/ or lib/)."""
    if not top_level or not root or os.path.dirname(root.rstrip("/\\")) == root.rstrip("/\\"):
        return False  # no project root (or the filesystem root): nothing is the project's
    for folder in _PROJECT_SOURCE_DIRS:
        base = os.path.join(root, folder, top_level)
        if os.path.isdir(base) or os.path.isfile(base + ".py"):
            return True
    return False
