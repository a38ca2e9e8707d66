"""Shell-level failures: missing commands, permissions, missing paths, timeouts, signals, make, npm."""

from __future__ import annotations

from .runner import Case, Expect, source

DEPLOY_SH = "#!/bin/bash\necho deploying\n"

NOT_FOUND = [
    Case(
        name="shell-command-not-found-typo-cargo",
        tool="shell",
        files={"Cargo.toml": '[package]\nname = "demo"\nversion = "0.1.0"\n'},
        command="carg build",
        expect=Expect("command", None, None, ("carg: command not found",)),
    ),
    Case(
        name="shell-command-not-found-typo-python",
        tool="shell",
        files={"x.py": "print('x')\n"},
        command="pyhton x.py",
        expect=Expect("command", None, None, ("pyhton: command not found",)),
    ),
    Case(
        name="shell-command-not-found-in-chain",
        tool="shell",
        files={"README.md": "# demo\n"},
        command="echo building && yarnpkg install --frozen-lockfile && echo done",
        expect=Expect("command", None, None, ("yarnpkg: command not found", "building")),
    ),
    Case(
        name="shell-relative-script-not-found",
        tool="shell",
        files={"scripts/build.sh": DEPLOY_SH},
        command="./build.sh",
        expect=Expect("command", None, None, ("./build.sh: No such file or directory",)),
    ),
]

PERMISSIONS = [
    Case(
        name="shell-permission-denied-script",
        tool="shell",
        files={"deploy.sh": DEPLOY_SH},
        command="./deploy.sh",
        expect=Expect("permission", "deploy.sh", None, ("./deploy.sh: Permission denied",)),
    ),
    Case(
        name="shell-bad-interpreter-crlf",
        tool="shell",
        files={"setup.sh": "#!/bin/bash\r\necho setting up\r\n"},
        command="chmod +x setup.sh && ./setup.sh",
        # bash 5.2 no longer says "bad interpreter" for a CRLF shebang
        expect=Expect("command", "setup.sh", None, ("./setup.sh: cannot execute: required file not found",)),
    ),
    Case(
        name="shell-permission-denied-system-dir",
        tool="shell",
        files={"mytool": "#!/bin/sh\necho tool\n"},
        # As root nothing is denied: drop to nobody, as an agent without root would be.
        command=(
            '$( [ "$(id -u)" = 0 ] && echo setpriv --reuid=65534 --regid=65534 --clear-groups ) '
            "cp mytool /usr/local/bin/mytool"
        ),
        expect=Expect("permission", None, None, ("cannot create regular file", "Permission denied")),
        requires=("setpriv",),
    ),
]

MISSING_PATHS = [
    Case(
        name="shell-cat-missing-file",
        tool="shell",
        files={"notes.txt": "todo\n"},
        command="cat missing.txt",
        expect=Expect("command", None, None, ("cat: missing.txt: No such file or directory",)),
    ),
    Case(
        name="shell-cd-nowhere",
        tool="shell",
        files={"src/main.py": "print(1)\n"},
        command="cd nowhere && ls",
        expect=Expect("command", None, None, ("cd: nowhere: No such file or directory",)),
    ),
    Case(
        name="shell-ls-nonexistent",
        tool="shell",
        files={"a.txt": "a\n"},
        command="ls /nonexistent",
        expect=Expect(
            "command", None, None, ("ls: cannot access '/nonexistent': No such file or directory",)
        ),
    ),
    Case(
        name="shell-cp-missing-source",
        tool="shell",
        files={"config.example.toml": "debug = true\n"},
        command="cp config.toml config.bak",
        expect=Expect("command", None, None, ("cp: cannot stat 'config.toml'",)),
    ),
    Case(
        name="shell-bash-script-syntax-error",
        tool="shell",
        files={
            "scripts/release.sh": source("""
                #!/bin/bash
                set -euo pipefail
                version="$1"
                if [ -z "$version" ]; then
                    echo "usage: release.sh VERSION"
                    exit 1
                echo "releasing $version"
            """),
        },
        command="bash scripts/release.sh 1.2.0",
        expect=Expect("syntax", "scripts/release.sh", 8, ("syntax error: unexpected end of file",)),
    ),
    Case(
        name="shell-set-u-unbound-variable",
        tool="shell",
        files={
            "scripts/env.sh": source("""
                #!/bin/bash
                set -u
                echo "deploying to $DEPLOY_TARGET"
            """),
        },
        command="bash scripts/env.sh",
        expect=Expect("name", "scripts/env.sh", 3, ("DEPLOY_TARGET: unbound variable",)),
    ),
]

TIMEOUTS_AND_SIGNALS = [
    Case(
        name="shell-timeout-124",
        tool="shell",
        files={"wait.sh": "sleep 5\n"},
        command="timeout 1 bash wait.sh",
        expect=Expect("timeout", None, None, ()),
    ),
    Case(
        name="shell-killed-137-in-script",
        tool="shell",
        files={
            "train.py": source("""
                import os
                import signal

                print("epoch 1/10", flush=True)
                os.kill(os.getpid(), signal.SIGKILL)  # what the OOM killer does
            """),
            "run_training.sh": "#!/bin/bash\nset -e\npython train.py\necho finished\n",
        },
        command="bash run_training.sh",
        expect=Expect("runtime", "run_training.sh", 3, ("Killed", "epoch 1/10")),
    ),
    Case(
        name="shell-killed-137-last-command",
        tool="shell",
        files={
            "train.py": source("""
                import os
                import signal

                print("epoch 1/10", flush=True)
                os.kill(os.getpid(), signal.SIGKILL)
            """),
        },
        # bash execs the last command of `bash -c` in place: no "Killed" line, only exit 137
        command="python train.py",
        expect=Expect("runtime", None, None, ("epoch 1/10",)),
    ),
    Case(
        name="shell-segfault-139",
        tool="shell",
        files={},
        command='python -c "import ctypes; ctypes.string_at(0)"',
        expect=Expect("runtime", None, None, ()),  # exit 139, and not a byte of output
    ),
]

BUILD_TOOLS = [
    Case(
        name="make-missing-target",
        tool="shell",
        files={"Makefile": "build:\n\t@echo building\n"},
        command="make deploy",
        expect=Expect("command", None, None, ("No rule to make target 'deploy'",)),
        requires=("make",),
    ),
    Case(
        name="make-recipe-fails",
        tool="shell",
        files={
            "Makefile": "test:\n\t@echo running checks\n\tpython -c 'import sys; sys.exit(2)'\n",
        },
        command="make test",
        expect=Expect("command", "Makefile", 3, ("make: *** [Makefile:3: test] Error 2",)),
        requires=("make",),
    ),
    Case(
        name="npm-missing-script",
        tool="shell",
        files={"package.json": '{\n  "name": "web",\n  "scripts": {"build": "echo ok"}\n}\n'},
        command="npm run lint",
        expect=Expect("command", None, None, ('Missing script: "lint"',)),
        requires=("npm",),
    ),
    Case(
        name="npm-no-package-json",
        tool="shell",
        files={"index.js": "console.log(1)\n"},
        command="npm test",
        expect=Expect("command", None, None, ("ENOENT", "package.json")),
        requires=("npm",),
    ),
    Case(
        name="git-unknown-branch",
        tool="shell",
        files={"README.md": "# demo\n"},
        command=(
            "git init -q -b main . && git -c user.name=dev -c user.email=dev@example.com "
            "commit -qam init --allow-empty && git checkout feature/login"
        ),
        expect=Expect("command", None, None, ("pathspec 'feature/login' did not match",)),
        requires=("git",),
    ),
]

CASES: list[Case] = [
    *NOT_FOUND, *PERMISSIONS, *MISSING_PATHS, *TIMEOUTS_AND_SIGNALS, *BUILD_TOOLS,
]  # fmt: skip
