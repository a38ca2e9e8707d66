"""detect's parser guards: a parser module is imported only when its guard holds, and a guard
never says no to an output its parser would find something in (the corpus side of this check is
`test_parser_guards_pass_every_output_their_parser_explains` in test_corpus.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from healing_hooks.observation import Observation
from tests.detect.guards import guard_misses, observation_misses
from tests.payloads import failure, success

PASTED = Path(__file__).resolve().parent.parent / "data" / "pasted"
PASTES = sorted(PASTED.glob("*.txt"))
COMMANDS = (
    "python main.py",
    "python -m pytest",
    "cargo build",
    "bash ci.sh",
    "make",
    "npm test",
    "go test ./...",
)
LINES = [line for path in PASTES for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("path", PASTES, ids=lambda path: path.stem)
def test_no_guard_turns_away_a_real_output_its_parser_explains(
    path: Path, command: str, tmp_path: Path
) -> None:
    text = path.read_text(encoding="utf-8")
    assert guard_misses(failure(command, text, 1, str(tmp_path))) == []
    assert guard_misses(success(command, text, str(tmp_path))) == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=st.lists(st.sampled_from(LINES), min_size=1, max_size=40),
    command=st.sampled_from(COMMANDS) | st.text(max_size=30),
    failed=st.booleans(),
)
def test_no_guard_turns_away_shuffled_real_lines(lines: list[str], command: str, failed: bool) -> None:
    obs = Observation(
        event="PostToolUseFailure" if failed else "PostToolUse",
        tool_name="Bash",
        command=command,
        output="\n".join(lines),
        exit_code=1 if failed else 0,
        interrupted=False,
        cwd="/nonexistent-guard-project",
        project_root="/nonexistent-guard-project",
    )
    assert observation_misses(obs) == []


IMPORTED_BY_DETECT = """
import json, sys
from healing_hooks.detect import detect
from healing_hooks.observation import observation_from_payload
payload = json.loads(sys.stdin.read())
detect(observation_from_payload(payload, {}))
print(json.dumps(sorted(m for m in sys.modules if m.startswith("healing_hooks.detect."))))
"""


def _modules_detect_imports(payload: dict[str, object]) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", IMPORTED_BY_DETECT], input=json.dumps(payload), capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    return {name.rsplit(".", 1)[-1] for name in json.loads(done.stdout)}


def test_a_python_traceback_imports_no_rust_go_node_or_linter_parser(tmp_path: Path) -> None:
    text = (PASTED / "py_win_modulenotfound_tracer.txt").read_text(encoding="utf-8")
    loaded = _modules_detect_imports(failure("python marl_train.py", text, 1, str(tmp_path)))
    assert {"python", "tracebacks"} <= loaded
    assert not loaded & {"rust", "cargo_test", "go", "node", "tsc", "node_test", "linters", "pytest"}


def test_a_rustc_error_imports_the_rust_parser_and_no_python_one(tmp_path: Path) -> None:
    text = (PASTED / "rust_e0382_use_after_move_box.txt").read_text(encoding="utf-8")
    loaded = _modules_detect_imports(failure("cargo build", text, 101, str(tmp_path)))
    assert "rust" in loaded
    assert not loaded & {"go", "node", "tsc", "pytest"}
