"""What a shell command line runs: its programs, whether it only shows files, whether it tests.

Standard library only (the hook's hot path uses it). The parsing is deliberately shallow: it
splits on the shell's control operators outside quotes and looks through the wrappers people put
in front of a program (`sudo`, `timeout 60`, `uv run`, `python -m`, `FOO=1 ...`).
"""

from __future__ import annotations

import re

from healing_hooks.lazyre import lazy

_OPERATOR = lazy(r"\|\||&&|[|;&\n]|\(|\)")
_ASSIGNMENT = lazy(r"^[A-Za-z_][A-Za-z0-9_]*=")
_WORD = lazy(r"""'[^']*'|"(?:\\.|[^"\\])*"|[^\s'"]+""")

# Wrappers that run the next word as the real program; the number is how many words of
# arguments they take before it (None: skip words that start with "-").
_WRAPPERS: dict[str, int | None] = {
    "sudo": None,
    "time": None,
    "nice": None,
    "nohup": None,
    "env": None,
    "exec": None,
    "command": None,
    "builtin": None,
    "stdbuf": None,
    "xargs": None,
    "timeout": 1,
    "gtimeout": 1,
    "watch": None,
}
_RUNNERS = {  # `uv run X`, `poetry run X`, `npx X`, ...
    ("uv", "run"),
    ("poetry", "run"),
    ("pipenv", "run"),
    ("pdm", "run"),
    ("hatch", "run"),
    ("rye", "run"),
    ("conda", "run"),
    ("pixi", "run"),
}
_SINGLE_RUNNERS = {"npx", "pnpx", "bunx", "uvx", "pipx"}

VIEWERS = frozenset(
    {
        "cat",
        "bat",
        "less",
        "more",
        "head",
        "tail",
        "grep",
        "egrep",
        "fgrep",
        "rg",
        "ag",
        "ack",
        "ls",
        "ll",
        "tree",
        "find",
        "fd",
        "wc",
        "sort",
        "uniq",
        "cut",
        "tr",
        "echo",
        "printf",
        "pwd",
        "which",
        "type",
        "file",
        "stat",
        "du",
        "df",
        "diff",
        "cmp",
        "jq",
        "yq",
        "column",
        "nl",
        "tac",
        "awk",
        "sed",
        "git log",
        "git show",
        "git diff",
        "git status",
        "git blame",
        "git grep",
        "git branch",
        "git remote",
        "git tag",
        "git stash list",
        "git reflog",
        "git shortlog",
        "cd",
        "true",
        "date",
        "whoami",
        "env",
        "printenv",
        "history",
        "man",
        "xxd",
        "hexdump",
        "od",
        "strings",
        "basename",
        "dirname",
        "realpath",
        "readlink",
        "sleep",
        "test",
        "[",
    }
)
"""Programs whose output is somebody else's text: an error word in it is not our error."""

EXIT_ONE_IS_SUCCESS = frozenset(
    {
        "grep",
        "egrep",
        "fgrep",
        "rg",
        "ag",
        "ack",
        "find",
        "diff",
        "cmp",
        "test",
        "[",
        "git diff",
        "git grep",
    }
)
"""Programs for which exit status 1 means "no match" or "differs", not failure."""

TEST_RUNNERS = frozenset(
    {
        "pytest",
        "py.test",
        "python -m pytest",
        "python -m unittest",
        "cargo test",
        "cargo nextest",
        "npm test",
        "npm run test",
        "yarn test",
        "pnpm test",
        "bun test",
        "go test",
        "tox",
        "nox",
        "jest",
        "vitest",
        "mocha",
        "python -m tox",
        "make test",
        "python -m nose2",
        "nose2",
        "ctest",
        "deno test",
    }
)
"""Programs that run a test suite: every run of them is worth a line in test-history.log."""
NODE_TEST_FLAG = lazy(r"(?:^|\s)--test(?:[\s=]|$)")


def simple_commands(command: str) -> list[str]:
    """Split a command line into its simple commands (pipelines, lists and subshells undone)."""
    parts: list[str] = []
    start = 0
    for match in _scan_operators(command):
        parts.append(command[start : match[0]])
        start = match[1]
    parts.append(command[start:])
    return [part.strip() for part in parts if part.strip()]


def _scan_operators(command: str) -> list[tuple[int, int]]:
    """Positions of control operators that stand outside quotes."""
    spans: list[tuple[int, int]] = []
    quote = ""
    i = 0
    while i < len(command):
        char = command[i]
        if quote:
            if char == "\\" and quote == '"':
                i += 2
                continue
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "\\":
            i += 2
            continue
        else:
            match = _OPERATOR.match(command, i)
            if match and not _is_redirection(command, i):
                spans.append(match.span())
                i = match.end()
                continue
        i += 1
    return spans


def _is_redirection(command: str, i: int) -> bool:
    """`2>&1` and `&>` hold an ampersand that is no operator."""
    return command[i] == "&" and (command[i - 1 : i] in (">", "<") or command[i + 1 : i + 2] == ">")


def program_of(simple: str) -> str:
    """The program a simple command runs, with wrappers looked through (`git log`, `cargo test`)."""
    words = [_unquote(w) for w in _WORD.findall(simple)]
    words = [w for w in words if not _is_redirect_word(w)]
    while words:
        first = words[0]
        if _ASSIGNMENT.match(first):
            words = words[1:]
            continue
        name = first.rsplit("/", 1)[-1]
        if name in _WRAPPERS:
            words = _skip_wrapper_args(words[1:], _WRAPPERS[name])
            continue
        if len(words) > 1 and (name, words[1]) in _RUNNERS:
            words = words[2:]
            continue
        if name in _SINGLE_RUNNERS:
            words = [w for w in words[1:] if not w.startswith("-")][:1] + words[2:]
            continue
        return _with_subcommand(name, words[1:])
    return ""


def typed_program(simple: str) -> str:
    """The program word of a simple command as typed (`./deploy.sh`, `carg`), wrappers skipped."""
    words = [_unquote(w) for w in _WORD.findall(simple)]
    words = [w for w in words if not _is_redirect_word(w)]
    while words:
        first = words[0]
        if _ASSIGNMENT.match(first):
            words = words[1:]
            continue
        name = first.rsplit("/", 1)[-1]
        if name not in _WRAPPERS:
            return first
        words = _skip_wrapper_args(words[1:], _WRAPPERS[name])
    return ""


def _skip_wrapper_args(words: list[str], count: int | None) -> list[str]:
    if count is None:
        while words and words[0].startswith("-"):
            words = words[1:]
        return words
    while words and words[0].startswith("-"):
        words = words[1:]
    return words[count:]


def _with_subcommand(name: str, rest: list[str]) -> str:
    """Name the tools whose subcommand changes what they are (`git log`, `cargo test`)."""
    if re.fullmatch(r"python(?:\d(?:\.\d+)?)?|py", name):
        if len(rest) >= 2 and rest[0] == "-m":
            return f"python -m {rest[1]}"
        return "python"
    args = _positional(rest, _OPTIONS_WITH_VALUE.get(name, frozenset()))
    if name in {"git", "cargo", "go", "npm", "yarn", "pnpm", "bun", "make", "deno"} and args:
        if name in {"npm", "pnpm", "yarn"} and args[0] == "run" and len(args) > 1:
            return f"{name} run {args[1]}"
        if name == "git" and args[0] == "stash" and len(args) > 1:
            return f"git stash {args[1]}"
        return f"{name} {args[0]}"
    return name


_OPTIONS_WITH_VALUE = {
    "git": frozenset({"-C", "-c", "--git-dir", "--work-tree", "--namespace"}),
    "cargo": frozenset({"-Z", "--config", "--color"}),
    "make": frozenset({"-C", "-f", "-j", "--directory", "--file"}),
    "npm": frozenset({"--prefix", "-w", "--workspace"}),
    "go": frozenset({"-C"}),
}


def _positional(words: list[str], valued: frozenset[str]) -> list[str]:
    """The words that are not options (nor the values of options that take one)."""
    positional: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word in valued:
            skip = True
        elif not word.startswith("-"):
            positional.append(word)
    return positional


def _unquote(word: str) -> str:
    if len(word) >= 2 and word[0] == word[-1] and word[0] in "'\"":
        return word[1:-1]
    return word


def _is_redirect_word(word: str) -> bool:
    return bool(re.match(r"^\d*[<>]{1,2}&?\d*$|^\d*>&\d+$|^&>", word))


def programs(command: str) -> list[str]:
    """Every program the command line runs, in order."""
    return [p for p in (program_of(s) for s in simple_commands(command)) if p]


def _normal(program: str) -> str:
    return "python -m pytest" if program == "python -m py.test" else program


def only_views_files(command: str) -> bool:
    """True when every program in the line just shows text (cat, grep, git log, ...)."""
    found = programs(command)
    return bool(found) and all(p in VIEWERS for p in found)


def runs_tests(command: str) -> bool:
    """True when the line runs a test suite (`node --test` too: node's own runner)."""
    found = programs(command)
    if any(_normal(p) in TEST_RUNNERS for p in found):
        return True
    return "node" in found and NODE_TEST_FLAG.search(command) is not None


def exit_status_is_benign(command: str, exit_code: int | None) -> bool:
    """Exit 1 of the last program of grep-like lines means "nothing found", not an error."""
    found = programs(command)
    return exit_code == 1 and bool(found) and found[-1] in EXIT_ONE_IS_SUCCESS


STATUS_MASKING_OPERATORS = frozenset({"|", "||", ";", "&", "\n"})
"""Operators after which the line's exit status is no longer the earlier program's."""

PASS_THROUGH = VIEWERS | {"tee", ":", "exit"}
"""Programs that only pass on, show or end with text: their exit status says nothing about the work."""


def exit_status_is_masked(command: str) -> bool:
    """True when the line's exit status may hide its main program's: `pytest | tail`, `make || true`.

    The main program is the last one that does more than show text; its status is masked when a
    pipe (without `pipefail`), `||`, `;` or `&` follows it. `pytest && echo ok` is not masked.
    """
    parts = _parts_and_operators(command)
    main = max((i for i, (part, _) in enumerate(parts) if program_of(part) not in PASS_THROUGH), default=None)
    if main is None:
        return False
    following = {op for _, operators in parts[main:-1] for op in operators}
    if "pipefail" in command:
        following.discard("|")
    return bool(following & STATUS_MASKING_OPERATORS)


def _parts_and_operators(command: str) -> list[tuple[str, list[str]]]:
    """Each simple command with the control operators that follow it (parentheses dropped)."""
    parts: list[tuple[str, list[str]]] = []
    start = 0
    for begin, end in _scan_operators(command):
        part = command[start:begin].strip()
        if part:
            parts.append((part, []))
        if parts:
            parts[-1][1].append(command[begin:end])
        start = end
    tail = command[start:].strip()
    if tail:
        parts.append((tail, []))
    return parts
