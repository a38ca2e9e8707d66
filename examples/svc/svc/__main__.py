import asyncio

from svc.bus import EventBus, shutdown

asyncio.run(shutdown(EventBus()))
