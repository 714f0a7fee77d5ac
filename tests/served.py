"""Real servers for tests that speak HTTP: create_app under uvicorn, or `orders-api serve`."""

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
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


@asynccontextmanager
async def serve_command(
    env: dict[str, str], log: Path
) -> AsyncIterator[tuple[str, asyncio.subprocess.Process]]:
    """`orders-api serve` as a user runs it, its output in `log`: its URL once it is ready.

    Stopped with SIGTERM afterwards (killed if it will not stop), as a service manager would.
    """
    port = free_port()
    command = [str(Path(sys.executable).with_name("orders-api")), "serve"]
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            *command, env=os.environ | env | {"PORT": str(port)}, stdout=output, stderr=output
        )
        url = f"http://127.0.0.1:{port}"
        try:
            async with httpx.AsyncClient(base_url=url) as http:
                while True:
                    assert process.returncode is None, log.read_text()  # noqa: ASYNC240
                    try:
                        if (await http.get("/readyz")).status_code == 200:
                            break
                    except httpx.TransportError:
                        await asyncio.sleep(0.1)
            yield url, process
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
                try:
                    async with asyncio.timeout(60):
                        await process.wait()
                except TimeoutError:
                    process.kill()
                    await process.wait()
