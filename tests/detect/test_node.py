"""node, npm, node's test runner and tsc on real output."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from healing_hooks.detect.node import parse_node
from healing_hooks.detect.testruns import summarize_test_run
from healing_hooks.findings import Finding
from tests.detect.realrun import Run, observe, require, run_tool


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def place(finding: Finding) -> str:
    return str(finding.location)


def node_run(root: Path, files: dict[str, str], command: str) -> list[Finding]:
    require(command.split()[0])
    run = run_tool(root, files, command)
    return parse_node(run.obs, run.text)


# --- uncaught exceptions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "command", "category", "where", "says"),
    [
        (
            {"lib/users.js": "exports.name = (u) => u.profile.name.trim();\n",
             "index.js": 'const { name } = require("./lib/users");\n\nconsole.log(name({}));\n'},
            "node index.js", "type", "lib/users.js:1:33", "TypeError: Cannot read properties of undefined",
        ),
        (
            {"app.js": "function total(items) {\n  return items.length;\n}\nconsole.log(totl([]));\n"},
            "node app.js", "name", "app.js:4:9", "ReferenceError: totl is not defined",
        ),
        ({"dup.js": "const a = 1;\nconst a = 2;\n"}, "node dup.js", "syntax", "dup.js:2",
         "Identifier 'a' has already been declared"),
        ({"a.mjs": 'import { x } from "./lib.mjs";\nconsole.log(x);\n', "lib.mjs": "export const y = 1;\n"},
         "node a.mjs", "import", "a.mjs:1", "does not provide an export named 'x'"),
        ({"rec.js": "function f() {\n  f();\n}\nf();\n"}, "node rec.js", "runtime", "rec.js:2:3",
         "Maximum call stack size exceeded"),
        ({"rej.js": 'Promise.reject("boom");\n'}, "node rej.js", "runtime", "None", "'boom'"),
        ({"fs.js": 'require("fs").readFileSync("/nonexistent/x.json");\n'}, "node fs.js", "runtime",
         "fs.js:1:15", "ENOENT"),
        ({"server.js": 'const express = require("express");\n'}, "node server.js", "dependency",
         "server.js:1:17", "Cannot find module 'express'"),
        ({"server.mjs": 'import express from "@scope/web/router";\n'}, "node server.mjs", "dependency",
         "server.mjs", "Cannot find package '@scope/web'"),
        ({"src/main.js": 'require("./settings");\n'}, "node src/main.js", "import", "src/main.js:1:1",
         "Cannot find module './settings'"),
    ],
    ids=["type", "reference", "syntax", "esm-export", "stack", "rejection", "enoent", "package", "esm-scoped",
         "local"],
)  # fmt: skip
def test_uncaught_exceptions(
    tmp_path: Path, files: dict[str, str], command: str, category: str, where: str, says: str
) -> None:
    findings = node_run(tmp_path / "p", files, command)
    assert len(findings) == 1, findings
    [finding] = findings
    assert (finding.category, finding.severity, place(finding)) == (category, "high", where)
    assert says in finding.message + json.dumps(finding.details)


def test_missing_package_gets_the_install_command(tmp_path: Path) -> None:
    [finding] = node_run(tmp_path / "p", {"a.js": 'require("lodash/fp");\n'}, "node a.js")
    assert (finding.details["module"], finding.details["command"]) == ("lodash/fp", "npm install lodash")
    assert finding.details["code"] == "MODULE_NOT_FOUND"


def test_connection_refused_is_network(tmp_path: Path) -> None:
    script = src("""
        const net = require("node:net");
        const probe = net.createServer().listen(0, "127.0.0.1", () => {
          const { port } = probe.address();
          probe.close(async () => {
            await fetch(`http://127.0.0.1:${port}/`);
          });
        });
    """)
    [finding] = node_run(tmp_path / "p", {"probe.js": script}, "node probe.js")
    assert (finding.category, finding.details["code"]) == ("network", "ECONNREFUSED")
    assert place(finding) == "probe.js:5:5"


def test_logged_errors_of_a_healthy_script_are_not_findings(tmp_path: Path) -> None:
    script = 'console.error("Error: retrying in 1s");\nconsole.log("TypeError: none");\n'
    assert node_run(tmp_path / "p", {"ok.js": script}, "node ok.js") == []


def test_python_traceback_is_not_node() -> None:
    text = 'Traceback (most recent call last):\n  File "a.py", line 1, in <module>\nTypeError: bad\n'
    assert parse_node(observe("python a.py", text, "/p"), text) == []


# --- node --test ---------------------------------------------------------------------------------

MATH = {
    "package.json": json.dumps({"name": "demo", "version": "1.0.0", "scripts": {"test": "node --test"}}),
    "math.js": "exports.add = (a, b) => a - b;\n",
    "math.test.js": src("""
        const test = require("node:test");
        const assert = require("node:assert");
        const { add } = require("./math");

        test("adds two numbers", () => {
          assert.strictEqual(add(2, 2), 4);
        });

        test("adds zero", () => {
          assert.strictEqual(add(5, 0), 5);
        });

        test.describe("objects", () => {
          test.it("compares deeply", () => {
            assert.deepStrictEqual({ a: 1 }, { a: 2 });
          });
        });
    """),
}


@pytest.fixture(scope="module")
def test_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    require("node")
    require("npm")
    root = tmp_path_factory.mktemp("nodetest") / "demo"
    commands = {"tap": "node --test", "spec": "node --test --test-reporter=spec", "npm": "npm test"}
    return {name: run_tool(root, MATH, command) for name, command in commands.items()}


@pytest.mark.parametrize("form", ["tap", "spec", "npm"])
def test_node_test_failures(test_runs: dict[str, Run], form: str) -> None:
    run = test_runs[form]
    findings = parse_node(run.obs, run.text)
    by_name = {f.details["test_id"]: f for f in findings}
    assert set(by_name) == {"adds two numbers", "compares deeply"}
    adds = by_name["adds two numbers"]
    assert (adds.category, adds.severity, place(adds)) == ("test", "high", "math.test.js:6:10")
    assert "0 !== 4" in adds.message
    assert place(by_name["compares deeply"]) == "math.test.js:15:12"
    assert adds.details["counts"]["fail"] == 2
    assert adds.details["counts"]["pass"] == 1
    if form == "npm":
        summary = summarize_test_run(run.obs.command, run.text, run.exit_code)
        assert summary is not None
        assert (summary["passed"], summary["failed"], summary["outcome"]) == (1, 2, "failed")
        assert summary["failed_tests"] == ["adds two numbers", "compares deeply"]


# --- npm -----------------------------------------------------------------------------------------


def test_npm_missing_script(tmp_path: Path) -> None:
    files = {"package.json": json.dumps({"name": "demo", "version": "1.0.0", "scripts": {"test": "node -v"}})}
    [finding] = node_run(tmp_path / "p", files, "npm run lint")
    assert (finding.category, finding.tool, finding.details["command"]) == ("command", "npm", "npm run")
    assert '"lint"' in finding.message


def test_npm_offline_install_of_an_uncached_package(tmp_path: Path) -> None:
    files = {"package.json": json.dumps({"name": "demo", "version": "1.0.0"})}
    findings = node_run(tmp_path / "p", files, "npm install --offline zz-no-such-package-hh")
    assert [(f.category, f.details.get("code")) for f in findings] == [("network", "ENOTCACHED")]


def test_npm_error_lines_of_old_npm() -> None:
    text = (
        "npm ERR! code E404\nnpm ERR! 404 Not Found - GET https://registry.npmjs.org/lefpad - Not found\n"
        "npm ERR! 404\nnpm ERR! 404  'lefpad@*' is not in this registry.\n"
    )
    [finding] = parse_node(observe("npm install lefpad", text, "/p"), text)
    assert (finding.category, finding.details["module"]) == ("dependency", "lefpad")


# --- tsc -----------------------------------------------------------------------------------------

TSCONFIG = json.dumps({"compilerOptions": {"strict": True, "noEmit": True}, "include": ["src"]})
TS_PROJECT = {
    "tsconfig.json": TSCONFIG,
    "src/cart.ts": src("""
        import express from "express";
        import { helper } from "./helpers";
        import leftpad from "leftpad";

        interface Item {
          name: string;
          price: number;
        }

        export function total(items: Item[]): number {
          const sum: number = items.map((i) => i.name).join(",");
          return sum + undefinedThing + express + helper + leftpad;
        }
    """),
    "node_modules/leftpad/package.json": json.dumps({"name": "leftpad", "main": "index.js"}),
    "node_modules/leftpad/index.js": "module.exports = (s) => s;\n",
}


@pytest.fixture(scope="module")
def tsc_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    require("tsc")
    root = tmp_path_factory.mktemp("tsc") / "proj"
    return {name: run_tool(root, TS_PROJECT, command) for name, command in
            {"plain": "tsc", "pretty": "tsc --pretty"}.items()}  # fmt: skip


@pytest.mark.parametrize("form", ["plain", "pretty"])
def test_tsc_errors(tsc_runs: dict[str, Run], form: str) -> None:
    run = tsc_runs[form]
    findings = parse_node(run.obs, run.text)
    by_code: dict[str, list[Finding]] = {}
    for finding in findings:
        by_code.setdefault(finding.details["code"], []).append(finding)
    [express] = [f for f in by_code["TS2307"] if f.details["module"] == "express"]
    assert (express.category, place(express), express.details["command"]) == (
        "dependency",
        "src/cart.ts:1:21",
        "npm install express",
    )
    [local] = [f for f in by_code["TS2307"] if f.details["module"] == "./helpers"]
    assert local.category == "import"
    [untyped] = by_code["TS7016"]
    assert (untyped.category, untyped.details["command"]) == ("dependency", "npm i --save-dev @types/leftpad")
    [assign] = by_code["TS2322"]
    assert (assign.category, place(assign)) == ("type", "src/cart.ts:11:9")
    [name] = by_code["TS2304"]
    assert (name.category, place(name)) == ("name", "src/cart.ts:12:16")
    assert all(f.details.get("summary", "").startswith("Found ") for f in findings) or form == "plain"


def test_tsc_plain_and_pretty_agree(tsc_runs: dict[str, Run]) -> None:
    plain = parse_node(tsc_runs["plain"].obs, tsc_runs["plain"].text)
    pretty = parse_node(tsc_runs["pretty"].obs, tsc_runs["pretty"].text)
    assert [(f.details["code"], place(f), f.message) for f in plain] == [
        (f.details["code"], place(f), f.message) for f in pretty
    ]


def test_tsc_syntax_errors(tmp_path: Path) -> None:
    files = {"tsconfig.json": TSCONFIG, "src/broken.ts": "export function f(a: number {\n  return a;\n}\n"}
    findings = node_run(tmp_path / "p", files, "tsc")
    assert {(f.category, f.details["code"]) for f in findings} == {("syntax", "TS1005")}
    assert place(findings[0]) == "src/broken.ts:1:29"


def test_tsc_clean(tmp_path: Path) -> None:
    files = {"tsconfig.json": TSCONFIG, "src/ok.ts": "export const x: number = 1;\n"}
    assert node_run(tmp_path / "p", files, "tsc") == []
