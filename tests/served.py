"""create_app under a real uvicorn on a free loopback port, for tests that speak HTTP to it."""

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn

from app.main import create_app
from app.settings import Settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def served(settings: Settings, **config: object) -> AsyncIterator[str]:
    """The server's base URL while the block runs; it is shut down (and awaited) afterwards."""
    port = free_port()
    app = create_app(settings.model_copy(update={"port": port}))
    options = {"log_level": "warning", "timeout_graceful_shutdown": 5} | config
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, **options))
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()  # raises what stopped it
                raise RuntimeError("uvicorn stopped before it started")
            await asyncio.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
