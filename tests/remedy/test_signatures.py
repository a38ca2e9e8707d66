"""unexpected keyword argument: the callee's real signature from the index, keywords matched by
name similarity and by position, the call rewritten."""

from __future__ import annotations

from pathlib import Path

from tests.corpus.runner import source
from tests.remedy.healing import heal, plan, remedied, run

SEED = {
    "events/__init__.py": "",
    "events/model.py": source("""
        from dataclasses import dataclass


        @dataclass
        class Event:
            topic: str
            payload: dict
    """),
    "publish.py": source("""
        from events.model import Event

        event = Event(event_type="topic", data={"key": "value"})
        print(event.topic, event.payload)
    """),
}

MAILER = {
    "mailer.py": source("""
        def send_mail(to, subject, body=""):
            return f"{to}: {subject}"
    """),
    "notify.py": source("""
        from mailer import send_mail

        print(send_mail(
            recipient="ada@example.org",
            subj="hello",
        ))
    """),
}

CLIENT = {
    "net/__init__.py": "",
    "net/client.py": source("""
        class Client:
            def fetch(self, url, timeout=10, retries=0):
                return f"{url} {timeout}"
    """),
    "main.py": "from net.client import Client\n\nprint(Client().fetch('x', timeout_s=3))\n",
}


def test_seed_event_fields_are_renamed_in_one_edit(tmp_path: Path) -> None:
    result, _, again = heal(tmp_path, "python publish.py", SEED)

    remedy = remedied(result, "edit")[0].remedy
    assert remedy is not None
    assert remedy.replace == 'Event(topic="topic", payload={"key": "value"})'
    assert again.exit_code == 0, again.output
    assert again.output.strip() == "topic {'key': 'value'}"


def test_variant_function_with_multiline_call(tmp_path: Path) -> None:
    _, _, again = heal(tmp_path, "python notify.py", MAILER)

    assert again.exit_code == 0, again.output
    text = (tmp_path / "notify.py").read_text()
    assert 'to="ada@example.org",\n    subject="hello",' in text


def test_variant_method_matched_by_similar_name(tmp_path: Path) -> None:
    result, _, again = heal(tmp_path, "python main.py", CLIENT)

    remedy = remedied(result, "edit")[0].remedy
    assert remedy is not None and remedy.confidence >= 0.9
    assert "`timeout_s=` → `timeout=`" in remedy.summary
    assert again.exit_code == 0 and again.output.strip() == "x 3", again.output


def test_ambiguous_rename_is_guidance_not_an_edit(tmp_path: Path) -> None:
    files = {
        "api.py": "def call(a, b=1, c=2):\n    return a\n",
        "main.py": "from api import call\n\nprint(call(1, zzz=3))\n",
    }
    broken = run(tmp_path, "python main.py", files)
    finding = remedied(plan(tmp_path, broken))[0]

    assert finding.remedy is not None and finding.remedy.kind == "steps"
    assert "call(a, b, c)" in finding.remedy.steps[0]
