"""The SSRF guard: a webhook URL may only lead to public addresses, checked against DNS.

Checked when an endpoint is created or changed, and again before every attempt, because what a
name resolves to can change after it was accepted; app/webhook_transport.py checks once more the
address each connection is made to.
"""

import asyncio
import socket
from urllib.parse import urlsplit

from app.domain.webhooks import address_problem, url_problem

RESOLVE_TIMEOUT_S = 5.0


async def url_refusal(url: str, *, allow_private: bool) -> str | None:
    """Why `url` must not be called now, or None. Unresolvable names are refused too."""
    problem = url_problem(url)
    if problem is not None or allow_private:
        return problem
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        async with asyncio.timeout(RESOLVE_TIMEOUT_S):
            found = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )
    except (OSError, TimeoutError, UnicodeError):
        return f"the host {host!r} does not resolve"
    for *_, address in found:
        problem = address_problem(str(address[0]))
        if problem is not None:
            return problem
    return None
