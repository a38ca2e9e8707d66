"""pytest runs that fail: collection errors, assertion failures, fixtures, plugins, pipelines."""

from __future__ import annotations

from .runner import Case, Expect, source

PYPROJECT = source("""
    [project]
    name = "shop"
    version = "0.1.0"

    [tool.pytest.ini_options]
    pythonpath = ["."]
    testpaths = ["tests"]
""")

CART = source("""
    from dataclasses import dataclass, field


    @dataclass
    class Cart:
        prices: list[int] = field(default_factory=list)

        def add(self, price: int) -> None:
            self.prices.append(price)

        def total(self) -> int:
            return sum(self.prices[:-1])

        def average(self) -> float:
            return self.total() / len(self.prices)
""")

SLUG = source("""
    import re


    def slugify(title: str) -> str:
        return re.sub(r"\\s+", "-", title.strip()).lower()
""")


def project(tests: dict[str, str]) -> dict[str, str]:
    """A pytest project: pyproject.toml, the shop package, and the given test files."""
    base = {
        "pyproject.toml": PYPROJECT,
        "shop/__init__.py": "",
        "shop/cart.py": CART,
        "shop/slug.py": SLUG,
    }
    return {**base, **tests}


TEST_CART = source("""
    from shop.cart import Cart


    def test_empty_total():
        assert Cart().total() == 0


    def test_total():
        cart = Cart()
        cart.add(10)
        cart.add(20)
        assert cart.total() == 30
""")

COLLECTION = [
    Case(
        name="pytest-collection-import-error",
        tool="pytest",
        files=project(
            {
                "tests/test_cart.py": source("""
                    from shop.cart import Cart, Discount


                    def test_discount():
                        assert Discount(10).apply(Cart()) == 0
                """)
            }
        ),
        command="pytest",
        expect=Expect(
            "import",
            "tests/test_cart.py",
            1,
            ("ERROR collecting tests/test_cart.py", "cannot import name 'Discount'"),
        ),
    ),
    Case(
        name="pytest-collection-dependency-missing",
        tool="pytest",
        files=project(
            {
                "tests/test_config.py": source("""
                    import yaml


                    def test_load():
                        assert yaml.safe_load("a: 1") == {"a": 1}
                """)
            }
        ),
        command="pytest -q",
        expect=Expect("dependency", "tests/test_config.py", 1, ("No module named 'yaml'", "test_config.py")),
    ),
    Case(
        name="pytest-collection-syntax-error",
        tool="pytest",
        files=project(
            {
                "tests/test_slug.py": source("""
                    from shop.slug import slugify


                    def test_slugify():
                        assert slugify("Hello World") == "hello-world"


                    def test_strip()
                        assert slugify("  a  ") == "a"
                """)
            }
        ),
        command="pytest",
        expect=Expect(
            "syntax", "tests/test_slug.py", 8, ("ERROR collecting tests/test_slug.py", "SyntaxError")
        ),
    ),
    Case(
        name="pytest-conftest-import-error",
        tool="pytest",
        files=project(
            {
                "tests/conftest.py": source("""
                    import pytest

                    from shop.db import connect


                    @pytest.fixture
                    def db():
                        return connect()
                """),
                "tests/test_cart.py": TEST_CART,
            }
        ),
        command="pytest",
        expect=Expect("import", "tests/conftest.py", 3, ("ImportError while loading conftest", "shop.db")),
    ),
    Case(
        name="pytest-file-not-found",
        tool="pytest",
        files=project({"tests/test_cart.py": TEST_CART}),
        command="pytest tests/test_checkout.py",
        expect=Expect("command", None, None, ("file or directory not found", "tests/test_checkout.py")),
    ),
    Case(
        name="pytest-no-tests-collected",
        tool="pytest",
        files=project({"tests/test_cart.py": TEST_CART}),
        command="pytest -k checkout",
        expect=Expect("test", None, None, ("deselected",)),
    ),
]

FAILURES = [
    Case(
        name="pytest-assertion-failure",
        tool="pytest",
        files=project({"tests/test_cart.py": TEST_CART}),
        command="pytest",
        expect=Expect(
            "test",
            "tests/test_cart.py",
            12,
            ("tests/test_cart.py::test_total", "assert 10 == 30", "1 failed, 1 passed"),
        ),
    ),
    Case(
        name="pytest-parametrized-failure",
        tool="pytest",
        files=project(
            {
                "tests/test_slug.py": source("""
                    import pytest

                    from shop.slug import slugify


                    @pytest.mark.parametrize(
                        ("title", "slug"),
                        [
                            ("Hello World", "hello-world"),
                            ("  Trim me  ", "trim-me"),
                            ("Café, au lait!", "cafe-au-lait"),
                        ],
                    )
                    def test_slugify(title, slug):
                        assert slugify(title) == slug
                """)
            }
        ),
        command="pytest -q",
        expect=Expect(
            "test",
            "tests/test_slug.py",
            15,
            ("tests/test_slug.py::test_slugify[Caf\\xe9, au lait!-cafe-au-lait]", "1 failed"),
        ),
    ),
    Case(
        name="pytest-class-method-failure-verbose",
        tool="pytest",
        files=project(
            {
                "tests/test_api.py": source("""
                    class TestCartApi:
                        def test_add(self):
                            from shop.cart import Cart

                            cart = Cart()
                            cart.add(5)
                            assert cart.prices == [5]

                        def test_summary(self):
                            from shop.cart import Cart

                            cart = Cart([1, 2])
                            assert {"total": cart.total(), "items": 2} == {"total": 3, "items": 2}
                """)
            }
        ),
        command="pytest -v",
        expect=Expect(
            "test",
            "tests/test_api.py",
            13,
            ("tests/test_api.py::TestCartApi::test_summary FAILED", "'total': 1"),
        ),
    ),
    Case(
        name="pytest-exception-in-project-code",
        tool="pytest",
        files=project(
            {
                "tests/test_average.py": source("""
                    from shop.cart import Cart


                    def test_average_of_empty_cart():
                        assert Cart().average() == 0
                """)
            }
        ),
        command="pytest",
        expect=Expect(
            "test",
            "shop/cart.py",
            15,
            ("ZeroDivisionError", "tests/test_average.py::test_average_of_empty_cart"),
        ),
    ),
    Case(
        name="pytest-fixture-error-at-setup",
        tool="pytest",
        files=project(
            {
                "tests/test_db.py": source("""
                    from pathlib import Path

                    import pytest


                    @pytest.fixture
                    def seed_sql():
                        return Path("tests/data/seed.sql").read_text()


                    def test_seed_creates_tables(seed_sql):
                        assert "CREATE TABLE" in seed_sql
                """)
            }
        ),
        command="pytest",
        expect=Expect(
            "test",
            "tests/test_db.py",
            8,
            ("ERROR at setup of test_seed_creates_tables", "FileNotFoundError", "tests/data/seed.sql"),
        ),
    ),
    Case(
        name="pytest-missing-fixture",
        tool="pytest",
        files=project(
            {
                "tests/test_orders.py": source("""
                    def test_order_total(order_factory):
                        order = order_factory(items=3)
                        assert order.total > 0
                """)
            }
        ),
        command="pytest",
        expect=Expect("test", "tests/test_orders.py", 1, ("fixture 'order_factory' not found",)),
    ),
    Case(
        name="pytest-exitfirst",
        tool="pytest",
        files=project(
            {
                "tests/test_many.py": source("""
                    def test_one():
                        assert 1 + 1 == 3


                    def test_two():
                        assert "a" * 2 == "aaa"


                    def test_three():
                        assert True
                """)
            }
        ),
        command="pytest -x",
        expect=Expect("test", "tests/test_many.py", 2, ("stopping after 1 failures", "test_one")),
    ),
    Case(
        name="pytest-several-failures",
        tool="pytest",
        files=project(
            {
                "tests/test_cart.py": TEST_CART,
                "tests/test_slug.py": source("""
                    from shop.slug import slugify


                    def test_lower():
                        assert slugify("ABC") == "abc"


                    def test_dashes():
                        assert slugify("a  b") == "a--b"


                    def test_unicode():
                        assert slugify("Über") == "uber"
                """),
            }
        ),
        command="python -m pytest",
        expect=Expect(
            "test",
            "tests/test_cart.py",
            12,
            (
                "3 failed, 2 passed",
                "tests/test_slug.py::test_dashes",
                "tests/test_slug.py::test_unicode",
                "tests/test_cart.py::test_total",
            ),
        ),
    ),
    Case(
        name="pytest-raises-did-not-raise",
        tool="pytest",
        files=project(
            {
                "tests/test_errors.py": source("""
                    import pytest

                    from shop.cart import Cart


                    def test_negative_price_rejected():
                        with pytest.raises(ValueError, match="negative"):
                            Cart().add(-5)
                """)
            }
        ),
        command="pytest -q",
        expect=Expect("test", "tests/test_errors.py", 7, ("DID NOT RAISE", "test_negative_price_rejected")),
    ),
    Case(
        name="pytest-xfail-strict-xpass",
        tool="pytest",
        files=project(
            {
                "tests/test_known.py": source("""
                    import pytest

                    from shop.slug import slugify


                    @pytest.mark.xfail(strict=True, reason="issue 12: tabs not collapsed")
                    def test_tabs():
                        assert slugify("a\\tb") == "a-b"
                """)
            }
        ),
        command="pytest -rX",
        expect=Expect("test", "tests/test_known.py", None, ("XPASS(strict)", "issue 12")),
    ),
    Case(
        name="pytest-async-test-without-plugin",
        tool="pytest",
        files=project(
            {
                "tests/test_async.py": source("""
                    import asyncio


                    async def test_fetch():
                        await asyncio.sleep(0)
                        assert False, "never reached without an async plugin"
                """)
            }
        ),
        command="pytest",
        expect=Expect(
            "async", "tests/test_async.py", None, ("async def functions are not natively supported",)
        ),
    ),
    Case(
        name="pytest-hypothesis-falsifying-example",
        tool="pytest",
        files=project(
            {
                "tests/test_props.py": source("""
                    from hypothesis import given, strategies as st

                    from shop.cart import Cart


                    @given(st.lists(st.integers(min_value=0, max_value=100), min_size=1))
                    def test_total_is_sum(prices):
                        assert Cart(prices).total() == sum(prices)
                """)
            }
        ),
        command="pytest -q",
        expect=Expect(
            "test", "tests/test_props.py", 8, ("Failing test case: test_total_is_sum(", "prices=[1]")
        ),
    ),
]

PIPELINES_AND_TIMEOUTS = [
    Case(
        name="pytest-many-failures-long-output",
        tool="pytest",
        files=project(
            {
                "tests/test_catalog.py": source("""
                    import pytest

                    from shop.slug import slugify

                    TITLES = [f"Product number {n} (limited edition)" for n in range(40)]


                    @pytest.mark.parametrize("title", TITLES)
                    def test_slug_has_no_parentheses(title):
                        slug = slugify(title)
                        assert "(" not in slug, f"slug {slug!r} of {title!r} keeps parentheses"
                """)
            }
        ),
        command="pytest",
        # far over 10,000 characters: the host keeps the head and the summary at the tail
        expect=Expect(
            "test",
            "tests/test_catalog.py",
            11,
            ("40 failed", "test_slug_has_no_parentheses[Product number 39 (limited edition)]"),
        ),
    ),
    Case(
        name="pytest-piped-to-tail-exit-0",
        tool="pytest",
        files=project({"tests/test_cart.py": TEST_CART}),
        command="pytest 2>&1 | tail -20",
        expect=Expect("test", "tests/test_cart.py", 12, ("1 failed, 1 passed", "test_total")),
    ),
    Case(
        name="pytest-timeout-plugin",
        tool="pytest",
        files=project(
            {
                "tests/test_slow.py": source("""
                    import time


                    def test_waits_for_server():
                        time.sleep(5)
                """)
            }
        ),
        command="pytest --timeout=1",
        expect=Expect("timeout", "tests/test_slow.py", 5, ("Timeout", "test_waits_for_server")),
        requires=("py:pytest_timeout",),
    ),
    Case(
        name="pytest-killed-by-timeout-command",
        tool="pytest",
        files=project(
            {
                "tests/test_slow.py": source("""
                    import time


                    def test_quick():
                        assert True


                    def test_waits_for_server():
                        time.sleep(30)
                """)
            }
        ),
        command="timeout 8 pytest -v",  # generous: pytest alone starts in 1-6 s under load
        expect=Expect("timeout", None, None, ("test_quick PASSED",)),
    ),
]

CASES: list[Case] = [*COLLECTION, *FAILURES, *PIPELINES_AND_TIMEOUTS]
