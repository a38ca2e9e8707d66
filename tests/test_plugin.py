"""The Claude Code plugin: its files against the published formats, and its hook run as the host runs it.

The launcher builds a real virtual environment from the plugin folder with pip. Tests have no
network, so pip gets a local wheelhouse: the distributions installed in the test environment,
packed back into wheels (`HEALING_HOOKS_PIP_ARGS="--no-index --find-links DIR"`, the same knob
an offline user has).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from healing_hooks import __version__
from healing_hooks.install.entries import REGISTRATIONS, is_our_command
from tests.corpus.runner import Case, run_case, to_payload

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
SETUP_DEADLINE_SECONDS = 300
REAL_HOME = Path.home()  # read at import, before the autouse fixture moves HOME

FAILING_APP = {
    "shop/__init__.py": "",
    "shop/pricing.py": "def total(items):\n    return sum(items)\n",
    "app.py": "from shop.prices import total\n\nprint(total([1, 2]))\n",
}


def schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((DATA / name).read_text())
    return loaded


def load(relative: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((REPO / relative).read_text())
    return loaded


def registrations(hooks: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted(
        (event, group.get("matcher", ""))
        for event, groups in hooks.items()
        if event in ("PostToolUse", "PostToolUseFailure")
        for group in groups
    )


# -- the files, against the published formats --


def test_plugin_manifest_follows_the_published_format() -> None:
    manifest = load(".claude-plugin/plugin.json")
    jsonschema.Draft7Validator(schema("claude-code-plugin-manifest.schema.json")).validate(manifest)
    assert manifest["name"] == "healing-hooks"
    assert manifest["version"] == __version__
    # hooks/hooks.json loads by itself; naming it again is a "Duplicate hooks file" load error
    assert "hooks" not in manifest


def test_marketplace_offers_the_plugin_from_the_repository_root() -> None:
    market = load(".claude-plugin/marketplace.json")
    jsonschema.Draft7Validator(schema("claude-code-marketplace.schema.json")).validate(market)
    assert market["name"] not in {"claude-code-plugins", "claude-plugins-official", "anthropic-plugins"}
    (entry,) = market["plugins"]
    plugin_root = (REPO / entry["source"]).resolve()
    assert plugin_root == REPO
    assert json.loads((plugin_root / ".claude-plugin/plugin.json").read_text())["name"] == entry["name"]
    assert (plugin_root / "hooks/hooks.json").is_file()


def test_hooks_json_follows_the_settings_and_plugin_formats() -> None:
    hooks = load("hooks/hooks.json")
    assert set(hooks) == {"description", "hooks"}
    jsonschema.Draft7Validator(schema("claude-settings-hooks.schema.json")).validate(
        {"hooks": hooks["hooks"]}
    )
    as_inline = {"name": "healing-hooks", "hooks": hooks["hooks"]}
    jsonschema.Draft7Validator(schema("claude-code-plugin-manifest.schema.json")).validate(as_inline)
    assert registrations(hooks["hooks"]) == sorted(REGISTRATIONS)
    for groups in hooks["hooks"].values():
        for group in groups:
            for handler in group["hooks"]:
                words = handler["command"].split()
                assert words[:2] == ["sh", '"${CLAUDE_PLUGIN_ROOT}/hooks/run-hook"']
                assert (REPO / "hooks/run-hook").is_file()
    (session_start,) = hooks["hooks"]["SessionStart"]
    assert session_start["hooks"][0]["command"].endswith(" --setup-background")


def test_settings_example_is_the_install_configuration() -> None:
    example = load("settings.example.json")
    jsonschema.Draft7Validator(schema("claude-settings-hooks.schema.json")).validate(example)
    assert registrations(example["hooks"]) == sorted(REGISTRATIONS)
    commands = {h["command"] for groups in example["hooks"].values() for g in groups for h in g["hooks"]}
    assert all(is_our_command(command) for command in commands)


def test_the_settings_schema_copy_rejects_a_marker_key() -> None:
    """Why our entries carry no marker: the published format forbids extra handler keys."""
    marked = {"type": "command", "command": "healing-hooks hook", "healing_hooks": True}
    validator = jsonschema.Draft7Validator(schema("claude-settings-hooks.schema.json"))
    assert not validator.is_valid({"hooks": {"PostToolUse": [{"matcher": "Bash", "hooks": [marked]}]}})


# -- the launcher, run as the host runs it --


def _requirement_names(dist: metadata.Distribution) -> list[str]:
    from packaging.requirements import Requirement

    names = []
    for line in dist.requires or []:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            names.append(requirement.name)
    return names


def _closure(roots: list[str]) -> list[metadata.Distribution]:
    found: dict[str, metadata.Distribution] = {}
    todo = list(roots)
    while todo:
        name = re.sub(r"[-_.]+", "-", todo.pop()).lower()
        if name in found:
            continue
        found[name] = metadata.distribution(name)
        todo.extend(_requirement_names(found[name]))
    return list(found.values())


def _repack(dist: metadata.Distribution, folder: Path) -> Path:
    """An installed distribution, zipped back into the wheel it was installed from."""
    tags = re.findall(r"^Tag: (\S+)$", dist.read_text("WHEEL") or "", re.M)
    assert tags, f"{dist.metadata['Name']} was not installed from a wheel"
    name = re.sub(r"[-_.]+", "_", dist.metadata["Name"])
    wheel = folder / f"{name}-{dist.version}-{tags[0]}.whl"
    files = [f for f in dist.files or [] if not str(f).startswith("..") and "__pycache__" not in f.parts]
    skipped = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}
    kept = [f for f in files if not (f.parts[0].endswith(".dist-info") and f.name in skipped)]
    record = f"{name}-{dist.version}.dist-info/RECORD"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in kept:
            archive.write(str(dist.locate_file(file)), str(file))
        archive.writestr(record, "".join(f"{f},,\n" for f in [*map(str, kept), record]))
    return wheel


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Wheels of healing-hooks' dependencies and of setuptools (its build backend), offline."""
    folder = tmp_path_factory.mktemp("wheelhouse")
    for dist in _closure(["pydantic", "jsonschema", "filelock", "setuptools"]):
        _repack(dist, folder)
    return folder


@pytest.fixture
def plugin_root(tmp_path: Path) -> Path:
    """A copy of the plugin as Claude Code caches it (the repository, minus what pip would build)."""
    root = tmp_path / "cache" / "healing-hooks" / __version__
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build", ".mypy_cache")
    for name in ("healing_hooks", "hooks", ".claude-plugin"):
        shutil.copytree(REPO / name, root / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, root / name)
    return root


def host_env(root: Path, data: Path, project: Path, wheels: Path) -> dict[str, str]:
    """What the host gives a plugin hook, and the offline pip settings."""
    keep = {k: v for k, v in os.environ.items() if k in ("HOME", "LANG", "LC_ALL", "TMPDIR")}
    return {
        **keep,
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "CLAUDE_PLUGIN_ROOT": str(root),
        "CLAUDE_PLUGIN_DATA": str(data),
        "CLAUDE_PROJECT_DIR": str(project),
        "HEALING_HOOKS_PYTHON": sys.executable,
        "HEALING_HOOKS_PIP_ARGS": f"--no-index --find-links {wheels}",
    }


def run_plugin_hook(
    root: Path, env: dict[str, str], payload: dict[str, Any], event: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The hooks.json command for the payload's event, run the host's way (`sh -c`, JSON on stdin)."""
    event = event or payload["hook_event_name"]
    group = next(g for g in load("hooks/hooks.json")["hooks"][event] if g.get("matcher", "Bash") == "Bash")
    command = group["hooks"][0]["command"].replace("${CLAUDE_PLUGIN_ROOT}", str(root))
    return subprocess.run(
        ["sh", "-c", command], input=json.dumps(payload), capture_output=True, text=True,
        cwd=payload.get("cwd"), env=env, timeout=60, check=False,
    )  # fmt: skip


def wait_for_setup(data: Path) -> None:
    """Wait until the background setup has finished (its lock is gone)."""
    deadline = time.monotonic() + SETUP_DEADLINE_SECONDS
    while (data / "setup.lock").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not (data / "setup.lock").exists(), (data / "setup.log").read_text()


def test_the_plugin_hook_builds_its_environment_advises_and_follows_updates(
    plugin_root: Path, wheelhouse: Path, project: Path, tmp_path: Path
) -> None:
    data = tmp_path / "plugin-data"
    env = host_env(plugin_root, data, project, wheelhouse)
    failure = to_payload(run_case(Case("plugin", "python", FAILING_APP, "python app.py", None), project))

    started = time.monotonic()
    first = run_plugin_hook(plugin_root, env, failure)
    first_seconds = time.monotonic() - started

    assert (first.returncode, first.stderr) == (0, "")
    assert "setting up its Python environment" in json.loads(first.stdout)["systemMessage"]
    assert first_seconds < 10  # it does not wait for pip
    wait_for_setup(data)
    assert (data / "current" / "bin" / "healing-hooks").exists(), (data / "setup.log").read_text()
    assert not (plugin_root / "build").exists()  # pip built in a copy, not in the plugin folder

    second = run_plugin_hook(plugin_root, env, failure)

    assert second.returncode == 0, second.stderr
    answer = json.loads(second.stdout)["hookSpecificOutput"]
    assert answer["hookEventName"] == "PostToolUseFailure"
    assert "shop.prices" in answer["additionalContext"]
    assert (project / ".claude-flow" / "memory" / "error-log.txt").exists()
    quiet = run_plugin_hook(plugin_root, env, {**failure, **_success(failure)})
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    session = run_plugin_hook(plugin_root, env, {**failure, "hook_event_name": "SessionStart"})
    assert (session.returncode, session.stdout) == (0, "")

    # a plugin update: a new root; the old environment answers while the new one is built
    first_env = os.readlink(data / "current")
    updated = tmp_path / "cache" / "healing-hooks" / "0.1.1"
    shutil.copytree(plugin_root, updated)
    env = host_env(updated, data, project, wheelhouse)

    during = run_plugin_hook(updated, env, failure)

    assert during.returncode == 0, during.stderr
    assert "shop.prices" in json.loads(during.stdout)["hookSpecificOutput"]["additionalContext"]
    wait_for_setup(data)
    assert os.readlink(data / "current") != first_env
    assert (data / "current" / ".healing-hooks-root").read_text().strip() == str(updated)
    status = subprocess.run(
        ["sh", str(updated / "hooks/run-hook"), "--status"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert "state: up to date" in status.stdout


def _success(payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "hook_event_name": "PostToolUse",
        "tool_input": {"command": "ls"},
        "tool_response": {"stdout": "app.py\nshop\n", "stderr": "", "interrupted": False, "isImage": False},
    }


def test_a_failed_setup_is_told_once_and_never_blocks(
    plugin_root: Path, project: Path, tmp_path: Path
) -> None:
    data = tmp_path / "plugin-data"
    empty = tmp_path / "no-wheels"
    empty.mkdir()
    env = host_env(plugin_root, data, project, empty)  # pip cannot find the dependencies
    failure = to_payload(run_case(Case("plugin", "python", FAILING_APP, "python app.py", None), project))

    first = run_plugin_hook(plugin_root, env, failure)
    wait_for_setup(data)
    second = run_plugin_hook(plugin_root, env, failure)
    third = run_plugin_hook(plugin_root, env, failure)

    assert [r.returncode for r in (first, second, third)] == [0, 0, 0]
    assert all(r.stderr == "" for r in (first, second, third))
    told = json.loads(second.stdout)["systemMessage"]
    assert "creating the environment" in told and str(data / "setup.log") in told and "--setup" in told
    assert third.stdout == ""
    assert not (data / "current").exists()
    assert "Traceback" not in second.stdout


# -- the seed's shell hooks --


def bash(script: str, project: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        # rustup finds its toolchains under the real HOME, which the autouse fixture moved
        "RUSTUP_HOME": os.environ.get("RUSTUP_HOME", str(REAL_HOME / ".rustup")),
        "CARGO_HOME": os.environ.get("CARGO_HOME", str(REAL_HOME / ".cargo")),
    }
    return subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, cwd=project, env=env, timeout=120, check=False
    )


def test_self_healing_sh_main_is_the_seed_s_manual_use(project: Path) -> None:
    for name, text in FAILING_APP.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text)
    script = f"""
        set -u
        source {REPO}/hooks/self-healing.sh
        output=$(python app.py 2>&1)
        exit_code=$?
        main $exit_code "$output"
        echo "main returned $? and the shell is still here"
    """
    result = bash(script, project)
    assert result.returncode == 0, result.stderr
    assert "[import/high]" in result.stdout or "shop.prices" in result.stdout
    assert "the shell is still here" in result.stdout
    assert (project / ".claude-flow" / "memory" / "error-log.txt").exists()


def test_post_test_sh_analyzes_a_real_pytest_run(project: Path) -> None:
    (project / "test_cart.py").write_text(
        "from shop.prices import total\n\n\ndef test_total():\n    assert total([1]) == 1\n"
    )
    for name, text in FAILING_APP.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text)
    script = f"""
        source {REPO}/hooks/post-test.sh
        output=$(python -m pytest -q -p no:cacheprovider 2>&1)
        analyze_pytest "$output" $?
    """
    result = bash(script, project)
    assert result.returncode == 0, result.stderr
    assert "shop.prices" in result.stdout
    history = (project / ".claude-flow" / "memory" / "test-history.log").read_text().splitlines()
    assert json.loads(history[-1])["exit_code"] == 2


@pytest.mark.skipif(shutil.which("cargo") is None, reason="cargo is not installed")
def test_post_rust_sh_analyzes_a_real_cargo_build(project: Path) -> None:
    (project / "Cargo.toml").write_text('[package]\nname = "moved"\nversion = "0.1.0"\nedition = "2021"\n')
    (project / "src").mkdir()
    (project / "src/main.rs").write_text(
        'fn main() {\n    let s = String::from("x");\n    let t = s;\n    println!("{s} {t}");\n}\n'
    )
    script = f"""
        source {REPO}/hooks/post-rust.sh
        output=$(cargo build --offline --quiet 2>&1)
        analyze_cargo "$output" $?
    """
    result = bash(script, project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("healing-hooks")
    logged = json.loads((project / ".claude-flow/memory/error-log.txt").read_text().splitlines()[-1])
    assert (logged["command"], logged["exit_code"]) == ("cargo build", 101)
    assert "E0382" in logged["excerpt"]


def test_sourcing_the_scripts_changes_no_shell_option(project: Path) -> None:
    script = f"""
        before=$(set +o)
        source {REPO}/hooks/self-healing.sh
        source {REPO}/hooks/post-test.sh
        source {REPO}/hooks/post-rust.sh
        [ "$before" = "$(set +o)" ] && type main analyze_pytest analyze_cargo >/dev/null && echo same
    """
    result = bash(script, project)
    assert result.stdout.strip() == "same", result.stderr
