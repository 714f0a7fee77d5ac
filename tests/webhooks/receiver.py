"""A real webhook receiver on loopback: answers from a script, verifies nothing itself.

It records every request (headers, raw body, arrival on the monotonic clock); tests verify
the signatures with the Standard Webhooks library, as a partner's receiver would.
"""

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import uvicorn
from standardwebhooks.webhooks import Webhook
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.served import free_port


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic() on arrival

    @property
    def message_id(self) -> str:
        return self.headers["webhook-id"]

    def verified(self, secret: str) -> dict[str, Any]:
        """The payload, once its signature checks out with `secret` (raises otherwise)."""
        payload: dict[str, Any] = Webhook(secret).verify(self.body, self.headers)
        return payload

    def json(self) -> dict[str, Any]:
        payload: dict[str, Any] = json.loads(self.body)
        return payload


class Receiver:
    def __init__(
        self, statuses: Iterable[int] = (), delay_s: float = 0.0, answer: bytes | None = None
    ) -> None:
        self.answer = answer  # the body of every answer, instead of "answer <status>"
        self.statuses = list(statuses)  # answered in turn; 200 once they run out
        self.delay_s = delay_s  # a slow receiver, so deliveries overlap
        self.received: list[Received] = []
        self.url = ""
        self._arrived = asyncio.Event()

    async def _hook(self, request: Request) -> Response:
        body = await request.body()
        self.received.append(Received(dict(request.headers), body, time.monotonic()))
        self._arrived.set()
        status = self.statuses.pop(0) if self.statuses else 200
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        body = self.answer if self.answer is not None else f"answer {status}".encode()
        return Response(body, status_code=status)

    async def wait_for(self, done: Callable[[list[Received]], bool], ceiling_s: float = 60) -> None:
        """Poll until `done(received)`; the ceiling only keeps a broken test from hanging."""
        async with asyncio.timeout(ceiling_s):
            while not done(self.received):
                self._arrived.clear()
                await self._arrived.wait()

    async def wait_count(self, count: int, ceiling_s: float = 60) -> list[Received]:
        await self.wait_for(lambda got: len(got) >= count, ceiling_s)
        return self.received


@asynccontextmanager
async def receiving(
    statuses: Iterable[int] = (),
    *,
    port: int | None = None,
    delay_s: float = 0.0,
    answer: bytes | None = None,
) -> AsyncIterator[Receiver]:
    receiver = Receiver(statuses, delay_s, answer)
    port = port or free_port()
    app = Starlette(routes=[Route("/hook", receiver._hook, methods=["POST"])])
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        receiver.url = f"http://127.0.0.1:{port}/hook"
        yield receiver
    finally:
        server.should_exit = True
        await task
