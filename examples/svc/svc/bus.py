class EventBus:
    def stop(self):
        print('stopped')


async def shutdown(event_bus):
    await event_bus.stop()
