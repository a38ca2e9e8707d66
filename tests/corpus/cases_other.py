"""Type checkers, linters and other runtimes: mypy, ruff, node, go, tsc."""

from __future__ import annotations

from .runner import Case, Expect, source

MYPY_CONFIG = "[tool.mypy]\nstrict = true\n"
RUFF_CONFIG = source("""
    [tool.ruff]
    line-length = 88

    [tool.ruff.lint]
    select = ["E", "F", "I"]
""")

USERS_PY = source("""
    from dataclasses import dataclass


    @dataclass
    class User:
        name: str
        email: str


    def find(users: list[User], name: str) -> User | None:
        for user in users:
            if user.name == name:
                return user
        return None
""")

MYPY = [
    Case(
        name="mypy-arg-type-and-return-value",
        tool="mypy",
        files={
            "pyproject.toml": MYPY_CONFIG,
            "app/__init__.py": "",
            "app/users.py": USERS_PY,
            "app/greet.py": source("""
                from app.users import User


                def greeting(user: User) -> str:
                    return len(user.name)


                def shout(text: str) -> str:
                    return text.upper()


                print(shout(42))
            """),
        },
        command="mypy app",
        expect=Expect(
            "type",
            "app/greet.py",
            5,
            ("[return-value]", "[arg-type]", "Found 2 errors in 1 file"),
        ),
        requires=("mypy",),
    ),
    Case(
        name="mypy-attr-defined-and-union-attr",
        tool="mypy",
        files={
            "pyproject.toml": MYPY_CONFIG,
            "app/__init__.py": "",
            "app/users.py": USERS_PY,
            "app/mail.py": source("""
                from app.users import User, find


                def domain(user: User) -> str:
                    return user.emial.split("@")[1]


                def admin_email(users: list[User]) -> str:
                    return find(users, "admin").email
            """),
        },
        command="mypy app/mail.py",
        expect=Expect(
            "type",
            "app/mail.py",
            5,
            ('"User" has no attribute "emial"', "[attr-defined]", "[union-attr]"),
        ),
        requires=("mypy",),
    ),
    Case(
        name="mypy-missing-stubs",
        tool="mypy",
        files={
            "pyproject.toml": MYPY_CONFIG,
            "config_loader.py": source("""
                import yaml


                def load(path: str) -> object:
                    with open(path) as fh:
                        return yaml.safe_load(fh)
            """),
        },
        command="mypy config_loader.py",
        expect=Expect(
            "dependency",
            "config_loader.py",
            1,
            ('Library stubs not installed for "yaml"', "[import-untyped]", "types-PyYAML"),
        ),
        requires=("mypy",),
    ),
    Case(
        name="mypy-import-not-found",
        tool="mypy",
        files={
            "pyproject.toml": MYPY_CONFIG,
            "ml/__init__.py": "",
            "ml/model.py": source("""
                from sklearn.linear_model import LinearRegression


                def fit(x: list[list[float]], y: list[float]) -> LinearRegression:
                    return LinearRegression().fit(x, y)
            """),
        },
        command="mypy ml",
        expect=Expect(
            "dependency",
            "ml/model.py",
            1,
            (
                'Cannot find implementation or library stub for module named "sklearn.linear_model"',
                "[import-not-found]",
            ),
        ),
        requires=("mypy",),
    ),
    Case(
        name="mypy-syntax-error",
        tool="mypy",
        files={
            "pyproject.toml": MYPY_CONFIG,
            "calc.py": "def add(a: int, b: int) -> int\n    return a + b\n",
        },
        command="mypy calc.py",
        expect=Expect("syntax", "calc.py", 1, ("[syntax]",)),
        requires=("mypy",),
    ),
]

RUFF = [
    Case(
        name="ruff-check-unused-import-and-variable",
        tool="ruff",
        files={
            "pyproject.toml": RUFF_CONFIG,
            "app.py": source("""
                import os
                import sys


                def main() -> int:
                    result = 42
                    print(sys.argv)
                    return 0
            """),
        },
        command="ruff check .",
        expect=Expect("lint", "app.py", 1, ("F401", "F841", "`os` imported but unused")),
        requires=("ruff",),
    ),
    Case(
        name="ruff-check-undefined-name-concise",
        tool="ruff",
        files={
            "pyproject.toml": RUFF_CONFIG,
            "pkg/__init__.py": "",
            "pkg/report.py": source("""
                def render(rows: list[str]) -> str:
                    return "\\n".join(rows) + footer
            """),
        },
        command="ruff check --output-format=concise pkg",
        expect=Expect("lint", "pkg/report.py", 2, ("F821", "Undefined name `footer`")),
        requires=("ruff",),
    ),
    Case(
        name="ruff-check-import-order-and-line-length",
        tool="ruff",
        files={
            "pyproject.toml": RUFF_CONFIG.replace("88", "72"),
            "tool.py": source("""
                import sys
                import json

                MESSAGE = "this line is deliberately made far, far longer than eighty-eight chars"
                print(json.dumps({"argv": sys.argv, "message": MESSAGE}))
            """),
        },
        command="ruff check tool.py",
        expect=Expect("lint", "tool.py", 1, ("I001", "E501")),
        requires=("ruff",),
    ),
    Case(
        name="ruff-format-check",
        tool="ruff",
        files={"pyproject.toml": RUFF_CONFIG, "messy.py": "x = {  'a':1,'b' :2 }\n"},
        command="ruff format --check .",
        expect=Expect("lint", "messy.py", 1, ("File would be reformatted", "1 file would be")),
        requires=("ruff",),
    ),
    Case(
        name="ruff-check-syntax-error",
        tool="ruff",
        files={"pyproject.toml": RUFF_CONFIG, "broken.py": "def f(:\n    pass\n"},
        command="ruff check broken.py",
        expect=Expect("syntax", "broken.py", 1, ("invalid-syntax",)),
        requires=("ruff",),
    ),
]

_CLOSED_PORT_JS = source("""
    const net = require("node:net");

    function closedPort() {
      return new Promise((resolve) => {
        const probe = net.createServer().listen(0, "127.0.0.1", () => {
          const { port } = probe.address();
          probe.close(() => resolve(port));
        });
      });
    }
""")

NODE = [
    Case(
        name="node-reference-error",
        tool="node",
        files={
            "src/app.js": source("""
                function total(items) {
                  return items.reduce((sum, item) => sum + item.price, 0);
                }

                console.log(totl([{ price: 3 }]));
            """),
        },
        command="node src/app.js",
        expect=Expect("name", "src/app.js", 5, ("ReferenceError", "totl is not defined")),
        requires=("node",),
    ),
    Case(
        name="node-type-error-in-module",
        tool="node",
        files={
            "lib/users.js": source("""
                function displayName(user) {
                  return user.profile.name.trim();
                }

                module.exports = { displayName };
            """),
            "index.js": source("""
                const { displayName } = require("./lib/users");

                console.log(displayName({ id: 1 }));
            """),
        },
        command="node index.js",
        expect=Expect(
            "type",
            "lib/users.js",
            2,
            ("TypeError", "Cannot read properties of undefined (reading 'name')"),
        ),
        requires=("node",),
    ),
    Case(
        name="node-cannot-find-package-commonjs",
        tool="node",
        files={
            "package.json": '{\n  "name": "api",\n  "dependencies": {"express": "^4.19.0"}\n}\n',
            "server.js": source("""
                const express = require("express");

                const app = express();
                app.listen(3000);
            """),
        },
        command="node server.js",
        expect=Expect("dependency", "server.js", 1, ("Cannot find module 'express'", "MODULE_NOT_FOUND")),
        requires=("node",),
    ),
    Case(
        name="node-cannot-find-package-esm",
        tool="node",
        files={
            "server.mjs": source("""
                import express from "express";

                express().listen(3000);
            """),
        },
        command="node server.mjs",
        expect=Expect(
            "dependency", "server.mjs", None, ("Cannot find package 'express'", "ERR_MODULE_NOT_FOUND")
        ),
        requires=("node",),
    ),
    Case(
        name="node-cannot-find-local-module",
        tool="node",
        files={
            "src/config/index.js": "module.exports = { port: 8080 };\n",
            "src/main.js": 'const config = require("./settings");\n\nconsole.log(config.port);\n',
        },
        command="node src/main.js",
        expect=Expect("import", "src/main.js", 1, ("Cannot find module './settings'",)),
        requires=("node",),
    ),
    Case(
        name="node-syntax-error",
        tool="node",
        files={
            "cli.js": source("""
                const args = process.argv.slice(2);
                if (args.length === 0 {
                  console.log("usage: cli NAME");
                }
            """),
        },
        command="node cli.js",
        expect=Expect("syntax", "cli.js", 2, ("SyntaxError", "Unexpected token")),
        requires=("node",),
    ),
    Case(
        name="node-unhandled-rejection",
        tool="node",
        files={
            "job.js": source("""
                async function loadConfig(path) {
                  throw new Error(`config not found: ${path}`);
                }

                async function main() {
                  const config = await loadConfig("app.json");
                  console.log(config);
                }

                main();
            """),
        },
        command="node job.js",
        expect=Expect("runtime", "job.js", 2, ("Error: config not found: app.json",)),
        requires=("node",),
    ),
    Case(
        name="node-fetch-connection-refused",
        tool="node",
        files={
            "health.js": _CLOSED_PORT_JS
            + source("""

                async function main() {
                  const port = await closedPort();
                  const res = await fetch(`http://127.0.0.1:${port}/health`);
                  console.log(res.status);
                }

                main();
            """),
        },
        command="node health.js",
        expect=Expect("network", "health.js", 13, ("fetch failed", "ECONNREFUSED")),
        requires=("node",),
    ),
    Case(
        name="node-address-in-use",
        tool="node",
        files={
            "serve.js": source("""
                const http = require("node:http");

                const first = http.createServer().listen(0, "127.0.0.1", () => {
                  const { port } = first.address();
                  http.createServer().listen(port, "127.0.0.1");
                });
            """),
        },
        command="node serve.js",
        expect=Expect("network", None, None, ("EADDRINUSE", "address already in use")),
        requires=("node",),
    ),
    Case(
        name="node-test-runner-failure",
        tool="node",
        files={
            "math.js": "exports.add = (a, b) => a - b;\n",
            "math.test.js": source("""
                const test = require("node:test");
                const assert = require("node:assert");
                const { add } = require("./math");

                test("adds two numbers", () => {
                  assert.strictEqual(add(2, 2), 4);
                });

                test("adds zero", () => {
                  assert.strictEqual(add(5, 0), 5);
                });
            """),
        },
        command="node --test",
        expect=Expect("test", "math.test.js", 6, ("not ok 1 - adds two numbers", "# fail 1")),
        requires=("node",),
    ),
]

GO_MOD = "module example.com/demo\n\ngo 1.19\n"

GO = [
    Case(
        name="go-build-undefined",
        tool="go",
        files={
            "go.mod": GO_MOD,
            "main.go": source("""
                package main

                import "fmt"

                func main() {
                    total := 3
                    fmt.Prinln("total", totl)
                }
            """),
        },
        command="go build ./...",
        expect=Expect(
            "name", "main.go", 6, ("declared but not used", "undefined: fmt.Prinln", "undefined: totl")
        ),
        requires=("go",),
    ),
    Case(
        name="go-build-type-mismatch",
        tool="go",
        files={
            "go.mod": GO_MOD,
            "store/store.go": source("""
                package store

                func Count(items []string) int32 {
                    return len(items)
                }
            """),
            "main.go": source("""
                package main

                import (
                    "fmt"

                    "example.com/demo/store"
                )

                func main() {
                    fmt.Println(store.Count(nil))
                }
            """),
        },
        command="go build ./...",
        expect=Expect("type", "store/store.go", 4, ("cannot use len(items)",)),
        requires=("go",),
    ),
    Case(
        name="go-missing-module",
        tool="go",
        files={
            "go.mod": GO_MOD,
            "main.go": source("""
                package main

                import (
                    "fmt"

                    "github.com/google/uuid"
                )

                func main() {
                    fmt.Println(uuid.NewString())
                }
            """),
        },
        command="go build .",
        expect=Expect(
            "dependency",
            "main.go",
            6,
            ("no required module provides package github.com/google/uuid", "go get github.com/google/uuid"),
        ),
        requires=("go",),
    ),
    Case(
        name="go-test-failure",
        tool="go",
        files={
            "go.mod": GO_MOD,
            "calc/calc.go": "package calc\n\nfunc Add(a, b int) int {\n\treturn a - b\n}\n",
            "calc/calc_test.go": source("""
                package calc

                import "testing"

                func TestAdd(t *testing.T) {
                    if got := Add(2, 2); got != 4 {
                        t.Errorf("Add(2, 2) = %d; want 4", got)
                    }
                }
            """),
        },
        command="go test ./...",
        expect=Expect("test", "calc/calc_test.go", 7, ("--- FAIL: TestAdd", "Add(2, 2) = 0; want 4")),
        requires=("go",),
    ),
    Case(
        name="go-run-panic",
        tool="go",
        files={
            "go.mod": GO_MOD,
            "main.go": source("""
                package main

                import (
                    "fmt"
                    "os"
                )

                func main() {
                    fmt.Println("config:", os.Args[1])
                }
            """),
        },
        command="go run .",
        expect=Expect("runtime", "main.go", 9, ("panic: runtime error: index out of range",)),
        requires=("go",),
    ),
]

TSCONFIG = source("""
    {
      "compilerOptions": {
        "strict": true,
        "noEmit": true,
        "target": "es2022",
        "module": "commonjs"
      },
      "include": ["src"]
    }
""")

TSC = [
    Case(
        name="tsc-type-not-assignable",
        tool="tsc",
        files={
            "tsconfig.json": TSCONFIG,
            "src/cart.ts": source("""
                interface Item {
                  name: string;
                  price: number;
                }

                export function total(items: Item[]): number {
                  const sum: number = items.map((i) => i.name).join(",");
                  return sum;
                }
            """),
        },
        command="tsc",
        expect=Expect("type", "src/cart.ts", 7, ("TS2322", "Type 'string' is not assignable")),
        requires=("tsc",),
    ),
    Case(
        name="tsc-property-does-not-exist-and-arg",
        tool="tsc",
        files={
            "tsconfig.json": TSCONFIG,
            "src/user.ts": source("""
                export interface User {
                  email: string;
                }

                export function domain(user: User): string {
                  return user.emial.split("@")[1];
                }

                domain({ email: 42 });
            """),
        },
        command="tsc -p .",
        expect=Expect("type", "src/user.ts", 6, ("TS2551", "emial", "TS2322")),
        requires=("tsc",),
    ),
    Case(
        name="tsc-cannot-find-module",
        tool="tsc",
        files={
            "tsconfig.json": TSCONFIG,
            "src/server.ts": source("""
                import express from "express";

                export const app = express();
            """),
        },
        command="tsc",
        expect=Expect(
            "dependency",
            "src/server.ts",
            1,
            ("TS2307", "Cannot find module 'express' or its corresponding type declarations"),
        ),
        requires=("tsc",),
    ),
    Case(
        name="tsc-syntax-error",
        tool="tsc",
        files={
            "tsconfig.json": TSCONFIG,
            "src/index.ts": "export function f(a: number {\n  return a;\n}\n",
        },
        command="tsc",
        expect=Expect("syntax", "src/index.ts", 1, ("TS1005", "',' expected")),
        requires=("tsc",),
    ),
]

CASES: list[Case] = [*MYPY, *RUFF, *NODE, *GO, *TSC]
