"""The SSRF guard where the connection is made: webhook POSTs reach only the address checked.

url_refusal checks a URL's addresses before an attempt, but a name can resolve differently a
moment later (DNS rebinding). This network backend resolves the host itself, refuses the
connection if any address is forbidden, and connects to the address it checked; TLS still
verifies the certificate against the URL's host name, which httpcore passes on separately.
"""

import asyncio
import socket
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from app.domain.webhooks import address_problem


class PublicOnlyBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, inner: httpcore.AsyncNetworkBackend) -> None:
        self.inner = inner

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's signature
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            found = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )
        except (OSError, UnicodeError) as error:
            raise httpcore.ConnectError(f"the host {host!r} does not resolve") from error
        addresses = [str(address[0]) for *_, address in found]
        for address in addresses:
            problem = address_problem(address)
            if problem is not None:
                raise httpcore.ConnectError(f"refused: the URL {problem}")
        return await self.inner.connect_tcp(
            addresses[0], port, timeout, local_address, socket_options
        )

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("webhooks go over TCP only")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


def webhook_transport(*, allow_private: bool, max_connections: int) -> httpx.AsyncHTTPTransport:
    """No proxy from the environment (it would be the address checked), and the guard above."""
    transport = httpx.AsyncHTTPTransport(
        limits=httpx.Limits(max_connections=max_connections), trust_env=False
    )
    if not allow_private:
        pool = transport._pool  # httpx builds the pool; httpcore takes the backend from it
        pool._network_backend = PublicOnlyBackend(pool._network_backend)
    return transport
