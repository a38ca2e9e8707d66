"""Recurring errors become patterns: real runs through the installed hook, then the pattern file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.corpus.runner import to_payload
from tests.learn.session import cli, learning, patterns, run, run_and_send, send

STOCK = {
    "stock.py": (
        "import json\n"
        "import sys\n"
        "import time\n"
        "\n"
        "\n"
        "class StockError(Exception):\n"
        '    """Not enough items in the warehouse."""\n'
        "\n"
        "\n"
        "def check(path):\n"
        "    started = time.perf_counter()\n"
        "    with open(path) as handle:\n"
        "        orders = json.load(handle)\n"
        "    for order in orders:\n"
        "        missing = order['qty'] - order['have']\n"
        "        if missing > 0:\n"
        "            took = time.perf_counter() - started\n"
        "            raise StockError(\n"
        "                f\"order {order['id']}: item '{order['sku']}' short by {missing} units\"\n"
        '                f" (checked {path} in {took:.3f}s)"\n'
        "            )\n"
        "    print(f'{len(orders)} orders in stock')\n"
        "\n"
        "\n"
        "check(sys.argv[1])\n"
    ),
    "monday.json": '[{"id": 1042, "sku": "widget-42", "qty": 9, "have": 2}]',
    "tuesday.json": '[{"id": 77, "sku": "gear_9", "qty": 15, "have": 3}]',
    "data/wednesday.json": '[{"id": 5, "sku": "bolt-M8", "qty": 200, "have": 13}]',
    "good.json": '[{"id": 1, "sku": "nut", "qty": 1, "have": 4}]',
}


def learn_stock_error(project: Path) -> dict[str, object]:
    for day in ("monday", "tuesday"):
        recorded, _ = run_and_send(project, f"python stock.py {day}.json", STOCK)
        assert recorded.exit_code == 1 and "StockError: order" in recorded.output
    (learned,) = patterns(project, "learned")
    return learned


def test_a_novel_error_seen_twice_becomes_one_learned_pattern(project: Path) -> None:
    first, _ = run_and_send(project, "python stock.py monday.json", STOCK)
    assert "item 'widget-42' short by 7 units" in first.output
    assert patterns(project, "learned") == []  # once is not a pattern yet
    (template,) = learning(project)["templates"].values()
    assert template["count"] == 1

    second, _ = run_and_send(project, "python stock.py tuesday.json")
    assert "item 'gear_9' short by 12 units" in second.output

    (learned,) = patterns(project, "learned")
    assert learned["source"] == "learned" and learned["occurrences"] == 2
    assert learned["id"].startswith("learned-stockerror-order-item-short")
    assert learned["template"].startswith("StockError: order <num>: item '<str>' short by <num> units")
    assert learned["category"] == "runtime" and learned["severity"] == "high"
    assert learned["created"] and learned["last_seen"]
    assert learning(project)["templates"] == {}  # it is a pattern now, no longer a candidate


def test_the_learned_pattern_matches_a_third_variant_and_not_unrelated_output(project: Path) -> None:
    learned = learn_stock_error(project)

    third = run(project, "python stock.py data/wednesday.json")
    assert "item 'bolt-M8' short by 187 units" in third.output
    found = json.loads(cli(project, "replay", "--json", "-", stdin=json.dumps(to_payload(third))))
    assert learned["id"] in {f["pattern_id"] for f in found["findings"]}

    unrelated = [
        run(project, "python stock.py missing.json").output,  # FileNotFoundError
        run(project, "python stock.py good.json").output,  # healthy
        "StockError: order 5: item 'x' short by 3 crates (checked a.json in 0.1s)",  # other words
        "ValueError: order 5: item 'x' short by 3 units",
    ]
    regex = re.compile(str(learned["error_regex"]), re.MULTILINE)
    for output in unrelated:
        assert regex.search(output) is None, output
    assert regex.search(third.output)


def test_the_same_error_again_counts_on_the_learned_pattern_not_a_second_one(project: Path) -> None:
    learn_stock_error(project)
    run_and_send(project, "python stock.py data/wednesday.json")
    (learned,) = patterns(project, "learned")
    assert learned["occurrences"] == 3


def test_store_new_patterns_false_counts_but_saves_nothing(project: Path) -> None:
    (project / ".claude-flow").mkdir()
    (project / ".claude-flow/healing.json").write_text('{"learning": {"store_new_patterns": false}}')
    for day in ("monday", "tuesday"):
        run_and_send(project, f"python stock.py {day}.json", STOCK)
    assert patterns(project, "learned") == []
    (template,) = learning(project)["templates"].values()
    assert template["count"] == 2


def test_min_occurrences_and_pattern_file_come_from_the_config(project: Path) -> None:
    (project / ".claude-flow").mkdir()
    config = {"learning": {"min_occurrences_to_save": 3, "pattern_file": "patterns/errors.json"}}
    (project / ".claude-flow/healing.json").write_text(json.dumps(config))
    for day in ("monday", "tuesday"):
        run_and_send(project, f"python stock.py {day}.json", STOCK)
    pattern_file = project / "patterns/errors.json"
    assert not [p for p in json.loads(pattern_file.read_text())["patterns"] if p["source"] == "learned"]
    run_and_send(project, "python stock.py data/wednesday.json")
    learned = [p for p in json.loads(pattern_file.read_text())["patterns"] if p["source"] == "learned"]
    assert len(learned) == 1 and learned[0]["occurrences"] == 3


def test_an_error_an_existing_pattern_covers_is_not_learned(project: Path) -> None:
    files = {"app.py": "import yaml_of_nowhere\n"}
    for _ in range(3):
        recorded, _ = run_and_send(project, "python app.py", files)
        assert "No module named 'yaml_of_nowhere'" in recorded.output
    assert patterns(project, "learned") == []
    assert learning(project)["templates"] == {}


def test_an_error_line_holding_a_secret_is_never_learned(project: Path) -> None:
    files = {
        "deploy.py": (
            "import sys\n"
            "class DeployError(Exception):\n    pass\n"
            "raise DeployError(f'upload to bucket {sys.argv[1]} refused for key AKIAABCDEFGHIJKLMNOP')\n"
        )
    }
    for bucket in ("alpha", "beta"):
        run_and_send(project, f"python deploy.py {bucket}", files)
    assert patterns(project, "learned") == []
    assert "AKIAABCDEFGHIJKLMNOP" not in json.dumps(learning(project))


def test_promote_demote_remove_through_the_cli(project: Path) -> None:
    learned = learn_stock_error(project)
    pattern_id = str(learned["id"])

    assert "source user" in cli(project, "patterns", "promote", pattern_id)
    assert patterns(project, "user")[0]["id"] == pattern_id
    assert "source learned" in cli(project, "patterns", "demote", pattern_id)
    listed = cli(project, "patterns", "list", "--source", "learned", "--json")
    assert [json.loads(line)["id"] for line in listed.splitlines()] == [pattern_id]

    assert "removed" in cli(project, "patterns", "remove", pattern_id)
    assert patterns(project, "learned") == []
    for day in ("monday", "tuesday"):  # a removed learned pattern is not learned again
        run_and_send(project, f"python stock.py {day}.json")
    assert patterns(project, "learned") == []


@pytest.mark.parametrize("action", ["promote", "demote", "remove"])
def test_built_in_patterns_cannot_be_managed(project: Path, action: str) -> None:
    send(to_payload(run(project, "python app.py", {"app.py": "import yaml_of_nowhere\n"})))
    from tests.conftest import run_cli

    done = run_cli(
        ["patterns", action, "dependency-missing-module"], "", {"CLAUDE_PROJECT_DIR": str(project)}
    )
    assert done.returncode == 1
    assert "built in" in done.stderr and "Traceback" not in done.stderr


def test_concurrent_hooks_with_the_same_new_error_learn_it_once_and_lose_no_count(project: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from tests.conftest import hook

    days = {f"day{n}.json": f'[{{"id": {n}, "sku": "p-{n}", "qty": {n + 9}, "have": 1}}]' for n in range(8)}
    recorded = [run(project, f"python stock.py {day}", {**STOCK, **days}) for day in days]
    assert all("StockError: order" in r.output for r in recorded)

    def send_one(payload: dict[str, object]) -> int:
        return hook(payload, {"CLAUDE_PROJECT_DIR": str(project)}).returncode

    with ThreadPoolExecutor(max_workers=len(recorded)) as pool:
        codes = list(pool.map(send_one, [to_payload(r) for r in recorded]))

    assert codes == [0] * len(recorded)
    (learned,) = patterns(project, "learned")
    leftover = sum(t["count"] for t in learning(project)["templates"].values())
    assert learned["occurrences"] + leftover == len(recorded)
    assert leftover == 0


def test_a_template_learned_by_another_hook_meanwhile_counts_on_its_pattern() -> None:
    from healing_hooks.learn.patterns import count_on_learned

    document = {"patterns": [{"id": "learned-x", "template_key": "t-1", "occurrences": 2}]}
    rest = count_on_learned(document, [{"key": "t-1"}, {"key": "t-2"}], "now")
    assert [r["key"] for r in rest] == ["t-2"]
    assert (document["patterns"][0]["occurrences"], document["patterns"][0]["last_seen"]) == (3, "now")
