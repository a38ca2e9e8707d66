"""Shell-level failures: missing commands and paths, permissions, script errors, signals, make.

Reads the diagnostics that bash, dash and coreutils print (`bash: line 1: carg: command not found`,
`cat: x: No such file or directory`, `run.sh: line 3: 4242 Killed  python train.py`), the lines the
host inserts (`Command timed out after 2m 0s`) and the exit status itself (124, 137, 139, ...).
A diagnostic counts only when its prefix is a shell, a script, or a program of the command line, so
text that merely looks like one (a log line, a file being shown) is left alone.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

from healing_hooks import commandline
from healing_hooks.detect import signals
from healing_hooks.detect.closest import closest_command, command_data
from healing_hooks.detect.text import ANSI, relative_to_root
from healing_hooks.findings import Finding, Location, Remedy, Severity
from healing_hooks.lazyre import lazy
from healing_hooks.observation import Observation
from healing_hooks.records import dataclass

TOOL = "shell"
SHELLS = frozenset({"bash", "sh", "zsh", "dash", "ksh", "mksh", "ash", "-bash", "busybox"})
MAX_DIAGNOSTICS = 100
"""Distinct diagnostic lines read from one output (a loop can print the same failure thousands of times)."""
PLAYBOOKS = {"permission": "permission-denied"}
"""Built-in playbooks (data/playbooks.json) for shell findings, by category."""
CD_BUILTINS = frozenset({"cd", "pushd"})
SOURCE_BUILTINS = frozenset({"source", "."})

# `origin[: line N | : N]: body`, the prefix convention of bash, dash, coreutils and scripts.
DIAGNOSTIC = lazy(
    r"^(?P<origin>[^\s:]{1,300})(?::(?: line)? (?P<lineno>\d{1,7}))?: (?P<body>[^\n]{1,2000})$", re.M
)
_DASH_C = lazy(r"^-c: line (?P<lineno>\d{1,7}): ")
_ERRNO = lazy(r"^\[Errno \d+\] ")
_QUOTED = lazy(r"['\u2018\"`]([^'\u2019\"`\n]{1,500})['\u2019\"`]$")
_VERB = lazy(r"^(?:can't|cannot|could not|failed to) (?:read|open|stat|access|find|create)(?: file)? ")
_COMMAND_WORD = lazy(r"^[\w.+@/-]{1,200}$")
_REDIRECT = lazy(r"(?:^|[\s;&|(])\d?(?:>>?|&>>?|>\|)\s*['\"]?(?P<target>[^\s;&|<>()'\"]+)")
_ZSH_NOT_FOUND = lazy(r"^zsh:(?:\d+:)? command not found: (?P<name>\S{1,200})$", re.M)
_BAD_INTERPRETER = lazy(
    r"^[^\s:]{1,300}(?::(?: line)? \d{1,7})?: (?P<script>[^\n:]{1,500}): (?P<interpreter>[^\n:]{0,300}?)"
    r"(?P<cr>\r?): bad interpreter: No such file or directory",
    re.M,
)
_REQUIRED_FILE = "cannot execute: required file not found"
MAKE_RECIPE = lazy(
    r"^g?make(?:\[\d{1,3}\])?: \*\*\* \[(?:(?P<file>[^:\]\n]{1,300}):(?P<line>\d{1,7}): )?"
    r"(?P<target>[^\]\n]{1,300})\] (?P<status>Error (?P<code>\d{1,3})|[A-Z][a-z]+(?: [a-z]+){0,3})",
    re.M,
)
MAKE_NO_RULE = lazy(
    r"^g?make(?:\[\d{1,3}\])?: \*\*\* No rule to make target "
    r"['\u2018`](?P<target>[^'\u2019\n]{1,300})['\u2019]"
    r"(?:, needed by ['\u2018`](?P<needed>[^'\u2019\n]{1,300})['\u2019])?\.",
    re.M,
)
MAKE_NO_MAKEFILE = lazy(r"^g?make(?:\[\d{1,3}\])?: \*\*\* No targets specified and no makefile found", re.M)


@dataclass(frozen=True)
class CommandContext:
    """What the command line runs, as typed: the programs, every word, the redirect targets."""

    programs: frozenset[str]
    words: frozenset[str]
    redirects: frozenset[str]

    @classmethod
    def of(cls, command: str) -> CommandContext:
        simple = commandline.simple_commands(command)
        programs = frozenset(p for p in (commandline.typed_program(s) for s in simple) if p)
        words = frozenset(_normal_name(w) for w in re.findall(r"[^\s'\"|;&()<>]+", command))
        redirects = frozenset(m["target"] for m in _REDIRECT.finditer(command))
        return cls(programs, words, redirects)

    def origin_kind(self, origin: str, lineno: str | None) -> str | None:
        """`shell`, `script` or `program` when this prefix can be the command's own; else None."""
        name = os.path.basename(origin)
        if name in SHELLS:
            return "shell"
        if name == "env":  # a script's `#!/usr/bin/env python3` line: the script is the command
            return "program"
        if lineno is not None or name.endswith((".sh", ".bash")):
            return "script" if _normal_name(origin) in self.words or "/" in origin else None
        return "program" if _normal_name(origin) in self.words else None


@dataclass(frozen=True)
class Diagnostic:
    """One `origin: subject: message` line printed by a shell, a script or a program."""

    origin: str
    kind: str
    lineno: int | None
    subject: str
    message: str
    evidence: str
    offset: int

    @property
    def path(self) -> str:
        """The file the diagnostic is about: a quoted name in the subject, else its last part."""
        quoted = _QUOTED.search(self.subject)
        if quoted:
            return quoted.group(1)
        return _VERB.sub("", self.subject.rsplit(": ", 1)[-1])

    @property
    def builtin(self) -> str:
        """`cd`, `source`, ... when the subject is `builtin: argument`."""
        head, sep, _ = self.subject.partition(": ")
        return head if sep else ""


def parse_shell(obs: Observation, text: str) -> list[Finding]:
    """Shell-level findings of one Bash observation."""
    if obs.tool_name != "Bash":
        return []
    context = CommandContext.of(obs.command)
    findings = [f for d in diagnostics(text, context) if (f := diagnostic_finding(d, obs, context))]
    findings += _zsh_findings(text, obs)
    findings += _bad_interpreter_findings(obs)
    findings += make_findings(text)
    findings += signals.signal_findings(obs, text, findings)
    return findings


def diagnostics(text: str, context: CommandContext) -> Iterator[Diagnostic]:
    """The diagnostic lines whose prefix belongs to the command line (each distinct line once)."""
    seen: set[str] = set()
    for match in DIAGNOSTIC.finditer(text):
        if match.group(0) in seen:
            continue
        if len(seen) >= MAX_DIAGNOSTICS:
            return
        seen.add(match.group(0))
        kind = context.origin_kind(match["origin"], match["lineno"])
        if kind is None:
            continue
        body, lineno = match["body"], match["lineno"]
        dash_c = _DASH_C.match(body)
        if dash_c:  # `bash: -c: line 1: syntax error ...`: the command line itself
            body, lineno = body[dash_c.end() :], None
        subject, _, message = body.rpartition(": ")
        yield Diagnostic(
            origin=match["origin"],
            kind=kind,
            lineno=int(lineno) if lineno else None,
            subject=subject,
            message=_ERRNO.sub("", message).strip(),
            evidence=match.group(0).strip(),
            offset=match.start(),
        )


def diagnostic_finding(diag: Diagnostic, obs: Observation, context: CommandContext) -> Finding | None:
    """The finding one diagnostic stands for, or None when it says nothing we classify."""
    message, body = diag.message, f"{diag.subject}: {diag.message}" if diag.subject else diag.message
    if message in ("command not found", "not found", "Command not found") and _is_command_word(diag.subject):
        return not_found_finding(diag.subject, diag, obs)
    if message.startswith(("No such file or directory", "No such file")) and diag.subject:
        return missing_path_finding(diag, obs, context)
    if message in ("Permission denied", "Operation not permitted", "Read-only file system"):
        return permission_finding(diag, obs, context)
    if body.endswith(_REQUIRED_FILE):
        script = diag.subject.removesuffix(": cannot execute")
        return bad_interpreter_finding(script, "", diag, obs)
    if message == "unbound variable":
        name = diag.subject
        text = (
            f"`${name}` is not set (the script runs with `set -u`): export it, or use `${{{name}:-default}}`"
        )
        return _finding("name", "high", text, diag, obs, name=name)
    if body.startswith(("syntax error", "Syntax error")) or "unexpected EOF while looking for" in body:
        where = "the script" if diag.kind == "script" else "the command line"
        return _finding("syntax", "high", f"shell syntax error in {where}: {body}", diag, obs)
    return None


def not_found_finding(name: str, diag: Diagnostic | None, obs: Observation, evidence: str = "") -> Finding:
    """`carg: command not found`: the closest known command, an alternative, or how to install it."""
    data = command_data()
    alternatives = data.alternatives.get(name, ())
    guess = None if alternatives else closest_command(name)
    replacement = guess or (alternatives[0] if alternatives else None)
    fixed = _replace_word(obs.command, name, replacement) if replacement else None
    if guess:
        text = f"`{name}` is not a command: did you mean `{guess}`?"
    elif alternatives:
        text = f"`{name}` is not on PATH here: use `{'` or `'.join(alternatives)}`"
    else:
        text = f"`{name}` is not installed or not on PATH"
    install = data.install.get(name)
    if install and not guess:
        text += f" (install: {install})"
    remedy = None
    if fixed:
        remedy = Remedy(kind="command", summary=f"run `{fixed}`", command=fixed, confidence=0.6, source=TOOL)
    finding = _finding("command", "high", text, diag, obs, name=name, remedy=remedy, evidence=evidence)
    finding.details.update({"did_you_mean": guess, "alternatives": list(alternatives)})
    finding.playbook = "command-not-found"
    return finding


def missing_path_finding(diag: Diagnostic, obs: Observation, context: CommandContext) -> Finding:
    """`No such file or directory`: for the program itself, a `cd`, a sourced script, or an argument."""
    path, builtin = diag.path, diag.builtin
    cwd = f" (cwd: {obs.cwd})" if obs.cwd else ""
    if builtin in CD_BUILTINS:
        return _finding(
            "command", "high", f"`{builtin} {path}`: no such directory{cwd}", diag, obs, path=path
        )
    if builtin in SOURCE_BUILTINS or (diag.kind == "shell" and path not in context.programs):
        return _finding("command", "high", f"script `{path}` does not exist{cwd}", diag, obs, path=path)
    if diag.kind == "shell" or (diag.kind == "program" and _is_launcher(diag.origin)):
        if diag.kind == "program" and "/" not in path:
            return not_found_finding(path, diag, obs)
        text = f"the program `{path}` does not exist at that path{cwd}: check the name and the directory"
        return _finding("command", "high", text, diag, obs, path=path)
    program = os.path.basename(diag.origin)
    if diag.subject.startswith(("cannot create directory", "cannot touch")):
        text = f"`{program}`: the parent directory of `{path}` does not exist (`mkdir -p` creates it)"
    else:
        text = f"`{program}`: `{path}` does not exist{cwd}"
    return _finding("command", "medium", text, diag, obs, path=path)


def permission_finding(diag: Diagnostic, obs: Observation, context: CommandContext) -> Finding:
    """`Permission denied`: a script without the executable bit, a protected target, or a file op."""
    path = diag.path
    if diag.kind in ("shell", "script") and path in context.programs:
        local = relative_to_root(path, obs.project_root)
        runner = "python" if path.endswith(".py") else "bash"
        fix = f"chmod +x {local} && {path}"
        text = f"`{path}` is not executable: `chmod +x {local}`, or run it as `{runner} {local}`"
        remedy = Remedy(kind="command", summary=f"run `{fix}`", command=fix, confidence=0.6, source=TOOL)
        finding = _finding("permission", "high", text, diag, obs, path=path, remedy=remedy)
        if not os.path.isabs(local):
            finding.location = finding.location or Location(local)
        return finding
    if path in context.redirects:
        text = f"cannot write `{path}` ({diag.message}): redirect into a file you own, e.g. under the project"
    else:
        program = os.path.basename(diag.origin)
        text = (
            f"`{program}` was refused access to `{path}` ({diag.message}): check its owner and mode (`ls -l`)"
        )
    return _finding("permission", "high", text, diag, obs, path=path)


def bad_interpreter_finding(
    script: str,
    interpreter: str,
    diag: Diagnostic | None,
    obs: Observation,
    *,
    crlf: bool = False,
    evidence: str = "",
) -> Finding:
    """A script whose `#!` line names an interpreter that does not exist (often a CRLF ending)."""
    local = relative_to_root(script, obs.project_root)
    if crlf:
        text = f"bad interpreter: `{local}` has Windows (CRLF) line endings: its `#!` line ends in `\\r`"
    else:
        named = f" (`{interpreter}`)" if interpreter else ""
        text = (
            f"bad interpreter: the `#!` line of `{local}` names an interpreter that does not exist"
            f"{named}; a CRLF line ending (`#!/bin/bash\\r`) is the usual cause"
        )
    fix = f"sed -i 's/\\r$//' {local}"
    remedy = Remedy(
        kind="command",
        summary=f"strip carriage returns: `{fix}`",
        command=fix,
        confidence=0.6 if crlf else 0.4,
        source=TOOL,
    )
    finding = _finding("command", "high", text, diag, obs, path=script, remedy=remedy, evidence=evidence)
    if not os.path.isabs(local):
        finding.location = Location(local)
    return finding


def make_findings(text: str) -> list[Finding]:
    """`make: *** [Makefile:3: test] Error 2` (the innermost) and `No rule to make target`."""
    findings: list[Finding] = []
    if "make" not in text or "***" not in text:
        return findings
    recipe = MAKE_RECIPE.search(text)
    if recipe:
        where = f" ({recipe['file']}:{recipe['line']})" if recipe["file"] else ""
        status = f"exited with status {recipe['code']}" if recipe["code"] else f"died: {recipe['status']}"
        hint = (
            "a command in it was not found" if recipe["code"] == "127" else "the cause is in the output above"
        )
        message = f"make target `{recipe['target']}` failed: its recipe{where} {status}; {hint}"
        location = Location(recipe["file"], int(recipe["line"])) if recipe["file"] else None
        findings.append(_make_finding("medium", message, recipe, location, target=recipe["target"]))
    for match in MAKE_NO_RULE.finditer(text):
        if match["needed"]:
            message = (
                f"`{match['target']}`, needed by `{match['needed']}`, does not exist and no rule makes it"
            )
        else:
            message = (
                f"the Makefile has no target `{match['target']}`: "
                "list its targets with `grep -E '^[A-Za-z0-9_.-]+:' Makefile`"
            )
        findings.append(_make_finding("high", message, match, None, target=match["target"]))
    missing = MAKE_NO_MAKEFILE.search(text)
    if missing:
        message = "no Makefile here: run make in the directory that has one (`make -C DIR`)"
        findings.append(_make_finding("high", message, missing, None))
    return findings


def _make_finding(
    severity: Severity, message: str, match: re.Match[str], location: Location | None, **details: str
) -> Finding:
    return Finding(
        category="command",
        severity=severity,
        tool="make",
        message=message,
        location=location,
        confidence=0.85,
        pattern_id="shell-make",
        details={
            **details,
            "evidence": match.group(0).strip(),
            "offset": match.start(),
            "spans": [[match.start(), match.end()]],
        },
    )


def _zsh_findings(text: str, obs: Observation) -> list[Finding]:
    if "zsh:" not in text:
        return []
    return [
        not_found_finding(m["name"], None, obs, evidence=m.group(0)) for m in _ZSH_NOT_FOUND.finditer(text)
    ]


def _bad_interpreter_findings(obs: Observation) -> list[Finding]:
    """Old bash's `x.sh: /bin/bash^M: bad interpreter`, read from the raw output (the `\\r` matters)."""
    if "bad interpreter" not in obs.output:
        return []
    raw = ANSI.sub("", obs.output).replace("\r\n", "\n")
    return [
        bad_interpreter_finding(
            m["script"],
            m["interpreter"],
            None,
            obs,
            crlf=bool(m["cr"]),
            evidence=m.group(0).replace("\r", "^M"),
        )
        for m in _BAD_INTERPRETER.finditer(raw)
    ]


def _finding(
    category: str,
    severity: Severity,
    message: str,
    diag: Diagnostic | None,
    obs: Observation,
    *,
    remedy: Remedy | None = None,
    evidence: str = "",
    **details: str,
) -> Finding:
    """A shell finding; a diagnostic printed by a script is located at the script's line."""
    location = None
    if diag is not None and diag.kind == "script" and diag.lineno is not None:
        location = Location(relative_to_root(diag.origin, obs.project_root), diag.lineno)
    facts: dict[str, object] = {k: v for k, v in details.items() if v}
    if diag is not None:
        facts.update(evidence=diag.evidence, offset=diag.offset)
        facts["spans"] = [[diag.offset, diag.offset + len(diag.evidence)]]
    elif evidence:
        facts["evidence"] = evidence
    return Finding(
        category=category,
        severity=severity,
        tool=TOOL,
        message=message,
        location=location,
        remedy=remedy,
        confidence=0.9,
        pattern_id=f"shell-{category}",
        playbook=PLAYBOOKS.get(category),
        details=facts,
    )


def _normal_name(word: str) -> str:
    """`/usr/bin/python3.11` → `python`: a program's name without its folder or version."""
    name = os.path.basename(word.strip("'\""))
    return re.sub(r"(?<=[a-z])[\d.]+$", "", name) or name


def _is_command_word(word: str) -> bool:
    return bool(_COMMAND_WORD.match(word))


def _is_launcher(origin: str) -> bool:
    """Programs that run another program named in their arguments (`env pythn`, `timeout 5 carg`)."""
    return os.path.basename(origin) in {"env", "timeout", "xargs", "nohup", "nice", "sudo", "exec", "make"}


def _replace_word(command: str, word: str, replacement: str) -> str | None:
    """The command with its first whole-word `word` replaced, or None when the word is not there."""
    pattern = re.compile(rf"(?<![\w./-]){re.escape(word)}(?![\w.-])")
    fixed, count = pattern.subn(lambda _: replacement, command, count=1)
    return fixed if count else None
