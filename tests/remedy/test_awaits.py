"""Async mismatches: `await` on a plain def is removed; a coroutine never awaited is awaited."""

from __future__ import annotations

from pathlib import Path

from tests.corpus.runner import source
from tests.remedy.healing import heal, plan, remedied, run, with_patterns

SEED = {
    "bus.py": source("""
        import asyncio


        class EventBus:
            def __init__(self):
                self.running = True

            def stop(self):
                self.running = False


        async def shutdown(event_bus):
            await event_bus.stop()
            return event_bus.running


        print(asyncio.run(shutdown(EventBus())))
    """),
}

VARIANT = {
    "jobs/__init__.py": "",
    "jobs/queue.py": "class JobQueue:\n    def close(self):\n        return 'closed'\n",
    "worker.py": source("""
        import asyncio

        from jobs.queue import JobQueue


        async def main():
            queue = JobQueue()
            result = await queue.close()
            print(result)


        asyncio.run(main())
    """),
}

NEVER_AWAITED = {
    "cache.py": source("""
        import asyncio


        class Cache:
            def __init__(self):
                self.flushed = False

            async def flush(self):
                self.flushed = True


        async def main():
            cache = Cache()
            cache.flush()
            assert cache.flushed, "the cache was not flushed"
            print("flushed")


        asyncio.run(main())
    """),
}


def test_seed_await_on_sync_stop_is_removed(tmp_path: Path) -> None:
    result, _, again = heal(tmp_path, "python bus.py", with_patterns(SEED))

    remedy = remedied(result, "edit")[0].remedy
    assert remedy is not None
    assert (remedy.search, remedy.replace) == ("await event_bus.stop()", "event_bus.stop()")
    assert again.exit_code == 0 and again.output.strip() == "False", again.output


def test_variant_await_in_an_assignment(tmp_path: Path) -> None:
    _, _, again = heal(tmp_path, "python worker.py", with_patterns(VARIANT))

    assert again.exit_code == 0 and again.output.strip() == "closed", again.output
    assert "result = queue.close()" in (tmp_path / "worker.py").read_text()


def test_coroutine_never_awaited_gets_await(tmp_path: Path) -> None:
    result, _, again = heal(tmp_path, "python cache.py", with_patterns(NEVER_AWAITED))

    assert any(f.remedy and f.remedy.replace == "await cache.flush()" for f in result.findings)
    assert again.exit_code == 0 and again.output.strip() == "flushed", again.output


def test_never_awaited_outside_async_def_is_guidance(tmp_path: Path) -> None:
    files = {
        "tool.py": source("""
            async def refresh():
                return 1


            def main():
                refresh()
                raise SystemExit(3)


            main()
        """),
    }
    broken = run(tmp_path, "python tool.py", with_patterns(files))
    findings = [f for f in remedied(plan(tmp_path, broken)) if "never awaited" in str(f.details)]

    assert findings and findings[0].remedy is not None and findings[0].remedy.kind == "steps"
    assert "asyncio.run(refresh())" in " ".join(findings[0].remedy.steps)
