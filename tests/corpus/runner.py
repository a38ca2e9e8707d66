"""Run corpus cases for real and turn their output into the payloads Claude Code sends.

A case is a small project (files), the command an agent would type in its root, and what a good
detector should find in the output (`Expect`), or `None` when the output is healthy and the hook
must stay silent. `run_case` runs the command the way the host does (``bash -c``, no stdin, no tty,
stdout and stderr merged in one pipe) and `to_payload` builds the PostToolUse / PostToolUseFailure
event from the recording, following docs in DESIGN.md ("Facts of the host").
"""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The categories a finding may carry: DESIGN.md's list, then the few the corpus adds for plain
# exceptions ("runtime" is any other exception or failure without a better name).
CATEGORIES = (
    "import", "dependency", "async", "rust", "test", "timeout", "syntax", "type", "name",
    "attribute", "command", "permission", "network", "lint",
    "value", "key", "assertion", "runtime",
)  # fmt: skip

# Commands whose exit code 1 the host reports as success (PostToolUse), per DESIGN.md.
EXIT_ONE_IS_SUCCESS = ("grep", "rg", "egrep", "fgrep", "find", "diff", "test", "[")
EXIT_ONE_IS_SUCCESS_GIT = ("diff", "grep")

HOST_TRUNCATION_LIMIT = 10_000
MODULE_PREFIX = "py:"  # a `requires` entry naming an importable module of the venv, not a program

# Variables of the recording process that would change the tools' output: colours, widths,
# and whatever an outer pytest run or virtualenv leaves behind.
_UNSTABLE_ENV = (
    "FORCE_COLOR", "PY_COLORS", "CLICOLOR_FORCE", "CARGO_TERM_COLOR", "COLUMNS", "LINES",
    "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONWARNINGS", "PYTHONDEVMODE",
    "PYTHONUNBUFFERED", "VIRTUAL_ENV", "NODE_OPTIONS", "NODE_PATH", "RUSTFLAGS", "CARGO_TARGET_DIR",
    "GOFLAGS", "CLAUDE_PROJECT_DIR", "RUST_BACKTRACE", "RUST_LOG", "NO_COLOR",
    "CI", "BUILD_NUMBER", "GITHUB_ACTIONS",  # pytest stops truncating assertion diffs under CI
)  # fmt: skip
_QUIET_ENV = {
    "GOPROXY": "off",  # no network for go, ever
    "GOTOOLCHAIN": "local",
    "GOTELEMETRY": "off",
    "NPM_CONFIG_UPDATE_NOTIFIER": "false",  # npm would ask the registry for a newer npm
    "NPM_CONFIG_FUND": "false",
    "NPM_CONFIG_AUDIT": "false",
    "NO_UPDATE_NOTIFIER": "1",
    "CARGO_NET_OFFLINE": "true",
    "LC_ALL": "C.UTF-8",
    "LANG": "C.UTF-8",
    "TERM": "xterm-256color",  # the host's shell inherits a terminal's TERM (rustfmt colours by it)
}


@dataclass(frozen=True)
class Expect:
    """What a good finding says about a failure's output."""

    category: str
    file: str | None = None  # project-relative posix path of the precise place
    line: int | None = None
    facts: tuple[str, ...] = ()  # substrings of the output a good finding must mention


@dataclass(frozen=True)
class Case:
    """A project, the command an agent runs in its root, and what the output means."""

    name: str
    tool: str
    files: dict[str, str]
    command: str
    expect: Expect | None  # None: healthy output, the hook stays silent
    requires: tuple[str, ...] = ()  # executables needed besides bash/python ("py:mod" = module)
    timeout: float = 120


@dataclass(frozen=True)
class Recorded:
    """One real run of a case."""

    case: Case
    root: Path
    command: str
    exit_code: int | None  # None when the runner had to kill the command (case timeout)
    output: str
    duration_ms: int
    interrupted: bool


def missing_requirements(case: Case) -> list[str]:
    """The entries of `case.requires` this machine lacks (programs on PATH, or py: modules)."""
    return [need for need in case.requires if not _available(need)]


def _available(need: str) -> bool:
    if need.startswith(MODULE_PREFIX):
        probe = [sys.executable, "-c", f"import {need[len(MODULE_PREFIX) :]}"]
        return subprocess.run(probe, capture_output=True, check=False).returncode == 0
    return shutil.which(need, path=tool_path()) is not None


def tool_path() -> str:
    """PATH for a case: the venv's bin first, so `python`, `pytest`, `mypy`, `ruff` are its."""
    venv_bin = str(Path(sys.executable).parent)
    return os.pathsep.join([venv_bin, os.environ.get("PATH", os.defpath)])


def account_home() -> str:
    """The user's real home, whatever HOME a test fixture may have set (rustup's cargo needs it)."""
    return pwd.getpwuid(os.getuid()).pw_dir


def case_env() -> dict[str, str]:
    """The environment a case command runs in: ours, minus what makes output unstable."""
    env = {k: v for k, v in os.environ.items() if not _unstable(k)}
    env.update(_QUIET_ENV)
    env["PATH"] = tool_path()
    env["HOME"] = account_home()
    return env


def _unstable(key: str) -> bool:
    return key in _UNSTABLE_ENV or key.startswith("PYTEST_")


def write_files(root: Path, files: Mapping[str, str]) -> None:
    """Write the case's project files under root (parents created, UTF-8, mode 0644)."""
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")


def new_case_root(case: Case) -> Path:
    """A fresh directory for a case in the system temp dir, outside any project (mode 0755)."""
    root = Path(tempfile.mkdtemp(prefix=f"corpus-{case.name}-"))
    root.chmod(0o755)
    return root


def run_case(case: Case, root: Path) -> Recorded:
    """Write the case's files into root and run its command there as the host would."""
    root.mkdir(parents=True, exist_ok=True)
    root.chmod(0o755)  # cases that drop privileges (setpriv) must be able to enter the root
    write_files(root, case.files)
    started = time.monotonic()
    exit_code, raw, interrupted = _run_shell(case.command, root, case.timeout)
    duration_ms = int((time.monotonic() - started) * 1000)
    output = raw.decode("utf-8", errors="replace")
    return Recorded(case, root, case.command, exit_code, output, duration_ms, interrupted)


def _run_shell(command: str, cwd: Path, timeout: float) -> tuple[int | None, bytes, bool]:
    """Run `bash -c command`; return (exit code, merged output, killed by our timeout)."""
    proc = subprocess.Popen(
        ["bash", "-c", command],
        cwd=cwd,
        env=case_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # no controlling tty, and one process group to kill
    )
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc.pid)
        out, _ = proc.communicate()
        return None, out, True
    finally:
        _kill_group(proc.pid)  # background children a case may leave behind
    return _shell_exit_code(proc.returncode), out, False


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _shell_exit_code(returncode: int) -> int:
    """Popen's -N (killed by signal N) as a shell reports it: 128 + N."""
    return 128 - returncode if returncode < 0 else returncode


def host_counts_as_success(command: str, exit_code: int | None) -> bool:
    """Whether the host fires PostToolUse (success) for this command and exit code."""
    if exit_code == 0:
        return True
    if exit_code != 1:
        return False
    words = _words(command)
    if not words:
        return False
    if words[0] == "git":
        return len(words) > 1 and words[1] in EXIT_ONE_IS_SUCCESS_GIT
    return words[0] in EXIT_ONE_IS_SUCCESS


def _words(command: str) -> list[str]:
    try:
        return shlex.split(command)
    except ValueError:
        return command.split()


def truncate_middle(text: str, limit: int = HOST_TRUNCATION_LIMIT) -> str:
    """Cut text over limit in the middle, keeping its head and tail, as the host does."""
    if len(text) <= limit:
        return text
    head = text[: limit // 2]
    tail = text[len(text) - (limit - len(head)) :]
    cut = len(text) - len(head) - len(tail)
    return f"{head}\n\n... [{cut} characters truncated] ...\n\n{tail}"


def to_payload(
    rec: Recorded, *, session_id: str = "corpus", tool_use_id: str = "toolu_corpus"
) -> dict[str, Any]:
    """The hook payload Claude Code sends for this recorded Bash call (see DESIGN.md)."""
    common: dict[str, Any] = {
        "session_id": session_id,
        "transcript_path": str(Path(account_home()) / ".claude" / "projects" / f"{session_id}.jsonl"),
        "cwd": str(rec.root),
    }
    tool_input = {"command": rec.command, "description": _description(rec.case)}
    if not rec.interrupted and host_counts_as_success(rec.command, rec.exit_code):
        return {
            **common,
            "hook_event_name": "PostToolUse",
            "permission_mode": "default",
            "tool_name": "Bash",
            "tool_input": tool_input,
            "tool_response": {
                "stdout": truncate_middle(rec.output),
                "stderr": "",
                "interrupted": False,
                "isImage": False,
            },
            "tool_use_id": tool_use_id,
        }
    return {
        **common,
        "hook_event_name": "PostToolUseFailure",
        "permission_mode": "default",
        "tool_name": "Bash",
        "tool_input": tool_input,
        "tool_use_id": tool_use_id,
        "error": truncate_middle(_error_text(rec)),
        "is_interrupt": rec.interrupted,
    }


def _error_text(rec: Recorded) -> str:
    """The host joins "Exit code N" and the output with a newline, trims, and never sends "".

    Source: Claude Code's toolErrors formatError (see docs/protocol.md).
    """
    parts = [f"Exit code {rec.exit_code}" if rec.exit_code is not None else "", rec.output]
    return "\n".join(p for p in parts if p).strip() or "Command failed with no output"


def _description(case: Case) -> str:
    return case.name.replace("-", " ").capitalize()


def check_unique_names(cases: Iterable[Case]) -> None:
    """Raise ValueError naming every case name used more than once."""
    counts = Counter(case.name for case in cases)
    dupes = sorted(name for name, n in counts.items() if n > 1)
    if dupes:
        raise ValueError(f"corpus case names used more than once: {', '.join(dupes)}")


def check_case(case: Case) -> None:
    """Raise ValueError when a case's declared data cannot be right (category, paths)."""
    exp = case.expect
    if exp is None:
        return
    if exp.category not in CATEGORIES:
        raise ValueError(f"case {case.name}: unknown category {exp.category!r}")
    if exp.file is not None and (exp.file.startswith("/") or "\\" in exp.file):
        raise ValueError(f"case {case.name}: expect.file must be project-relative posix")


def source(text: str) -> str:
    """A case file's content from an indented triple-quoted string."""
    return textwrap.dedent(text).lstrip("\n")
