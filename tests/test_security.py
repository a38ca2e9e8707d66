"""Secrets, hostile pattern files and planted links: what a repository or an output cannot make us do."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path

import pytest

from healing_hooks.detect.patterns import build_library, pattern_findings
from healing_hooks.redact import MASK, redact, redact_data
from tests import payloads
from tests.conftest import hook

SECRETS = {
    "aws access key": "AKIAIOSFODNN7EXAMPLE",
    "aws secret": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "github token": "ghp_1234567890abcdefghijklmnopqrstuvwxyz",
    "github fine-grained": "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGH",
    "gitlab token": "glpat-AbCdEfGhIjKlMnOpQrStUv",
    "slack token": "xoxb-123456789012-abcdefghijkl",
    "openai key": "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz012345",
    "anthropic key": "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123",
    "bearer": "Zm9vYmFyYmF6cXV4cXV1eDEyMzQ1Njc4OTA",
    "url password": "hunter2hunter2",
    "secret assignment": "s3cr3t-v4lue-42",
    "token assignment": "tok-9f8e7d6c5b4a",
    "password assignment": "correct-horse-battery",
    "private key body": "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw",
}
"""Each value must never appear in a file under .claude-flow nor in what the hook prints."""

LEAKY_OUTPUT = f"""Connecting with AWS_ACCESS_KEY_ID={SECRETS["aws access key"]}
aws_secret_access_key = {SECRETS["aws secret"]}
remote: https://x-access-token:{SECRETS["github token"]}@github.com/org/repo.git
GH_PAT={SECRETS["github fine-grained"]}
using gitlab token {SECRETS["gitlab token"]} and slack {SECRETS["slack token"]}
OPENAI_API_KEY={SECRETS["openai key"]} ANTHROPIC_API_KEY={SECRETS["anthropic key"]}
> Authorization: Bearer {SECRETS["bearer"]}
DATABASE_URL=postgres://admin:{SECRETS["url password"]}@db.internal:5432/app
export APP_SECRET_KEY={SECRETS["secret assignment"]}
SESSION_TOKEN="{SECRETS["token assignment"]}"
DB_PASSWORD: {SECRETS["password assignment"]}
-----BEGIN RSA PRIVATE KEY-----
{SECRETS["private key body"]}
-----END RSA PRIVATE KEY-----
Traceback (most recent call last):
  File "{{root}}/deploy.py", line 3, in <module>
    import boto4
ModuleNotFoundError: No module named 'boto4'
"""

LEAKY_COMMAND = (
    f"AWS_SECRET_ACCESS_KEY={SECRETS['aws secret']} python deploy.py "
    f"--token {SECRETS['token assignment']} --password={SECRETS['password assignment']}"
)


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def leaks(text: str) -> list[str]:
    return [name for name, value in SECRETS.items() if value in text]


@pytest.mark.parametrize("name", sorted(SECRETS))
def test_redact_masks_each_kind(name: str) -> None:
    assert SECRETS[name] not in redact(LEAKY_OUTPUT.format(root="/p") + LEAKY_COMMAND)


def test_redact_keeps_ordinary_output() -> None:
    text = "ModuleNotFoundError: No module named 'aiohttp'\ntokens_seen: 5\nself.token = None\n3 passed"
    assert redact(text) == text


def test_redact_data_keeps_json_and_regexes_valid() -> None:
    token = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"
    record = {"cmd": 'export TOKEN="abc def"', "error_regex": rf"TOKEN={token}"}
    cleaned = redact_data(record)
    assert cleaned["cmd"] == f"export TOKEN={MASK}"
    assert json.loads(json.dumps(cleaned)) == cleaned
    assert re.compile(cleaned["error_regex"]).search(f"TOKEN={MASK}")


def test_secrets_never_reach_the_disk_or_the_answer(project: Path) -> None:
    """Failures, a hidden failure, a test run and a pending edit, all printing secrets."""
    output = LEAKY_OUTPUT.format(root=project)
    answers = [
        hook(payloads.failure(LEAKY_COMMAND, output, 1, str(project))),
        hook(payloads.failure(f"pytest -q --token {SECRETS['token assignment']}", output, 1, str(project))),
        hook(payloads.success(f"{LEAKY_COMMAND} 2>&1 | tail -40", output, str(project))),
        hook(payloads.edit(str(project / "deploy.py"), "import boto4", "import boto3", str(project))),
        hook(payloads.failure(LEAKY_COMMAND, output, 1, str(project))),
    ]
    for answer in answers:
        assert answer.returncode == 0, answer.stderr
        assert leaks(answer.stdout + answer.stderr) == []
    written = files_under(project / ".claude-flow")
    assert any(p.name == "error-log.txt" for p in written)
    found = {str(p.relative_to(project)): leaks(p.read_text("utf-8", "replace")) for p in written}
    assert {path: names for path, names in found.items() if names} == {}


REDOS = {
    "id": "hostile-nested",
    "error_regex": r"^(a+)+$",
    "category": "test",
    "severity": "high",
    "source": "user",
}
SLOW_BUT_NOT_NESTED = {
    "id": "hostile-polynomial",
    "error_regex": r"^(.*,){10}Z$",
    "category": "test",
    "severity": "high",
    "source": "user",
}
SAFE = {
    "id": "project-boom",
    "error_regex": r"BoomError: (?P<what>\w+)",
    "category": "test",
    "severity": "high",
    "source": "user",
    "message": "boom in {what}",
}


def write_patterns(project: Path, *entries: Mapping[str, object]) -> None:
    memory = project / ".claude-flow" / "memory"
    memory.mkdir(parents=True, exist_ok=True)
    (memory / "error-patterns.json").write_text(json.dumps({"patterns": list(entries)}))


def test_redos_pattern_is_skipped_and_named(project: Path) -> None:
    write_patterns(project, REDOS, SAFE)
    output = "a" * 5_000 + "!\nBoomError: widgets"
    result = hook(payloads.failure("make", output, 2, str(project)))
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert "'hostile-nested' skipped: unsafe error_regex: nested quantifier" in answer["systemMessage"]
    assert "boom in widgets" in answer["hookSpecificOutput"]["additionalContext"]


def test_slow_pattern_that_passes_the_check_is_stopped_by_the_time_limit(project: Path) -> None:
    write_patterns(project, SLOW_BUT_NOT_NESTED, SAFE)
    output = "," * 3_000 + "\nBoomError: gears"
    result = hook(payloads.failure("make", output, 2, str(project)))
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert "'hostile-polynomial' skipped: matching took over" in answer["systemMessage"]
    assert "boom in gears" in answer["hookSpecificOutput"]["additionalContext"]


def test_time_limit_in_process() -> None:
    library = build_library([SLOW_BUT_NOT_NESTED])
    findings = pattern_findings(library, "," * 3_000)
    assert [f.pattern_id for f in findings if f.pattern_id == "hostile-polynomial"] == []
    assert library.notices and "hostile-polynomial" in library.notices[0]


@pytest.mark.parametrize(
    "target", ["../outside.py", "/etc/passwd", "~/.bashrc", "src/../../x.py", "C:\\x.py"]
)
def test_auto_fix_naming_a_file_outside_is_refused_at_load(target: str) -> None:
    entry = {**SAFE, "auto_fix": {"file": target, "search": "a", "replace": "b"}}
    library = build_library([entry])
    pattern = library.by_id("project-boom")
    assert pattern is not None and pattern.auto_fix is None
    assert any("outside the project" in notice for notice in library.skipped)


def test_auto_fix_outside_is_never_applied(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text("a = 1\n")
    (project / ".claude-flow").mkdir()
    (project / ".claude-flow" / "healing.json").write_text(
        json.dumps({"auto_apply": True, "min_confidence_to_apply": 0.0})
    )
    for target in (str(outside), "../outside.py"):
        write_patterns(project, {**SAFE, "auto_fix": {"file": target, "search": "a = 1", "replace": "a = 2"}})
        result = hook(payloads.failure("make", "BoomError: x", 2, str(project)))
        assert result.returncode == 0, result.stderr
        answer = json.loads(result.stdout)
        assert "outside the project" in answer["systemMessage"]
        assert target not in answer["hookSpecificOutput"]["additionalContext"]
    assert outside.read_text() == "a = 1\n"


@pytest.mark.skipif(not hasattr(os, "O_NOFOLLOW"), reason="needs O_NOFOLLOW")
@pytest.mark.parametrize("planted", ["error-log.txt", ".lock"])
def test_planted_links_in_the_memory_folder_are_not_written_through(
    project: Path, tmp_path: Path, planted: str
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    memory = project / ".claude-flow" / "memory"
    memory.mkdir(parents=True)
    (memory / planted).symlink_to(victim)
    output = "ModuleNotFoundError: No module named 'x'"
    result = hook(payloads.failure("python app.py", output, 1, str(project)))
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert "memory not saved" in answer["systemMessage"]
    assert "symbolic link" in answer["systemMessage"]
    assert victim.read_text() == "precious\n"


def test_message_placeholders_are_not_format_strings() -> None:
    entry = {**SAFE, "message": "{what} {what.__class__} {0} {what:>999999999} {{literal}}"}
    findings = pattern_findings(build_library([entry]), "BoomError: gears")
    assert findings[0].message == "gears {what.__class__} ? {what:>999999999} {literal}"
