"""Secrets out of everything we write to disk or echo back.

`redact(text)` masks what looks like a credential: cloud and service tokens by their shapes,
`Authorization:` headers, passwords in URLs, `--password x` options, `*_SECRET*=` / `*_TOKEN=` /
`*_PASSWORD=` style assignments (shell, env, JSON, YAML), and private-key blocks. `redact_data`
does the same for every string (and key) of a JSON-like value before it is serialised, which is how
the memory store writes records without breaking their JSON.

Each rule runs only on text that holds one of its trigger words (one lower-casing, a few `in`
checks), so redacting every record costs little; every rule is bounded so that a long hostile
line cannot make it quadratic.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

from healing_hooks.records import dataclass

MASK = "[REDACTED]"
REGEX_MASK = re.escape(MASK)
"""What replaces a secret inside a stored regex (`error_regex`): it stays a valid regex."""

_NAME = r"[A-Za-z0-9_.-]{0,40}"
"""The rest of a variable or option name (bounded: a long run cannot make matching quadratic)."""
_SECRET_WORD = (
    r"(?:SECRET|TOKEN|PASSWORD|PASSWD|PASSPHRASE|PWD|API[_-]?KEY|ACCESS[_-]?KEY|PRIVATE[_-]?KEY"
    r"|CREDENTIALS?|AUTH[_-]?KEY|SIGNING[_-]?KEY)"
)
_SECRET_TRIGGERS = ("secret", "token", "passw", "passphrase", "pwd", "key", "credential")
_VALUE = r"(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s'\",;&|)]+)"
"""A quoted value (with whatever it holds) or an unquoted word."""
_NOT_A_SECRET = r"(?![\s\[\{(]|\$|(?:None|null|nil|true|false|True|False|undefined)\b|\d{1,4}\b)"
"""Values that are code, not credentials: a literal None, a small count, `${VAR}`, a call."""


@dataclass(frozen=True)
class _Rule:
    """A secret's shape; it runs only on text that holds one of its (lower-case) trigger words.

    The regex is compiled on first use: most texts never need most rules, and a hook process
    that compiles nothing it does not use starts faster.
    """

    triggers: tuple[str, ...]
    source: str
    replacement: str = MASK

    @property
    def pattern(self) -> re.Pattern[str]:
        return _compiled(self.source)


@cache
def _compiled(source: str) -> re.Pattern[str]:
    return re.compile(source)


_RULES: tuple[_Rule, ...] = (
    # Private keys: the whole block, or up to the end of the text when the end was cut off.
    _Rule(
        ("-----begin",),
        r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----[\s\S]*?"
        r"(?:-----END [A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----|\Z)",
    ),
    # The end of a key whose beginning was cut off (an excerpt, a truncated output): all before it.
    _Rule(("-----end",), r"\A[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----"),
    # Tokens recognisable by their shape alone.
    _Rule(
        ("akia", "asia", "agpa", "aida", "aroa", "anpa", "anva", "aipa", "abia", "acca"),
        r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|ABIA|ACCA)[A-Z0-9]{16}\b",
    ),
    _Rule(
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
        r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}\b|\bgithub_pat_[A-Za-z0-9_]{40,}",
    ),
    _Rule(
        ("glpat-", "gldt-", "glrt-", "glptt-", "glcbt-", "glsoat-"),
        r"\b(?:glpat|gldt|glrt|glptt|glcbt|glsoat)-[A-Za-z0-9_-]{20,}",
    ),
    _Rule(("xox", "xapp-"), r"\bxox[abposre]-[A-Za-z0-9-]{10,}|\bxapp-\d-[A-Za-z0-9-]{10,}"),
    _Rule(("hooks.slack",), r"https://hooks\.slack\.com/(?:services|workflows)/[A-Za-z0-9/_-]+"),
    _Rule(("sk-",), r"\bsk-(?:ant-|proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"),
    _Rule(("_live_", "_test_"), r"\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}"),
    _Rule(("aiza",), r"\bAIza[0-9A-Za-z_-]{35}\b"),
    _Rule(
        ("npm_", "pypi-", "hf_"),
        r"\b(?:npm_[A-Za-z0-9]{36}|pypi-[A-Za-z0-9_-]{50,}|hf_[A-Za-z0-9]{30,})",
    ),
    _Rule(("eyj",), r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),
    # Authorization headers: keep the scheme, mask the credentials.
    _Rule(
        ("authorization",),
        r"(?i)\b((?:proxy-)?authorization[\"']?\s{0,5}[:=]\s{0,5}[\"']?"
        r"(?:(?:bearer|basic|token|digest)\s+)?)[^\s'\",]+",
        r"\1" + MASK,
    ),
    _Rule(("bearer",), r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]{16,}", r"\1" + MASK),
    # user:password@ in URLs.
    _Rule(
        ("://",),
        r"(?i)\b([a-z][a-z0-9+.-]{0,30}://[^/\s:@]{1,200}:)[^@\s/]{1,200}(@)",
        r"\1" + MASK + r"\2",
    ),
    # curl -u user:password, --user user:password
    _Rule(
        ("-u",),
        r"(?i)((?:\s|^)(?:-u|--user)[\s=]{0,5}['\"]?[^\s:'\"]{1,200}:)[^\s'\"]+",
        r"\1" + MASK,
    ),
    # --password x, --api-key=x, --token "x y"
    _Rule(
        _SECRET_TRIGGERS,
        rf"(?i)((?:\s|^)--?{_NAME}?{_SECRET_WORD}{_NAME}(?:=|\s+))(?!-){_NOT_A_SECRET}{_VALUE}",
        r"\1" + MASK,
    ),
    # NAME=value, NAME: value, "name": "value" (env files, shells, YAML, JSON, Python). The match
    # starts at the secret word: what comes before it in the name is left as it is.
    _Rule(
        _SECRET_TRIGGERS,
        rf"(?i)({_SECRET_WORD}{_NAME}[\"']?\s{{0,5}}(?:=|:(?!:))\s*){_NOT_A_SECRET}{_VALUE}",
        r"\1" + MASK,
    ),
)


_ANY_TRIGGER = "|".join(sorted({re.escape(w) for rule in _RULES for w in rule.triggers}))


def redact(text: str) -> str:
    """The text with every secret we recognise replaced by a mask."""
    lowered = text.lower()
    if not _compiled(_ANY_TRIGGER).search(lowered):
        return text
    for rule in _RULES:
        if any(word in lowered for word in rule.triggers):
            text = rule.pattern.sub(rule.replacement, text)
    return text


def might_hold_secret(text: str) -> bool:
    """False only when no rule could change the text (none of their trigger words is in it)."""
    return _compiled(_ANY_TRIGGER).search(text.lower()) is not None


def redact_entry(text: str, entry: dict[str, Any]) -> dict[str, Any]:
    """`entry` (a one-key object) redacted, unless its text holds no trigger word (then as it is)."""
    cleaned: dict[str, Any] = redact_data(entry) if might_hold_secret(text) else entry
    return cleaned


def has_secret(text: str) -> bool:
    """Whether `redact` would change the text."""
    return redact(text) != text


def redact_data(value: Any, key: str | None = None) -> Any:
    """A copy of a JSON-like value with every string (keys too) redacted.

    A stored regex (`error_regex`) that held a secret gets an escaped mask, so it stays a regex; a
    list of strings is redacted as the lines of one text (a private key spans several).
    """
    if isinstance(value, str):
        cleaned = _redact_short(value) if len(value) <= _MEMO_CHARS else redact(value)
        if key == "error_regex" and cleaned != value:
            return cleaned.replace(MASK, REGEX_MASK)
        return cleaned
    if isinstance(value, dict):
        return {_redact_short(str(k)): redact_data(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        if len(value) > 1 and all(isinstance(item, str) for item in value):
            return _redact_lines(list(value))
        return [redact_data(item, key) for item in value]
    return value


_MEMO_CHARS = 300


@lru_cache(maxsize=16_384)
def _redact_short(text: str) -> str:
    """`redact` remembered for short strings: a document repeats its keys and values many times."""
    return redact(text)


def _redact_lines(lines: list[str]) -> list[str]:
    """A list of output lines is redacted as one text: a key block spans several of them."""
    joined = "\n".join(lines)
    cleaned = redact(joined)
    return lines if cleaned == joined else cleaned.split("\n")
