"""Shell-level failures: real bash/dash/coreutils/make output → category, place, advice.

The output lines were recorded from bash 5.2, dash, GNU coreutils 9 and GNU make 4.3 (old bash
wording is marked); the last table holds output that looks alarming and must stay quiet.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from healing_hooks.detect import detect
from healing_hooks.detect.closest import closest_command, edit_distance
from healing_hooks.detect.patterns import PatternLibrary
from healing_hooks.detect.shell import parse_shell
from healing_hooks.detect.text import clean_output
from healing_hooks.findings import Finding
from healing_hooks.observation import Observation, observation_from_payload

ROOT = "/home/dev/shop"
NO_PATTERNS = PatternLibrary([])


def observe(command: str, output: str, exit_code: int | None, *, interrupted: bool = False) -> Observation:
    """The Observation of a Bash call as the host reports it (failure unless exit 0)."""
    payload: dict[str, Any] = {"cwd": ROOT, "tool_name": "Bash", "tool_input": {"command": command}}
    if exit_code == 0 and not interrupted:
        payload.update(
            hook_event_name="PostToolUse",
            tool_response={"stdout": output, "stderr": "", "interrupted": False},
        )
    else:
        head = f"Exit code {exit_code}\n" if exit_code is not None else ""
        payload.update(hook_event_name="PostToolUseFailure", error=head + output, is_interrupt=interrupted)
    return observation_from_payload(payload, {"CLAUDE_PROJECT_DIR": ROOT})


def shell_findings(command: str, output: str, exit_code: int | None = 1, **kw: bool) -> list[Finding]:
    obs = observe(command, output, exit_code, **kw)
    return parse_shell(obs, clean_output(obs.output))


def only(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, [f.message for f in findings]
    return findings[0]


@pytest.mark.parametrize(
    ("command", "output", "exit_code", "category", "says", "where"),
    [
        (
            "carg build",
            "bash: line 1: carg: command not found\n",
            127,
            "command",
            "did you mean `cargo`",
            None,
        ),
        ("pyhton x.py", "bash: line 1: pyhton: command not found\n", 127, "command", "`python`", None),
        ("npm run build", "> tsc\n\nsh: 1: tsc: not found\n", 127, "command", "npx tsc", None),
        ("zsh -c gti", "zsh:1: command not found: gti\n", 127, "command", "`git`", None),
        (
            "./x.py",
            "/usr/bin/env: \u2018pyhton3\u2019: No such file or directory\n",
            127,
            "command",
            "`python3`",
            None,
        ),
        (
            "timeout 5 carg test",
            "timeout: failed to run command \u2018carg\u2019: No such file or directory\n",
            127,
            "command",
            "`cargo`",
            None,
        ),
        ("bash ci.sh", "ci.sh: line 4: pytset: command not found\n", 127, "command", "`pytest`", "ci.sh:4"),
        (
            "./deploy.sh",
            "bash: line 1: ./deploy.sh: Permission denied\n",
            126,
            "permission",
            "chmod +x deploy.sh",
            "deploy.sh",
        ),
        (
            "echo v2 > /etc/hostname",
            "bash: line 1: /etc/hostname: Permission denied\n",
            1,
            "permission",
            "cannot write `/etc/hostname`",
            None,
        ),
        (
            "cp a.txt /root/x",
            "cp: cannot create regular file '/root/x': Permission denied\n",
            1,
            "permission",
            "`cp` was refused access to `/root/x`",
            None,
        ),
        (
            "./build.sh",
            "bash: line 1: ./build.sh: No such file or directory\n",
            127,
            "command",
            "the program `./build.sh` does not exist",
            None,
        ),
        (
            "bash nothere.sh",
            "bash: nothere.sh: No such file or directory\n",
            127,
            "command",
            "script `nothere.sh` does not exist",
            None,
        ),
        (
            "source env.sh",
            "bash: line 1: env.sh: No such file or directory\n",
            1,
            "command",
            "script `env.sh` does not exist",
            None,
        ),
        (
            "cd nowhere && ls",
            "bash: line 1: cd: nowhere: No such file or directory\n",
            1,
            "command",
            "`cd nowhere`: no such directory",
            None,
        ),
        (
            "cp config.toml config.bak",
            "cp: cannot stat 'config.toml': No such file or directory\n",
            1,
            "command",
            "`config.toml` does not exist",
            None,
        ),
        (
            "mkdir build/out",
            "mkdir: cannot create directory \u2018build/out\u2019: No such file or directory\n",
            1,
            "command",
            "mkdir -p",
            None,
        ),
        (
            "python app/mian.py",
            "/usr/bin/python3: can't open file '/home/dev/shop/app/mian.py': "
            "[Errno 2] No such file or directory\n",
            2,
            "command",
            "`/home/dev/shop/app/mian.py` does not exist",
            None,
        ),
        (
            "chmod +x setup.sh && ./setup.sh",
            "bash: line 1: ./setup.sh: cannot execute: required file not found\n",
            127,
            "command",
            "bad interpreter",
            "setup.sh",
        ),
        (
            "bash scripts/release.sh 1.2.0",
            "scripts/release.sh: line 8: syntax error: unexpected end of file\n",
            2,
            "syntax",
            "unexpected end of file",
            "scripts/release.sh:8",
        ),
        (
            "echo $(( 1 +",
            "bash: -c: line 1: unexpected EOF while looking for matching `)'\n",
            2,
            "syntax",
            "the command line",
            None,
        ),
        (
            "bash scripts/env.sh",
            "scripts/env.sh: line 3: DEPLOY_TARGET: unbound variable\n",
            1,
            "name",
            "${DEPLOY_TARGET:-default}",
            "scripts/env.sh:3",
        ),
    ],
)
def test_shell_diagnostics(
    command: str, output: str, exit_code: int, category: str, says: str, where: str | None
) -> None:
    finding = only(shell_findings(command, output, exit_code))
    assert finding.category == category
    assert says in finding.message + str(finding.remedy), finding.message
    assert (str(finding.location) if finding.location else None) == where
    assert finding.details["evidence"] == output.strip().splitlines()[-1]


def test_typo_remedy_is_the_corrected_command_line() -> None:
    finding = only(
        shell_findings(
            "echo building && carg build --release", "building\nbash: line 1: carg: command not found\n", 127
        )
    )
    assert finding.remedy is not None
    assert finding.remedy.command == "echo building && cargo build --release"
    assert finding.details["did_you_mean"] == "cargo"


def test_missing_tool_without_a_near_name_names_the_installer() -> None:
    finding = only(shell_findings("rg TODO src", "bash: line 1: rg: command not found\n", 127))
    assert "ripgrep" in finding.message
    assert finding.remedy is not None and finding.remedy.command == "grep -rn TODO src"


def test_old_bash_bad_interpreter_keeps_the_carriage_return() -> None:
    output = "bash: ./setup.sh: /bin/bash\r: bad interpreter: No such file or directory\n"
    finding = only(shell_findings("./setup.sh", output, 126))
    assert "CRLF" in finding.message and str(finding.location) == "setup.sh"
    assert finding.remedy is not None and finding.remedy.command == "sed -i 's/\\r$//' setup.sh"


@pytest.mark.parametrize(
    ("command", "output", "exit_code", "category", "says", "where"),
    [
        ("python train.py", "epoch 1/10\n", 137, "runtime", "Killed (SIGKILL, exit 137)", None),
        (
            "bash run_training.sh",
            "epoch 1/10\nrun_training.sh: line 3:  4242 Killed                  python train.py\n",
            137,
            "runtime",
            "`python train.py` died: Killed",
            "run_training.sh:3",
        ),
        ('python -c "import ctypes; ctypes.string_at(0)"', "", 139, "runtime", "Segmentation fault", None),
        (
            "./fuzz; echo done",
            "bash: line 1:  9731 Segmentation fault      (core dumped) ./fuzz\ndone\n",
            0,
            "runtime",
            "Segmentation fault",
            None,
        ),
        ("timeout 1 bash wait.sh", "waiting for db\n", 124, "timeout", "stopped the command after 1", None),
        (
            "pytest -x",
            "Command timed out after 2m 0s\ncollected 3 items\n\ntests/test_api.py ..",
            143,
            "timeout",
            "after 2m 0s",
            None,
        ),
        ("python serve.py", "Serving on :8000\n", 130, "timeout", "Interrupt (SIGINT", None),
        ("python serve.py", "Serving on :8000\n", 143, "runtime", "Terminated (SIGTERM", None),
    ],
)
def test_signals_and_timeouts(
    command: str, output: str, exit_code: int, category: str, says: str, where: str | None
) -> None:
    finding = only(shell_findings(command, output, exit_code))
    assert (finding.category, says in finding.message) == (category, True), finding.message
    assert (str(finding.location) if finding.location else None) == where


def test_a_timeout_quotes_how_far_the_command_got() -> None:
    output = "tests/test_slow.py::test_quick PASSED [ 50%]\ntests/test_slow.py::test_waits_for_server "
    finding = only(shell_findings("timeout 2 pytest -v", output, 124))
    assert "test_quick PASSED" in str(finding.details["last_output"])
    assert "test_waits_for_server" in finding.message


def test_host_interrupt_without_exit_code() -> None:
    finding = only(shell_findings("npm run dev", "ready on http://localhost:3000\n", None, interrupted=True))
    assert finding.category == "timeout" and "interrupted" in finding.message
    assert "ready on http://localhost:3000" in finding.message


def test_background_notice_is_low() -> None:
    output = "Command did not complete within its 120s timeout and was moved to the background (ID: b7)\n"
    finding = only(shell_findings("cargo build", output, 0))
    assert (finding.category, finding.severity) == ("timeout", "low")


@pytest.mark.parametrize(
    ("output", "says", "where", "severity"),
    [
        (
            "running checks\nmake: *** [Makefile:3: test] Error 2\n",
            "make target `test` failed",
            "Makefile:3",
            "medium",
        ),
        (
            "make[1]: *** [Makefile:9: build] Error 1\nmake: *** [Makefile:4: all] Error 2\n",
            "`build`",
            "Makefile:9",
            "medium",
        ),
        ("make: *** [test] Error 1\n", "make target `test` failed", None, "medium"),
        ("make: *** No rule to make target 'deploy'.  Stop.\n", "no target `deploy`", None, "high"),
        (
            "make: *** No rule to make target 'gen.h', needed by 'main.o'.  Stop.\n",
            "needed by `main.o`",
            None,
            "high",
        ),
        ("make: *** No targets specified and no makefile found.  Stop.\n", "no Makefile here", None, "high"),
    ],
)
def test_make(output: str, says: str, where: str | None, severity: str) -> None:
    finding = only(shell_findings("make test", output, 2))
    assert finding.category == "command" and says in finding.message
    assert (str(finding.location) if finding.location else None, finding.severity) == (where, severity)


def test_make_recipe_command_missing_names_both() -> None:
    output = "carg build\nmake: carg: No such file or directory\nmake: *** [Makefile:2: build] Error 127\n"
    findings = shell_findings("make build", output, 2)
    assert {f.message.split(":")[0] for f in findings} >= {"`carg` is not a command"}
    assert any("was not found" in f.message for f in findings)


@pytest.mark.parametrize(
    ("command", "output", "exit_code"),
    [
        # a program's log line that merely looks like a shell diagnostic
        ("python sync.py", "sync: /data/in: No such file or directory (will retry)\ndone\n", 1),
        ("python check.py", "settings.yaml: Permission denied\n", 1),
        # the command ran fine; the word is in its text
        ("echo 'bash: line 1: x: command not found'", "bash: line 1: x: command not found\n", 0),
        ("make", "make: Nothing to be done for 'all'.\n", 0),
        ("make build", "make: 'build' is up to date.\n", 0),
    ],
)
def test_quiet(command: str, output: str, exit_code: int) -> None:
    obs = observe(command, output, exit_code)
    assert [f.message for f in detect(obs, NO_PATTERNS) if f.severity != "low"] == []


@pytest.mark.parametrize(
    ("command", "output", "says"),
    [
        ("cat missing.txt", "cat: missing.txt: No such file or directory\n", "`missing.txt` does not exist"),
        (
            "ls /nonexistent",
            "ls: cannot access '/nonexistent': No such file or directory\n",
            "`/nonexistent`",
        ),
        ("cd nowhere && ls", "bash: line 1: cd: nowhere: No such file or directory\n", "`cd nowhere`"),
        ("grep -rn TODO srcs", "grep: srcs: No such file or directory\n", "`srcs` does not exist"),
        (
            "sed -n 1p notes.txt",
            "sed: can't read notes.txt: No such file or directory\n",
            "`notes.txt` does not",
        ),
    ],
)
def test_a_viewer_reports_its_own_failure(command: str, output: str, says: str) -> None:
    findings = detect(observe(command, output, 2 if command.startswith("grep") else 1), NO_PATTERNS)
    assert says in only(findings).message


def test_closest_command() -> None:
    assert closest_command("carg", ["cat", "cargo", "car"]) == "cargo"  # a tie: the first wins
    assert closest_command("carg") == "cargo"
    assert closest_command("pyhton") == "python"
    assert closest_command("gti") == "git"
    assert closest_command("sl", ["ls"]) == "ls"
    assert closest_command("x", ["xz"]) is None
    assert closest_command("qqqqqqqq", ["python"]) is None


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [("pyhton", "python", 1), ("carg", "cargo", 1), ("", "ab", 2), ("kitten", "sitting", 3), ("ab", "ab", 0)],
)
def test_edit_distance(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b) == distance


def test_a_diagnostic_repeated_by_a_loop_is_one_finding_and_cheap() -> None:
    output = "bash: line 3: carg: command not found\n" * 20_000
    started = time.perf_counter()
    findings = shell_findings("for i in $(seq 20000); do carg; done", output, 127)
    assert len(findings) == 1
    assert time.perf_counter() - started < 2.0
