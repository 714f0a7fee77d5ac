"""No request holds the database past the statement timeout, and `serve` stops despite one.

The slow side is made deterministic: the test holds a lock on the orders table, so the
server's statement waits for as long as the test keeps it, not for as long as a machine is slow.
"""

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.api_keys import issue_key
from tests.hostile.conftest import hostile_settings
from tests.hostile.test_inputs import CREATE, order_input
from tests.locks import orders_locked, until_blocked_by
from tests.served import free_port, served

ORDERS = "{ orders(first: 1) { totalCount nodes { number } } }"


async def test_a_statement_past_the_timeout_is_cancelled_with_a_timeout_error(
    database_url, engine, hostile, tenant
):
    settings = hostile_settings(database_url, statement_timeout_s=2)  # ample for a busy machine
    headers = dict(hostile.admin.headers)
    async with served(settings) as url, httpx.AsyncClient(base_url=url, headers=headers) as http:
        async with orders_locked(engine):
            read = await http.post("/graphql", json={"query": ORDERS})
            variables = {"input": order_input(tenant, number="TIMEOUT-1")}
            write = await http.post("/graphql", json={"query": CREATE, "variables": variables})
        after = await http.post("/graphql", json={"query": ORDERS})

    for response in (read, write):
        assert response.status_code == 200
        [error] = response.json()["errors"]
        assert error["extensions"]["code"] == "TIMEOUT"
        assert "statement timeout" in error["message"]
        assert "SELECT" not in error["message"]
    assert "errors" not in after.json()
    async with AsyncSession(engine) as session:
        numbers = await session.scalars(sa.text("SELECT number FROM orders"))
        assert "TIMEOUT-1" not in list(numbers)


async def test_serve_stops_on_sigterm_while_a_request_waits_on_the_database(
    database_url, engine, tmp_path
):
    port = free_port()
    env = os.environ | {
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "BULK_WORKER_ENABLED": "false",
        "STATEMENT_TIMEOUT_S": "3600",  # the request would wait as long as the lock is held
        "SHUTDOWN_GRACE_S": "1",
    }
    async with AsyncSession(engine) as session:
        key = await issue_key(session, name="sigterm", company_codes=None, scopes=["admin"])
    command = [str(Path(sys.executable).with_name("orders-api")), "serve"]
    log = (tmp_path / "serve.log").open("wb")
    process = await asyncio.create_subprocess_exec(
        *command, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=None) as http:
            while True:
                assert process.returncode is None, (tmp_path / "serve.log").read_text()
                try:
                    if (await http.get("/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.2)
            async with orders_locked(engine) as holder:
                stuck = asyncio.create_task(
                    http.post(
                        "/graphql",
                        json={"query": ORDERS},
                        headers={"authorization": f"Bearer {key.plain}"},
                    )
                )
                await until_blocked_by(engine, holder)
                process.send_signal(signal.SIGTERM)
                # without the grace period this would wait for the lock, which the test holds
                async with asyncio.timeout(120):
                    await process.wait()
                await asyncio.gather(stuck, return_exceptions=True)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        log.close()
