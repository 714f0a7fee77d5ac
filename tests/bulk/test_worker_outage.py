"""The bulk worker through a database outage: one warning, no traceback, and it carries on."""

import asyncio
import logging

from app.bulk_worker import BulkWorker
from app.settings import Settings
from db.engine import make_engine
from tests.served import free_port


class CountingWorker(BulkWorker):
    """The real worker; it only counts its rounds and stops itself after a few."""

    def __init__(self, *args, rounds: int, stop: asyncio.Event, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rounds, self.left, self.stop = 0, rounds, stop

    async def run_once(self) -> bool:
        self.rounds += 1
        if self.rounds >= self.left:
            self.stop.set()
        return await super().run_once()


async def test_an_unreachable_database_is_one_warning_not_a_traceback_per_round(caplog):
    caplog.set_level(logging.INFO, logger="app.bulk_worker")
    nowhere = f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/none"  # nothing listens
    engine = make_engine(nowhere, pool_size=1)
    settings = Settings(bulk_poll_interval_s=0.01, _env_file=None)  # type: ignore[call-arg]
    stop = asyncio.Event()
    worker = CountingWorker(engine, settings, guard=None, inventory_http=None, rounds=5, stop=stop)
    try:
        await worker.run(stop)
    finally:
        await engine.dispose()

    records = [r for r in caplog.records if r.name == "app.bulk_worker"]
    assert worker.rounds == 5
    assert [r.levelname for r in records] == ["WARNING"]
    assert records[0].getMessage().startswith("bulk worker: database unavailable")
    assert records[0].exc_info is None
