"""Plain Python scripts that fail: one case per kind of traceback an agent meets."""

from __future__ import annotations

from .runner import Case, Expect, source

SHOP_INIT = '"""A tiny shop package."""\n'

_CLOSED_PORT = '''
def closed_port() -> int:
    """A localhost port nobody listens on: bind an ephemeral one, then let it go."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
'''

IMPORTS = [
    Case(
        name="python-cannot-import-name-absolute",
        tool="python",
        files={
            "shop/__init__.py": SHOP_INIT,
            "shop/models.py": source("""
                class Order:
                    def __init__(self, total: int) -> None:
                        self.total = total


                class Invoce:
                    pass
            """),
            "main.py": source("""
                from shop.models import Order, Invoice

                print(Order(3), Invoice())
            """),
        },
        command="python main.py",
        expect=Expect("import", "main.py", 1, ("ImportError", "Invoice", "shop.models")),
    ),
    Case(
        name="python-cannot-import-name-relative",
        tool="python",
        files={
            "shop/__init__.py": SHOP_INIT,
            "shop/pricing.py": source("""
                def discount(total: float) -> float:
                    return total * 0.9
            """),
            "shop/cart.py": source("""
                from .pricing import discount, tax_rate


                def checkout(total: float) -> float:
                    return discount(total) * (1 + tax_rate)
            """),
            "app.py": source("""
                from shop.cart import checkout

                print(checkout(10.0))
            """),
        },
        command="python app.py",
        expect=Expect("import", "shop/cart.py", 1, ("ImportError", "tax_rate", "shop.pricing")),
    ),
    Case(
        name="python-circular-import",
        tool="python",
        files={
            "shop/__init__.py": SHOP_INIT,
            "shop/customers.py": source("""
                from shop.orders import Order


                class Customer:
                    def orders(self) -> list[Order]:
                        return []
            """),
            "shop/orders.py": source("""
                from shop.customers import Customer


                class Order:
                    customer: Customer
            """),
            "main.py": source("""
                import shop.customers

                print(shop.customers.Customer())
            """),
        },
        command="python main.py",
        expect=Expect("import", "shop/orders.py", 1, ("ImportError", "Customer", "circular import")),
    ),
    Case(
        name="python-module-not-found-project",
        tool="python",
        files={
            "src/helpers/__init__.py": "",
            "src/helpers/text.py": "def slugify(s: str) -> str:\n    return s.lower()\n",
            "scripts/publish.py": source("""
                import sys

                from helpers.text import slugify

                print(slugify(sys.argv[1]))
            """),
        },
        command="python scripts/publish.py 'Hello World'",
        expect=Expect("import", "scripts/publish.py", 3, ("ModuleNotFoundError", "helpers")),
    ),
    Case(
        name="python-module-not-found-submodule",
        tool="python",
        files={
            "shop/__init__.py": SHOP_INIT,
            "shop/orders.py": "ORDERS: list[int] = []\n",
            "shop/checkout.py": source("""
                from shop.orders import ORDERS
                from shop.payments import charge


                def pay_all() -> None:
                    for order in ORDERS:
                        charge(order)
            """),
        },
        command="python -m shop.checkout",
        expect=Expect("import", "shop/checkout.py", 2, ("ModuleNotFoundError", "shop.payments")),
    ),
    Case(
        name="python-dependency-yaml",
        tool="python",
        files={
            "load_config.py": source("""
                import yaml

                with open("config.yml") as fh:
                    print(yaml.safe_load(fh))
            """),
            "config.yml": "debug: true\n",
        },
        command="python load_config.py",
        expect=Expect("dependency", "load_config.py", 1, ("ModuleNotFoundError", "yaml")),
    ),
    Case(
        name="python-dependency-sklearn-in-package",
        tool="python",
        files={
            "ml/__init__.py": "",
            "ml/features.py": "def columns() -> list[str]:\n    return ['age', 'income']\n",
            "ml/train.py": source("""
                from ml.features import columns
                from sklearn.linear_model import LinearRegression


                def main() -> None:
                    model = LinearRegression()
                    print(model, columns())


                if __name__ == "__main__":
                    main()
            """),
        },
        command="python -m ml.train",
        expect=Expect("dependency", "ml/train.py", 2, ("ModuleNotFoundError", "sklearn")),
    ),
    Case(
        name="python-dependency-lazy-import-in-function",
        tool="python",
        files={
            "report.py": source("""
                import sys


                def parse(html: str) -> str:
                    from bs4 import BeautifulSoup

                    return BeautifulSoup(html, "html.parser").get_text()


                if __name__ == "__main__":
                    print(parse(sys.argv[1]))
            """),
        },
        command="python report.py '<p>hi</p>'",
        expect=Expect("dependency", "report.py", 5, ("ModuleNotFoundError", "bs4")),
    ),
    Case(
        name="python-script-path-not-found",
        tool="python",
        files={"app/main.py": "print('hello')\n"},
        command="python app/mian.py",
        expect=Expect("command", None, None, ("can't open file", "app/mian.py", "Errno 2")),
    ),
    Case(
        name="python-dash-m-module-not-found",
        tool="python",
        files={"app/__init__.py": "", "app/server.py": "print('serving')\n"},
        command="python -m app.sever",
        expect=Expect("import", None, None, ("No module named app.sever",)),
    ),
]

ASYNC = [
    Case(
        name="python-await-sync-method",
        tool="python",
        files={
            "svc/__init__.py": "",
            "svc/repo.py": source("""
                class Repo:
                    def __init__(self) -> None:
                        self.rows: list[str] = []

                    def save(self, row: str) -> None:
                        self.rows.append(row)
            """),
            "svc/main.py": source("""
                import asyncio

                from svc.repo import Repo


                async def handle(repo: Repo, row: str) -> None:
                    await repo.save(row)


                asyncio.run(handle(Repo(), "a"))
            """),
        },
        command="python -m svc.main",
        expect=Expect("async", "svc/main.py", 7, ("TypeError", "can't be used in 'await' expression")),
    ),
    Case(
        name="python-coroutine-never-awaited-then-crash",
        tool="python",
        files={
            "fetch.py": source("""
                import asyncio


                async def fetch_user(uid: int) -> dict[str, str]:
                    await asyncio.sleep(0)
                    return {"name": f"user{uid}"}


                def main() -> None:
                    user = fetch_user(1)
                    print(user["name"])


                main()
            """),
        },
        command="python fetch.py",
        expect=Expect(
            "async",
            "fetch.py",
            11,
            ("TypeError", "'coroutine' object is not subscriptable", "never awaited"),
        ),
    ),
    Case(
        name="python-coroutine-never-awaited-warning-exit-0",
        tool="python",
        files={
            "notify.py": source("""
                import asyncio


                async def send_email(to: str) -> None:
                    await asyncio.sleep(0)
                    print("sent to", to)


                def notify_all(users: list[str]) -> None:
                    for user in users:
                        send_email(user)
                    print("notified", len(users), "users")


                notify_all(["ann"])
            """),
        },
        command="python notify.py",
        expect=Expect(
            "async", "notify.py", 11, ("RuntimeWarning", "coroutine 'send_email' was never awaited")
        ),
    ),
    Case(
        name="python-asyncio-run-inside-running-loop",
        tool="python",
        files={
            "worker.py": source("""
                import asyncio


                async def job() -> int:
                    return 1


                async def main() -> None:
                    result = asyncio.run(job())
                    print(result)


                asyncio.run(main())
            """),
        },
        command="python worker.py",
        expect=Expect(
            "async",
            "worker.py",
            9,
            ("RuntimeError", "asyncio.run() cannot be called from a running event loop"),
        ),
    ),
    Case(
        name="python-asyncio-no-running-event-loop",
        tool="python",
        files={
            "tasks.py": source("""
                import asyncio


                async def tick() -> None:
                    await asyncio.sleep(0)


                def schedule() -> asyncio.Task[None]:
                    return asyncio.create_task(tick())


                schedule()
            """),
        },
        command="python tasks.py",
        expect=Expect("async", "tasks.py", 9, ("RuntimeError", "no running event loop")),
    ),
    Case(
        name="python-asyncio-bound-to-different-loop",
        tool="python",
        files={
            "ready.py": source("""
                import asyncio

                READY = asyncio.Event()


                async def warm_up() -> None:
                    try:
                        await asyncio.wait_for(READY.wait(), timeout=0.01)
                    except TimeoutError:
                        print("not ready yet")


                async def serve() -> None:
                    await READY.wait()


                asyncio.run(warm_up())
                asyncio.run(serve())
            """),
        },
        command="python ready.py",
        expect=Expect("async", "ready.py", 14, ("RuntimeError", "different event loop")),
    ),
    Case(
        name="python-asyncio-wait-for-timeout",
        tool="python",
        files={
            "poll.py": source("""
                import asyncio


                async def slow_call() -> str:
                    await asyncio.sleep(5)
                    return "done"


                async def main() -> None:
                    print(await asyncio.wait_for(slow_call(), timeout=0.1))


                asyncio.run(main())
            """),
        },
        command="python poll.py",
        expect=Expect("timeout", "poll.py", 10, ("TimeoutError", "CancelledError")),
    ),
]

SIGNATURES = [
    Case(
        name="python-unexpected-keyword-argument",
        tool="python",
        files={
            "users/__init__.py": "",
            "users/service.py": source("""
                from dataclasses import dataclass


                @dataclass
                class User:
                    name: str
                    email: str


                def create_user(name: str, email: str) -> User:
                    return User(name=name, email=email)
            """),
            "seed.py": source("""
                from users.service import create_user

                admin = create_user(name="admin", emial="admin@example.com")
                print(admin)
            """),
        },
        command="python seed.py",
        expect=Expect(
            "type", "seed.py", 3, ("TypeError", "unexpected keyword argument 'emial'", "create_user")
        ),
    ),
    Case(
        name="python-missing-positional-argument",
        tool="python",
        files={
            "mailer.py": source("""
                class Mailer:
                    def send(self, subject: str, recipient: str) -> str:
                        return f"{subject} -> {recipient}"


                def weekly_digest(mailer: Mailer) -> None:
                    print(mailer.send("Digest"))


                weekly_digest(Mailer())
            """),
        },
        command="python mailer.py",
        expect=Expect(
            "type", "mailer.py", 7, ("TypeError", "missing 1 required positional argument", "'recipient'")
        ),
    ),
    Case(
        name="python-too-many-positional-arguments",
        tool="python",
        files={
            "calc/__init__.py": "",
            "calc/ops.py": "def add(a: int, b: int) -> int:\n    return a + b\n",
            "calc/cli.py": source("""
                import sys

                from calc.ops import add


                def main(argv: list[str]) -> int:
                    numbers = [int(a) for a in argv]
                    print(add(*numbers))
                    return 0


                sys.exit(main(sys.argv[1:]))
            """),
        },
        command="python -m calc.cli 1 2 3",
        expect=Expect(
            "type", "calc/cli.py", 8, ("TypeError", "takes 2 positional arguments but 3 were given")
        ),
    ),
    Case(
        name="python-unsupported-operand-in-package",
        tool="python",
        files={
            "shop/__init__.py": SHOP_INIT,
            "shop/pricing.py": source("""
                def total(prices: list[str]) -> int:
                    result = 0
                    for price in prices:
                        result += price
                    return result
            """),
            "shop/cli.py": source("""
                from shop.pricing import total


                def main() -> None:
                    print(total(["3", "4"]))


                if __name__ == "__main__":
                    main()
            """),
        },
        command="python -m shop.cli",
        expect=Expect("type", "shop/pricing.py", 4, ("TypeError", "unsupported operand type(s) for +=")),
    ),
    Case(
        name="python-unhashable-type",
        tool="python",
        files={
            "dedupe.py": source("""
                rows = [["a", 1], ["b", 2], ["a", 1]]
                unique = set()
                for row in rows:
                    unique.add(row)
                print(len(unique))
            """),
        },
        command="python dedupe.py",
        expect=Expect("type", "dedupe.py", 4, ("TypeError", "unhashable type: 'list'")),
    ),
]

NAMES = [
    Case(
        name="python-name-error-did-you-mean",
        tool="python",
        files={
            "stats.py": source("""
                def average(values: list[float]) -> float:
                    total = sum(values)
                    return totl / len(values)


                print(average([1.0, 2.0]))
            """),
        },
        command="python stats.py",
        expect=Expect("name", "stats.py", 3, ("NameError", "totl", "Did you mean: 'total'")),
    ),
    Case(
        name="python-name-error-missing-import",
        tool="python",
        files={
            "dump.py": source("""
                def to_json(data: dict[str, int]) -> str:
                    return json.dumps(data, indent=2)


                print(to_json({"a": 1}))
            """),
        },
        command="python dump.py",
        expect=Expect("name", "dump.py", 2, ("NameError", "name 'json' is not defined")),
    ),
    Case(
        name="python-unbound-local-error",
        tool="python",
        files={
            "counter.py": source("""
                count = 0


                def bump() -> None:
                    count += 1


                bump()
            """),
        },
        command="python counter.py",
        expect=Expect("name", "counter.py", 5, ("UnboundLocalError", "count")),
    ),
    Case(
        name="python-attribute-error-did-you-mean",
        tool="python",
        files={
            "accounts.py": source("""
                class User:
                    def __init__(self, email: str) -> None:
                        self.email = email


                def domain(user: User) -> str:
                    return user.emial.split("@")[1]


                print(domain(User("a@example.com")))
            """),
        },
        command="python accounts.py",
        expect=Expect("attribute", "accounts.py", 7, ("AttributeError", "emial", "Did you mean: 'email'")),
    ),
    Case(
        name="python-attribute-error-module",
        tool="python",
        files={
            "blog/__init__.py": "",
            "blog/text.py": "def slugify(title: str) -> str:\n    return title.lower()\n",
            "blog/publish.py": source("""
                from blog import text


                def publish(title: str) -> str:
                    return "/posts/" + text.slugfy(title)


                if __name__ == "__main__":
                    print(publish("Hello"))
            """),
        },
        command="python -m blog.publish",
        expect=Expect(
            "attribute",
            "blog/publish.py",
            5,
            ("AttributeError", "module 'blog.text' has no attribute 'slugfy'"),
        ),
    ),
    Case(
        name="python-attribute-error-none",
        tool="python",
        files={
            "parse_env.py": source("""
                import re


                def version(text: str) -> str:
                    match = re.search(r"version=(\\S+)", text)
                    return match.group(1).strip()


                print(version("name=demo"))
            """),
        },
        command="python parse_env.py",
        expect=Expect(
            "attribute", "parse_env.py", 6, ("AttributeError", "'NoneType' object has no attribute")
        ),
    ),
]

SYNTAX = [
    Case(
        name="python-syntax-error-main-script",
        tool="python",
        files={
            "build.py": source("""
                import sys


                def main(argv: list[str]) -> int
                    print(argv)
                    return 0


                sys.exit(main(sys.argv))
            """),
        },
        command="python build.py",
        expect=Expect("syntax", "build.py", 4, ("SyntaxError", "expected ':'")),
    ),
    Case(
        name="python-syntax-error-in-imported-module",
        tool="python",
        files={
            "lib/__init__.py": "",
            "lib/config.py": source("""
                DEFAULTS = {
                    "host": "localhost",
                    "port": 8080,


                def load() -> dict[str, object]:
                    return dict(DEFAULTS)
            """),
            "serve.py": "from lib.config import load\n\nprint(load())\n",
        },
        command="python serve.py",
        expect=Expect("syntax", "lib/config.py", 1, ("SyntaxError", "'{' was never closed")),
    ),
    Case(
        name="python-indentation-error",
        tool="python",
        files={
            "greet.py": source("""
                def greet(name: str) -> str:
                    if name:
                    return f"hello {name}"
                    return "hello"
            """),
        },
        command="python greet.py",
        expect=Expect("syntax", "greet.py", 3, ("IndentationError", "expected an indented block")),
    ),
    Case(
        name="python-tab-error",
        tool="python",
        files={
            "mixed.py": "def f(x: int) -> int:\n    if x:\n\treturn 1\n    return 0\n\nprint(f(1))\n",
        },
        command="python mixed.py",
        expect=Expect("syntax", "mixed.py", 3, ("TabError", "inconsistent use of tabs and spaces")),
    ),
]

EXCEPTIONS = [
    Case(
        name="python-chained-during-handling",
        tool="python",
        files={
            "settings.py": source("""
                class ConfigError(Exception):
                    pass


                RAW = {"host": "localhost"}


                def port() -> int:
                    try:
                        return int(RAW["port"])
                    except KeyError:
                        raise ConfigError("port is not configured")


                print(port())
            """),
        },
        command="python settings.py",
        expect=Expect(
            "runtime",
            "settings.py",
            12,
            ("ConfigError", "KeyError", "During handling of the above exception"),
        ),
    ),
    Case(
        name="python-chained-direct-cause",
        tool="python",
        files={
            "loader/__init__.py": "",
            "loader/settings.py": source("""
                import json


                class SettingsError(Exception):
                    pass


                def load(text: str) -> dict[str, object]:
                    try:
                        return json.loads(text)
                    except json.JSONDecodeError as exc:
                        raise SettingsError("settings.json is not valid JSON") from exc
            """),
            "loader/__main__.py": "from loader.settings import load\n\nprint(load('{oops'))\n",
        },
        command="python -m loader",
        expect=Expect(
            "runtime",
            "loader/settings.py",
            12,
            ("SettingsError", "JSONDecodeError", "direct cause of the following exception"),
        ),
    ),
    Case(
        name="python-key-error-environ",
        tool="python",
        files={
            "deploy.py": source("""
                import os


                def api_key() -> str:
                    return os.environ["DEPLOY_API_KEY"]


                print(api_key()[:4])
            """),
        },
        command="python deploy.py",
        expect=Expect("key", "deploy.py", 5, ("KeyError", "DEPLOY_API_KEY")),
    ),
    Case(
        name="python-key-error-dict",
        tool="python",
        files={
            "inventory.py": source("""
                STOCK = {"apple": 3, "pear": 0}


                def reserve(item: str) -> int:
                    STOCK[item] -= 1
                    return STOCK[item]


                print(reserve("banana"))
            """),
        },
        command="python inventory.py",
        expect=Expect("key", "inventory.py", 5, ("KeyError", "'banana'")),
    ),
    Case(
        name="python-value-error-int-parse",
        tool="python",
        files={
            "ages.py": source("""
                import sys

                ages = [int(value) for value in sys.argv[1:]]
                print(sum(ages) / len(ages))
            """),
        },
        command="python ages.py 31 forty 12",
        expect=Expect("value", "ages.py", 3, ("ValueError", "invalid literal for int()", "forty")),
    ),
    Case(
        name="python-json-decode-through-stdlib",
        tool="python",
        files={
            "cfg/__init__.py": "",
            "cfg/read.py": source("""
                import json
                from pathlib import Path


                def read_config(path: str) -> dict[str, object]:
                    text = Path(path).read_text()
                    return json.loads(text)
            """),
            "run.py": "from cfg.read import read_config\n\nprint(read_config('config.json'))\n",
            "config.json": '{"name": "demo",}\n',
        },
        command="python run.py",
        expect=Expect("value", "cfg/read.py", 7, ("JSONDecodeError", "Expecting property name")),
    ),
    Case(
        name="python-strptime-through-stdlib",
        tool="python",
        files={
            "dates.py": source("""
                from datetime import datetime


                def parse_day(text: str) -> datetime:
                    return datetime.strptime(text, "%Y-%m-%d")


                print(parse_day("25/12/2024"))
            """),
        },
        command="python dates.py",
        expect=Expect("value", "dates.py", 5, ("ValueError", "does not match format")),
    ),
    Case(
        name="python-pydantic-validation-error",
        tool="python",
        files={
            "models.py": source("""
                from pydantic import BaseModel


                class User(BaseModel):
                    id: int
                    email: str


                user = User(id="abc")
                print(user)
            """),
        },
        command="python models.py",
        expect=Expect("value", "models.py", 9, ("ValidationError", "2 validation errors for User", "email")),
    ),
    Case(
        name="python-unicode-decode-error",
        tool="python",
        files={
            "menu.py": source("""
                from pathlib import Path

                for line in Path("data/menu.txt").read_text(encoding="utf-8").splitlines():
                    print(line.title())
            """),
        },
        command="mkdir -p data && printf 'caf\\xe9 au lait\\n' > data/menu.txt && python menu.py",
        expect=Expect("value", "menu.py", 3, ("UnicodeDecodeError", "'utf-8' codec can't decode byte 0xe9")),
    ),
    Case(
        name="python-zero-division",
        tool="python",
        files={
            "report.py": source("""
                def ratio(done: int, total: int) -> float:
                    return done / total


                print(f"{ratio(3, 0):.0%}")
            """),
        },
        command="python report.py",
        expect=Expect("runtime", "report.py", 2, ("ZeroDivisionError", "division by zero")),
    ),
    Case(
        name="python-index-error",
        tool="python",
        files={
            "first.py": source("""
                import sys

                print(sys.argv[1].upper())
            """),
        },
        command="python first.py",
        expect=Expect("runtime", "first.py", 3, ("IndexError", "list index out of range")),
    ),
    Case(
        name="python-recursion-error",
        tool="python",
        files={
            "tree.py": source("""
                def depth(node: dict[str, object]) -> int:
                    child = node.get("child", node)
                    return 1 + depth(child)  # type: ignore[arg-type]


                print(depth({}))
            """),
        },
        command="python tree.py",
        expect=Expect("runtime", "tree.py", 3, ("RecursionError", "maximum recursion depth exceeded")),
    ),
    Case(
        name="python-assertion-error-in-script",
        tool="python",
        files={
            "check.py": source("""
                def checksum(data: bytes) -> int:
                    return sum(data) % 256


                result = checksum(b"abc")
                assert result == 0, f"bad checksum {result}"
            """),
        },
        command="python check.py",
        expect=Expect("assertion", "check.py", 6, ("AssertionError", "bad checksum 38")),
    ),
    Case(
        name="python-called-process-error",
        tool="python",
        files={
            "release.py": source("""
                import subprocess


                def build() -> None:
                    subprocess.run(["bash", "-c", "echo compiling; exit 2"], check=True)


                build()
            """),
        },
        command="python release.py",
        expect=Expect("command", "release.py", 5, ("CalledProcessError", "exit status 2")),
    ),
    Case(
        name="python-sys-exit-with-code-and-message",
        tool="python",
        files={
            "migrate.py": source("""
                import sys
                from pathlib import Path

                if not Path("migrations").is_dir():
                    print("error: no migrations directory in", Path.cwd().name, file=sys.stderr)
                    sys.exit(3)
            """),
        },
        command="python migrate.py",
        expect=Expect("runtime", None, None, ("error: no migrations directory",)),
    ),
    Case(
        name="python-sys-exit-string",
        tool="python",
        files={
            "lint_config.py": source("""
                import sys

                REQUIRED = ("name", "version")
                given = dict(arg.split("=", 1) for arg in sys.argv[1:])
                missing = [key for key in REQUIRED if key not in given]
                if missing:
                    sys.exit(f"lint_config: missing keys: {', '.join(missing)}")
            """),
        },
        command="python lint_config.py name=demo",
        expect=Expect("runtime", None, None, ("lint_config: missing keys: version",)),
    ),
]

OS_AND_NETWORK = [
    Case(
        name="python-file-not-found",
        tool="python",
        files={
            "etl/__init__.py": "",
            "etl/extract.py": source("""
                import csv


                def rows(path: str) -> list[list[str]]:
                    with open(path, newline="") as fh:
                        return list(csv.reader(fh))
            """),
            "etl/__main__.py": "from etl.extract import rows\n\nprint(rows('data/input.csv'))\n",
        },
        command="python -m etl",
        expect=Expect("runtime", "etl/extract.py", 5, ("FileNotFoundError", "data/input.csv")),
    ),
    Case(
        name="python-permission-error-open",
        tool="python",
        files={
            "read_secret.py": source("""
                from pathlib import Path

                print(len(Path("secret.env").read_text()))
            """),
            "secret.env": "TOKEN=x\n",
        },
        # As root the mode bits do not stop a read: drop to nobody for the run, as an agent
        # without root would be.
        command=(
            "chmod 600 secret.env && "
            '$( [ "$(id -u)" = 0 ] && echo setpriv --reuid=65534 --regid=65534 --clear-groups ) '
            "python read_secret.py"
        ),
        expect=Expect(
            "permission", "read_secret.py", 3, ("PermissionError", "Permission denied", "secret.env")
        ),
        requires=("setpriv",),
    ),
    Case(
        name="python-permission-error-exec",
        tool="python",
        files={
            "tools/lint.sh": "#!/bin/sh\necho lint ok\n",
            "ci.py": source("""
                import subprocess

                subprocess.run(["./tools/lint.sh"], check=True)
            """),
        },
        command="python ci.py",
        expect=Expect("permission", "ci.py", 3, ("PermissionError", "Permission denied", "./tools/lint.sh")),
    ),
    Case(
        name="python-connection-refused-socket",
        tool="python",
        files={
            "ping.py": source("""
                import socket
            """)
            + _CLOSED_PORT
            + source("""


                def ping(port: int) -> bytes:
                    with socket.create_connection(("127.0.0.1", port), timeout=2) as conn:
                        conn.sendall(b"PING\\r\\n")
                        return conn.recv(64)


                print(ping(closed_port()))
            """),
        },
        command="python ping.py",
        expect=Expect("network", "ping.py", 9, ("ConnectionRefusedError", "Connection refused")),
    ),
    Case(
        name="python-connection-refused-urllib",
        tool="python",
        files={
            "health.py": source("""
                import socket
                import urllib.request
            """)
            + _CLOSED_PORT
            + source("""


                def check(port: int) -> int:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                        return r.status


                print(check(closed_port()))
            """),
        },
        command="python health.py",
        expect=Expect(
            "network", "health.py", 10, ("URLError", "Connection refused", "ConnectionRefusedError")
        ),
    ),
    Case(
        name="python-timeout-exit-124",
        tool="python",
        files={
            "crawl.py": source("""
                import time

                print("crawling", flush=True)
                time.sleep(5)
            """),
        },
        command="timeout 1 python crawl.py",
        expect=Expect("timeout", None, None, ("crawling",)),
    ),
]

OUTPUT_SHAPES = [
    Case(
        name="python-buffered-stdout-after-traceback",
        tool="python",
        files={
            "importer/__init__.py": "",
            "importer/__main__.py": source("""
                import sys

                print("reading", sys.argv[1])
                print("parsed 3 rows")
                rows = ["a,1", "b,2", "c"]
                totals = {name: int(value) for name, value in (r.split(",") for r in rows)}
            """),
        },
        command="python -m importer data.csv",
        # stdout to a pipe is block-buffered and `python -m`/`-c` (unlike a script path) do not flush
        # it before printing the traceback: the prints land AFTER the traceback
        expect=Expect(
            "value", "importer/__main__.py", 6, ("ValueError: not enough values to unpack", "parsed 3 rows")
        ),
    ),
    Case(
        name="python-traceback-after-long-log",
        tool="python",
        files={
            "migrate_rows.py": source("""
                ROWS = [{"id": i, "email": f"user{i}@example.com"} for i in range(400)]
                ROWS[399] = {"id": 399}


                def migrate(row: dict[str, object]) -> str:
                    return f"{row['id']}: {row['email']}"


                for row in ROWS:
                    print("migrated", migrate(row), flush=True)
            """),
        },
        command="python migrate_rows.py",
        # about 14,000 characters: the host cuts the middle, the traceback at the end survives
        expect=Expect("key", "migrate_rows.py", 6, ("KeyError: 'email'", "migrated 398: user398")),
    ),
]

CASES: list[Case] = [
    *IMPORTS, *ASYNC, *SIGNATURES, *NAMES, *SYNTAX, *EXCEPTIONS, *OS_AND_NETWORK, *OUTPUT_SHAPES,
]  # fmt: skip
