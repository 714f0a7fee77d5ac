"""Idempotency-Key over a real server: a retry gets the first answer and writes nothing more.

The first request is held inside the server by a lock the test holds, so "the retry came while
the first was running" and "the client's connection was cut" are facts, not timings.
"""

import asyncio
import hashlib
import json
import socket
import uuid
from urllib.parse import urlsplit

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import from_base64

from tests.hostile.conftest import hostile_settings
from tests.hostile.test_inputs import CREATE, order_input
from tests.locks import orders_locked, table_locked, until_blocked_by
from tests.served import served


def create_body(tenant, number: str) -> dict:
    return {"query": CREATE, "variables": {"input": order_input(tenant, number=number)}}


async def orders_numbered(engine, number: str) -> int:
    async with AsyncSession(engine) as session:
        return int(
            await session.scalar(
                sa.text("SELECT count(*) FROM orders WHERE number = :n"), {"n": number}
            )
        )


def fresh(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


async def test_a_retry_replays_the_first_answer_and_writes_once(hostile, tenant, engine):
    number, key = fresh("IDEM"), fresh("key")
    headers = {"idempotency-key": key}

    first = await hostile.caller.post("/graphql", json=create_body(tenant, number), headers=headers)
    retry = await hostile.caller.post("/graphql", json=create_body(tenant, number), headers=headers)

    assert first.status_code == retry.status_code == 200
    assert first.json()["data"]["createOrder"]["errors"] == []
    assert retry.json() == first.json()
    assert retry.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert await orders_numbered(engine, number) == 1


async def test_the_same_key_for_another_request_is_refused(hostile, tenant, engine):
    key = fresh("key")
    headers = {"idempotency-key": key}
    await hostile.caller.post("/graphql", json=create_body(tenant, fresh("A")), headers=headers)
    other = fresh("B")

    response = await hostile.caller.post(
        "/graphql", json=create_body(tenant, other), headers=headers
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert await orders_numbered(engine, other) == 0


async def test_keys_belong_to_their_api_key(hostile, tenant, engine):
    key = fresh("key")
    a = await hostile.caller.post(
        "/graphql", json=create_body(tenant, fresh("MINE")), headers={"idempotency-key": key}
    )
    b = await hostile.admin.post(
        "/graphql", json=create_body(tenant, fresh("THEIRS")), headers={"idempotency-key": key}
    )

    assert a.json()["data"]["createOrder"]["errors"] == []
    assert b.json()["data"]["createOrder"]["errors"] == []
    assert a.json() != b.json()


async def test_concurrent_retries_with_one_key_run_once(hostile, tenant, engine):
    number, key = fresh("RACE"), fresh("key")
    headers = {"idempotency-key": key}
    body = create_body(tenant, number)

    async with orders_locked(engine) as holder:
        first = asyncio.create_task(hostile.caller.post("/graphql", json=body, headers=headers))
        await until_blocked_by(engine, holder)  # the first runs, stuck on the lock
        retries = [
            asyncio.create_task(hostile.caller.post("/graphql", json=body, headers=headers))
            for _ in range(4)
        ]
        await asyncio.sleep(0.2)  # let the retries arrive; they must wait, not run
        assert not any(task.done() for task in retries)
    answers = await asyncio.gather(first, *retries)

    assert {json.dumps(answer.json(), sort_keys=True) for answer in answers} == {
        json.dumps(answers[0].json(), sort_keys=True)
    }
    assert answers[0].json()["data"]["createOrder"]["errors"] == []
    assert await orders_numbered(engine, number) == 1


async def test_a_retry_after_the_connection_was_cut_gets_the_first_answer(hostile, tenant, engine):
    number, key = fresh("CUT"), fresh("key")
    body = json.dumps(create_body(tenant, number)).encode()
    target = urlsplit(hostile.url)
    request = (
        f"POST /graphql HTTP/1.1\r\nhost: {target.netloc}\r\n"
        f"authorization: {hostile.caller.headers['authorization']}\r\n"
        f"idempotency-key: {key}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\n\r\n"
    ).encode() + body

    async with orders_locked(engine) as holder:
        _, writer = await asyncio.open_connection(target.hostname, target.port)
        writer.write(request)
        await writer.drain()
        await until_blocked_by(engine, holder)  # the server has the request and is running it
        writer.transport.get_extra_info("socket").setsockopt(
            socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
        )  # close with a reset: the connection is cut, not finished
        writer.close()
    retry = await hostile.caller.post(
        "/graphql",
        content=body,
        headers={"idempotency-key": key, "content-type": "application/json"},
    )

    payload = retry.json()["data"]["createOrder"]
    assert payload["errors"] == []
    assert payload["order"]["id"]
    assert await orders_numbered(engine, number) == 1


async def test_a_bad_key_is_a_400(hostile, tenant):
    response = await hostile.caller.post(
        "/graphql", json=create_body(tenant, fresh("BAD")), headers={"idempotency-key": "x" * 201}
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"].startswith("Idempotency-Key must be")


async def test_an_answer_that_fails_after_the_commit_says_what_was_saved(
    database_url, hostile, tenant, engine
):
    """The answer reads the client's quick-order list, which the write never touches: a lock on
    it makes reading the answer back fail (at the statement timeout) after the order committed."""
    settings = hostile_settings(database_url, statement_timeout_s=2)  # ample for a busy machine
    number = fresh("SAVED")
    query = CREATE.replace(
        "order { id }", "order { id number client { quickOrderSuggestions { quantity } } }"
    )
    body = {"query": query, "variables": {"input": order_input(tenant, number=number)}}
    headers = dict(hostile.caller.headers) | {"idempotency-key": fresh("key")}
    async with served(settings) as url, httpx.AsyncClient(base_url=url, headers=headers) as http:
        async with table_locked(engine, "quick_order_suggestions"):
            first = await http.post("/graphql", json=body)
        retry = await http.post("/graphql", json=body)

    assert first.status_code == 200  # not a 5xx: retrying would not be right
    [error] = first.json()["errors"]
    assert error["message"].startswith("the change was saved; reading it back failed")
    assert error["extensions"]["committed"] is True
    [order_id] = error["extensions"]["written"]
    assert from_base64(order_id)[0] == "Order"
    assert retry.json() == first.json()  # the key kept the true answer
    assert await orders_numbered(engine, number) == 1


async def test_a_first_request_that_died_unanswered_is_taken_over_by_its_retry(
    hostile, tenant, engine
):
    number, key = fresh("DIED"), fresh("key")
    body = json.dumps(create_body(tenant, number)).encode()
    async with AsyncSession(engine) as session:  # what a server that died mid-request leaves
        api_key_id = await session.scalar(
            sa.text("SELECT id FROM api_keys WHERE name = 'hostile-caller'")
        )
        await session.execute(
            sa.text(
                "INSERT INTO idempotent_requests"
                " (api_key_id, key, token, request_hash, created_at, expires_at) VALUES"
                " (:a, :k, 'dead', :h, now() - interval '1 hour', now() + interval '1 day')"
            ),
            {"a": api_key_id, "k": key, "h": hashlib.sha256(body).hexdigest()},
        )
        await session.commit()

    retry = await hostile.caller.post(
        "/graphql",
        content=body,
        headers={"idempotency-key": key, "content-type": "application/json"},
    )

    assert retry.json()["data"]["createOrder"]["errors"] == []
    assert await orders_numbered(engine, number) == 1


async def test_a_refusal_to_try_again_is_not_kept_for_the_retry(
    database_url, hostile, tenant, engine
):
    """TIMEOUT (the orders table locked past the statement timeout) wrote nothing: the retry
    with the same key runs anew instead of replaying the refusal for a day."""
    settings = hostile_settings(database_url, statement_timeout_s=2)  # ample for a busy machine
    number = fresh("AGAIN")
    body = create_body(tenant, number)
    headers = dict(hostile.caller.headers) | {"idempotency-key": fresh("key")}
    async with served(settings) as url, httpx.AsyncClient(base_url=url, headers=headers) as http:
        async with orders_locked(engine):
            refused = await http.post("/graphql", json=body)
        retried = await http.post("/graphql", json=body)

    assert refused.json()["errors"][0]["extensions"]["code"] == "TIMEOUT"
    assert "idempotent-replayed" not in retried.headers
    assert retried.json()["data"]["createOrder"]["errors"] == []
    assert await orders_numbered(engine, number) == 1


async def test_a_reused_key_with_another_body_is_refused_without_waiting(hostile, tenant, engine):
    key = fresh("key")
    async with orders_locked(engine) as holder:
        first = asyncio.create_task(
            hostile.caller.post(
                "/graphql", json=create_body(tenant, fresh("W")), headers={"idempotency-key": key}
            )
        )
        await until_blocked_by(engine, holder)  # the first still runs
        other = await hostile.caller.post(
            "/graphql", json=create_body(tenant, fresh("X")), headers={"idempotency-key": key}
        )
    await first

    assert other.status_code == 422  # answered while the first was still held: it did not wait


async def test_from_its_commit_on_the_key_answers_committed(database_url, hostile, tenant, engine):
    """While the answer is being read back (held by a lock), the change has committed: the claim
    already holds an answer saying so, so a request that died now would not be run again."""
    settings = hostile_settings(database_url, statement_timeout_s=60)
    number, key = fresh("STAMP"), fresh("key")
    query = CREATE.replace("order { id }", "order { id client { quickOrderSuggestions { rank } } }")
    body = {"query": query, "variables": {"input": order_input(tenant, number=number)}}
    headers = dict(hostile.caller.headers) | {"idempotency-key": key}
    async with served(settings) as url, httpx.AsyncClient(base_url=url, headers=headers) as http:
        async with table_locked(engine, "quick_order_suggestions") as holder:
            answering = asyncio.create_task(http.post("/graphql", json=body))
            await until_blocked_by(engine, holder)  # committed; reading the answer back
            async with AsyncSession(engine) as session:
                status, stored = (
                    await session.execute(
                        sa.text("SELECT status_code, body FROM idempotent_requests WHERE key = :k"),
                        {"k": key},
                    )
                ).one()
        answered = await answering

    assert status is None  # still unanswered: retries waiting now wait for the real answer
    [error] = json.loads(stored)["errors"]
    assert error["extensions"]["committed"] is True
    [written] = error["extensions"]["written"]
    assert answered.json()["data"]["createOrder"]["order"]["id"] == written
    assert await orders_numbered(engine, number) == 1


async def test_a_request_that_died_after_its_commit_is_not_run_again(
    database_url, hostile, tenant, engine
):
    number, key = fresh("DEAD"), fresh("key")
    body = json.dumps(create_body(tenant, number)).encode()
    stamp = json.dumps({"data": None, "errors": [{"extensions": {"committed": True}}]})
    async with AsyncSession(engine) as session:  # stamped at its commit, then it died
        api_key_id = await session.scalar(
            sa.text("SELECT id FROM api_keys WHERE name = 'hostile-caller'")
        )
        await session.execute(
            sa.text(
                "INSERT INTO idempotent_requests"
                " (api_key_id, key, token, request_hash, content_type, body, created_at,"
                " expires_at) VALUES (:a, :k, 'dead', :h, 'application/json', :b,"
                " now() - interval '1 hour', now() + interval '1 day')"
            ),
            {"a": api_key_id, "k": key, "h": hashlib.sha256(body).hexdigest(), "b": stamp.encode()},
        )
        await session.commit()
    settings = hostile_settings(database_url, idempotency_wait_s=0.2)
    headers = dict(hostile.caller.headers) | {
        "idempotency-key": key,
        "content-type": "application/json",
    }
    async with served(settings) as url, httpx.AsyncClient(base_url=url, headers=headers) as http:
        retry = await http.post("/graphql", content=body)

    assert retry.status_code == 200
    assert retry.json() == json.loads(stamp)  # the committed answer, not a second run
    assert await orders_numbered(engine, number) == 0
