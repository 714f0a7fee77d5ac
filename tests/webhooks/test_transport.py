"""The connection-time SSRF guard: no POST reaches a forbidden address, whatever DNS said before.

url_refusal is bypassed here on purpose: this is the check for a name that resolved to a
public address when it was checked and to a private one when the connection is made.
"""

import httpx
import pytest

from app.webhook_transport import webhook_transport
from tests.webhooks.receiver import receiving


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
async def test_the_guarded_transport_refuses_to_connect_to_loopback(host):
    async with receiving() as receiver:
        url = receiver.url.replace("127.0.0.1", host)
        transport = webhook_transport(allow_private=False, max_connections=2)
        async with httpx.AsyncClient(transport=transport) as http:
            with pytest.raises(httpx.ConnectError, match="refused: the URL resolves to"):
                await http.post(url, content=b"{}")
    assert receiver.received == []


async def test_with_private_urls_allowed_the_transport_connects():
    async with receiving() as receiver:
        transport = webhook_transport(allow_private=True, max_connections=2)
        async with httpx.AsyncClient(transport=transport) as http:
            response = await http.post(receiver.url, content=b"{}")
    assert response.status_code == 200
    assert len(receiver.received) == 1


async def test_proxies_from_the_environment_are_not_used(monkeypatch):
    """A proxy would be the address connected to, so it would escape the guard."""
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("ALL_PROXY", "http://127.0.0.1:9")
    async with receiving() as receiver:
        transport = webhook_transport(allow_private=True, max_connections=2)
        async with httpx.AsyncClient(transport=transport) as http:  # trust_env as by default
            response = await http.post(receiver.url, content=b"{}")
    assert response.status_code == 200
