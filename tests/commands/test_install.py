"""`install` / `uninstall`: merge into real settings files at every scope, and take only ours out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from healing_hooks.cli import main
from healing_hooks.install.entries import REGISTRATIONS, hook_command, is_our_command
from healing_hooks.install.settings import our_entries
from tests.conftest import run_cli
from tests.corpus.runner import Case, run_case, to_payload

SETTINGS_SCHEMA = json.loads(
    (Path(__file__).parents[1] / "data/claude-settings-hooks.schema.json").read_text()
)

# A settings file as people have them: permissions, env, a formatter hook on Edit, a Bash hook of
# their own in the same matcher we use, an unknown key, a compact line and unicode.
THEIR_SETTINGS = """{
    "$schema": "https://json.schemastore.org/claude-code-settings.json",
    "permissions": {"allow": ["Bash(npm run test:*)"], "deny": ["Read(./.env)"]},
    "env": {"GREETING": "héllo"},
    "hooks": {
        "PostToolUse": [
            {
                "matcher": "Edit|Write",
                "hooks": [{"type": "command", "command": "prettier --write \\"$FILE\\"", "timeout": 5}]
            },
            {
                "matcher": "Bash",
                "hooks": [{"type": "command", "command": "~/bin/audit-bash.sh"}]
            }
        ],
        "Stop": [{"hooks": [{"type": "command", "command": "say done"}]}]
    },
    "someFutureKey": {"nested": [1, 2.5, true, null]}
}
"""

FAILING_APP = {"app.py": "import aiohttp_sessions_helper\n\nprint(aiohttp_sessions_helper)\n"}


def settings_file(scope: str, project: Path) -> Path:
    if scope == "user":
        return Path.home() / ".claude" / "settings.json"
    return project / ".claude" / ("settings.local.json" if scope == "local" else "settings.json")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def not_ours(data: dict[str, Any]) -> dict[str, Any]:
    """`data` without our handlers, the way it was before an install (for comparisons)."""
    from healing_hooks.install.settings import without_ours

    return without_ours(data)[0]


def backups(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}.bak-*"))


@pytest.mark.parametrize("scope", ["project", "local", "user"])
def test_install_merges_and_keeps_everything_else(scope: str, project: Path) -> None:
    path = write(settings_file(scope, project), THEIR_SETTINGS)

    assert main(["install", "--scope", scope, "--project", str(project)]) == 0

    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    jsonschema.Draft7Validator(SETTINGS_SCHEMA).validate(data)
    assert not_ours(data) == json.loads(THEIR_SETTINGS)
    found = sorted((event, matcher) for event, matcher, _ in our_entries(data))
    assert found == sorted(REGISTRATIONS)
    commands = {entry["command"] for _, _, entry in our_entries(data)}
    assert len(commands) == 1
    # what was not touched keeps its text, byte for byte
    for line in ('"permissions": {"allow": ["Bash(npm run test:*)"], "deny": ["Read(./.env)"]},',
                 '"env": {"GREETING": "héllo"},', '"someFutureKey": {"nested": [1, 2.5, true, null]}',
                 '"hooks": [{"type": "command", "command": "~/bin/audit-bash.sh"}]'):  # fmt: skip
        assert line in text
    assert [b.read_text(encoding="utf-8") for b in backups(path)] == [THEIR_SETTINGS]
    if scope == "user":
        assert not (project / ".claude").exists()


@pytest.mark.parametrize("scope", ["project", "local", "user"])
def test_install_twice_is_install_once_and_uninstall_restores_the_file(
    scope: str, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(settings_file(scope, project), THEIR_SETTINGS)
    args = ["--scope", scope, "--project", str(project)]
    assert main(["install", *args]) == 0
    installed = path.read_bytes()

    assert main(["install", *args]) == 0

    assert path.read_bytes() == installed
    assert len(backups(path)) == 1
    assert "already installed" in capsys.readouterr().out

    assert main(["uninstall", *args]) == 0
    assert path.read_text(encoding="utf-8") == THEIR_SETTINGS
    assert main(["uninstall", *args]) == 0
    assert "nothing to remove" in capsys.readouterr().out
    assert path.read_text(encoding="utf-8") == THEIR_SETTINGS


def test_install_creates_a_missing_file_that_matches_the_published_schema(project: Path) -> None:
    assert main(["install"]) == 0  # project scope, project = CLAUDE_PROJECT_DIR
    data = json.loads((project / ".claude" / "settings.json").read_text())
    jsonschema.Draft7Validator(SETTINGS_SCHEMA).validate(data)
    assert set(data) == {"hooks"}
    assert data["hooks"]["PostToolUseFailure"] == [
        {"matcher": "Bash", "hooks": [{"type": "command", "command": hook_command(), "timeout": 30}]}
    ]


def test_an_older_install_is_replaced_not_duplicated(project: Path) -> None:
    old = json.loads(THEIR_SETTINGS)
    old["hooks"]["PostToolUseFailure"] = [
        {"matcher": "Bash", "hooks": [{"type": "command", "command": "/gone/venv/bin/healing-hooks hook"}]}
    ]
    old["hooks"]["PostToolUse"][1]["hooks"].append(
        {"type": "command", "command": "/gone/venv/bin/python -m healing_hooks hook"}
    )
    path = write(settings_file("project", project), json.dumps(old, indent=2))

    assert main(["install"]) == 0

    data = json.loads(path.read_text())
    assert {entry["command"] for _, _, entry in our_entries(data)} == {hook_command()}
    assert len(our_entries(data)) == len(REGISTRATIONS)
    assert data["hooks"]["PostToolUse"][1] == {
        "matcher": "Bash",
        "hooks": [{"type": "command", "command": "~/bin/audit-bash.sh"}],
    }  # their handler stays in their group; ours left it


def test_uninstall_takes_only_our_handler_out_of_a_shared_group(project: Path) -> None:
    shared = {"hooks": {"PostToolUse": [{"matcher": "Bash", "hooks": [
        {"type": "command", "command": "~/bin/audit-bash.sh"},
        {"type": "command", "command": f"{hook_command()}", "timeout": 30},
    ]}]}}  # fmt: skip
    path = write(settings_file("local", project), json.dumps(shared, indent=2) + "\n")

    assert main(["uninstall", "--scope", "local"]) == 0

    assert json.loads(path.read_text()) == {
        "hooks": {
            "PostToolUse": [
                {"matcher": "Bash", "hooks": [{"type": "command", "command": "~/bin/audit-bash.sh"}]}
            ]
        }
    }


def test_uninstall_all_scopes(project: Path) -> None:
    for scope in ("project", "local", "user"):
        write(settings_file(scope, project), THEIR_SETTINGS)
        assert main(["install", "--scope", scope]) == 0
    assert main(["uninstall", "--all"]) == 0
    for scope in ("project", "local", "user"):
        assert settings_file(scope, project).read_text() == THEIR_SETTINGS


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ('{\n  "hooks": {},\n}\n', "is not valid JSON (line 3, column 1"),
        ("// comment\n{}", "is not valid JSON (line 1, column 1"),
        ('{"hooks": {}, "hooks": {"Stop": []}}', "has the key 'hooks' twice"),
        ('["hooks"]', "holds a JSON list, not an object"),
        ('{"hooks": [1]}', "`hooks` is a JSON array, expected an object"),
        ('{"hooks": {"PostToolUse": {"matcher": "Bash"}}}', "`hooks.PostToolUse` is a JSON object"),
    ],
)
def test_refuses_to_rewrite_a_file_it_cannot_read_faithfully(
    text: str, complaint: str, project: Path
) -> None:
    path = write(settings_file("project", project), text)

    result = run_cli(["install"], cwd=project)

    assert result.returncode == 1
    assert complaint in result.stderr and str(path) in result.stderr
    assert "Traceback" not in result.stderr
    assert path.read_text() == text
    assert backups(path) == []
    assert run_cli(["uninstall"], cwd=project).returncode == 1
    assert path.read_text() == text


def test_dry_run_shows_the_diff_and_writes_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(settings_file("project", project), THEIR_SETTINGS)

    assert main(["install", "--dry-run"]) == 0

    diff = capsys.readouterr().out
    assert diff.startswith(f"--- {path}\n+++ {path} (after)\n")
    assert '+        "PostToolUseFailure": [' in diff
    assert f'"command": "{hook_command()}"' in diff
    assert '-    "permissions"' not in diff
    assert path.read_text() == THEIR_SETTINGS
    assert backups(path) == []
    main(["install"])
    capsys.readouterr()
    assert main(["uninstall", "--dry-run"]) == 0
    removed = [line for line in capsys.readouterr().out.splitlines() if line.startswith("-")]
    assert sum(f'"command": "{hook_command()}"' in line for line in removed) == len(REGISTRATIONS)


def test_a_symlinked_settings_file_stays_a_link(project: Path, tmp_path: Path) -> None:
    real = write(tmp_path / "dotfiles" / "claude-settings.json", THEIR_SETTINGS)
    link = settings_file("user", project)
    link.parent.mkdir(parents=True)
    link.symlink_to(real)

    assert main(["install", "--scope", "user"]) == 0

    assert link.is_symlink()
    assert len(our_entries(json.loads(real.read_text()))) == len(REGISTRATIONS)


def test_the_installed_command_works_from_any_directory(project: Path, tmp_path: Path) -> None:
    assert main(["install", "--scope", "user"]) == 0
    data = json.loads(settings_file("user", project).read_text())
    command = data["hooks"]["PostToolUseFailure"][0]["hooks"][0]["command"]
    recorded = run_case(Case("install", "python", FAILING_APP, "python app.py", None), project)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = "/usr/bin:/bin"  # the hook must not depend on finding healing-hooks on PATH
    env["CLAUDE_PROJECT_DIR"] = str(project)

    result = subprocess.run(
        ["sh", "-c", command], input=json.dumps(to_payload(recorded)), capture_output=True,
        text=True, cwd=elsewhere, env=env, timeout=60, check=False,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    context = json.loads(result.stdout)["hookSpecificOutput"]["additionalContext"]
    assert "aiohttp_sessions_helper" in context
    assert (project / ".claude-flow" / "memory" / "error-log.txt").exists()


def test_project_scope_names_a_program_inside_the_project_relative_to_it(project: Path) -> None:
    bin_dir = project / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "healing-hooks").symlink_to(Path(sys.executable).parent / "healing-hooks")
    command = hook_command(project, executable=str(bin_dir / "python"))
    assert command == '"$CLAUDE_PROJECT_DIR"/.venv/bin/healing-hooks hook'
    assert is_our_command(command)
    other = project.parent / "elsewhere"
    other.mkdir()
    result = subprocess.run(
        ["sh", "-c", command.replace(" hook", " --version")], capture_output=True, text=True, cwd=other,
        env={**os.environ, "CLAUDE_PROJECT_DIR": str(project)}, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0 and result.stdout.startswith("healing-hooks ")


def test_a_user_without_the_entry_point_gets_the_interpreter_form(tmp_path: Path) -> None:
    command = hook_command(executable=str(tmp_path / "bin" / "python3"))
    assert command == f"{tmp_path}/bin/python3 -m healing_hooks hook"
    assert is_our_command(command)


@pytest.mark.parametrize(
    ("command", "ours"),
    [
        ("/home/a/.local/bin/healing-hooks hook", True),
        ("'/Users/a b/venv/bin/healing-hooks' hook", True),
        ('"$CLAUDE_PROJECT_DIR"/.venv/bin/healing-hooks hook', True),
        ("/usr/bin/python3 -m healing_hooks hook", True),
        ("healing-hooks hook", True),
        ("'C:\\tools\\healing-hooks.exe' hook", True),
        ("healing-hooks report", False),
        ("/usr/bin/python3 -m healing_hooks replay x.json", False),
        ("source .claude/hooks/self-healing.sh && main '${tool.result.exitCode}'", False),
        ('sh "${CLAUDE_PLUGIN_ROOT}/hooks/run-hook"', False),
        ("echo healing-hooks hook | tee log", False),
        ("unbalanced 'quote hook", False),
        (None, False),
    ],
)
def test_our_entries_are_recognised_by_their_command(command: str | None, ours: bool) -> None:
    assert is_our_command(command) is ours


def test_install_warns_when_the_plugin_is_enabled_too(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(settings_file("user", project), '{"enabledPlugins": {"healing-hooks@healing-hooks": true}}')

    assert main(["install", "--scope", "local"]) == 0

    err = capsys.readouterr().err
    assert "plugin is enabled too (healing-hooks@healing-hooks" in err and "twice" in err
    write(settings_file("project", project), '{"enabledPlugins": {"healing-hooks@healing-hooks": false}}')
    assert main(["install", "--scope", "local"]) == 0
    assert "twice" not in capsys.readouterr().err  # switched off at a later scope
