"""The order side against a real inventory service: up, stopped, slow, back again.

The inventory app runs under uvicorn on a loopback port, wrapped in a switchboard that counts
requests and can answer late. The order side runs GraphQL on committed sessions with one guard
(fail_max=2) and one HTTP client that counts what it sends.

No test bets on the machine being fast: the guard waits 30 s for an answer and stays open for
an hour unless a test is about those timeouts; then it shortens them (`impatient`,
`reset_soon`) and makes the other side later still (an answer 1 s late against a 0.3 s wait).
"""

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from strawberry.relay import from_base64, to_base64

from app.api_keys import issue_key
from app.domain.errors import Invalid, InventoryUnavailable
from app.inventory.http_app import create_inventory_app
from app.inventory.http_client import HttpStock
from app.inventory.ledger import Ledger
from app.inventory.reconcile import release_orphans
from app.main import create_app
from app.reconciler import SWEEP_LOCK, Reconciler
from app.settings import Settings
from app.stock_guard import UNANSWERED, GuardedStock, InventoryGuard
from db import models
from resolvers.orders import confirm_order, deliver_order
from tests.inventory.conftest import (
    OrderSide,
    Sessions,
    Shop,
    Uvicorn,
    codes,
    free_port,
    held_by,
    order_count,
    stock_row,
)

RESET_S = 0.5
CALL_TIMEOUT_S = 0.3
SLOW_S = 1.0  # well past the call timeout
PATIENT_S = 30.0  # a call timeout no loaded machine reaches
NEVER_S = 3600.0  # a reset timeout no test reaches
UNAVAILABLE = ["INVENTORY_UNAVAILABLE"]


class Switchboard:
    """ASGI middleware: records the paths it serves, and can hold an answer back.

    With `delay` set it answers that much later; with `before_answer` set it awaits that with
    the path first. The inventory has done the work by then (committed); only the answer is
    late, as when its database is slow.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.delay = 0.0
        self.before_answer: Callable[[str], Awaitable[None]] | None = None
        self.paths: list[str] = []
        self.in_flight = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.paths.append(scope["path"])
        self.in_flight += 1
        delay, hook, path = self.delay, self.before_answer, scope["path"]

        async def late(message: Any) -> None:
            if message["type"] == "http.response.start":
                if hook is not None:
                    await hook(path)
                if delay:
                    await asyncio.sleep(delay)
            await send(message)

        try:
            await self.app(scope, receive, late)
        finally:
            self.in_flight -= 1

    async def settled(self) -> None:
        """Wait until the late answers have gone out (the work behind them is committed)."""
        async with asyncio.timeout(10):
            while self.in_flight:  # noqa: ASYNC110 (polling a counter of our own)
                await asyncio.sleep(0.02)


@dataclass
class World:
    shop: Shop
    board: Switchboard
    server: Uvicorn
    guard: InventoryGuard
    side: OrderSide
    sessions: Sessions
    sent: list[str]  # every request the order side's HTTP client sent

    async def order(self, lines: list[tuple[Any, int]]) -> str:
        payload = await self.side.create(self.shop, lines)
        assert payload["errors"] == [], payload
        return str(payload["order"]["id"])

    async def status(self, order_gid: str) -> str:
        async with self.sessions() as session:
            status = await session.scalar(
                sa.select(models.Order.status).where(models.Order.id == db_id(order_gid))
            )
        return str(status.value)

    async def open_the_breaker(self) -> None:
        """Stop the inventory and fail fail_max createOrders."""
        await self.server.stop()
        a = self.shop.products[0]
        for _ in range(2):
            assert codes(await self.side.create(self.shop, [(a, 1)])) == UNAVAILABLE
        assert self.guard.state == "open"

    def impatient(self) -> None:
        """The short call timeout, for a test whose inventory answers SLOW_S late."""
        self.guard.call_timeout_s = CALL_TIMEOUT_S

    def patient_again(self) -> None:
        """The long call timeout back, and the breaker closed (the timed-out undo opened it)."""
        self.guard.call_timeout_s = PATIENT_S
        self.guard.breaker.close()

    def reset_soon(self) -> None:
        """An open breaker tries again RESET_S after it opened (else it stays open)."""
        self.guard.breaker.timeout_duration = timedelta(seconds=RESET_S)


async def undos_of(sessions: Sessions, order_id: int) -> int:
    async with sessions() as session:
        statement = sa.text("SELECT count(*) FROM pending_undos WHERE order_id = :id")
        return int(await session.scalar(statement, {"id": order_id}))


def db_id(order_gid: str) -> int:
    return int(from_base64(order_gid)[1])


@pytest.fixture
async def world(make_shop, sessions, database_url, engine, undo_log) -> AsyncIterator[World]:
    shop = await make_shop([10, 3])
    board = Switchboard(create_inventory_app(database_url, engine=engine))
    server = await Uvicorn(board).start()
    sent: list[str] = []

    async def record(request: httpx.Request) -> None:
        sent.append(request.url.path)

    guard = InventoryGuard(fail_max=2, reset_timeout_s=NEVER_S, call_timeout_s=PATIENT_S)
    async with httpx.AsyncClient(base_url=server.url, event_hooks={"request": [record]}) as http:
        side = OrderSide(sessions, [shop.company_id], guard, http, undo_log)
        yield World(shop, board, server, guard, side, sessions, sent)
        await board.settled()
    await server.stop()


async def test_orders_flow_while_the_inventory_is_up(world):
    a, _ = world.shop.products
    order = await world.order([(a, 2)])
    confirmed = await world.side.confirm(order)
    assert (confirmed["errors"], confirmed["order"]["status"]) == ([], "CONFIRMED")
    assert await stock_row(world.sessions, a.id) == (10, 2)
    assert world.sent == ["/v1/availability", "/v1/reserve"]
    assert world.guard.state == "closed"


async def test_a_stopped_inventory_refuses_orders_and_the_open_breaker_does_not_call_it(world):
    a, _ = world.shop.products
    pending = await world.order([(a, 2)])  # placed before the outage
    await world.open_the_breaker()
    before = len(world.sent)
    assert codes(await world.side.create(world.shop, [(a, 1)])) == UNAVAILABLE
    assert codes(await world.side.confirm(pending)) == UNAVAILABLE
    assert len(world.sent) == before  # at once, without touching the network
    assert await order_count(world.sessions, world.shop.company_id) == 1
    assert await world.status(pending) == "PENDING"
    assert await held_by(world.sessions, db_id(pending)) == {}
    assert await stock_row(world.sessions, a.id) == (10, 0)


async def test_an_open_breaker_refuses_before_any_other_work(world, sql_statements):
    a, _ = world.shop.products
    order = await world.order([(a, 2)])
    assert (await world.side.confirm(order))["errors"] == []
    await world.open_the_breaker()
    sql_statements.clear()

    created = await world.side.create(world.shop, [(a, 1)])
    delivered = await world.side.mutate("deliverOrder", {"id": order, "complete": True})

    assert codes(created) == codes(delivered) == UNAVAILABLE
    assert sql_statements == []  # no lookups, no pricing: refused first


async def test_calls_queued_here_are_refused_without_counting_against_the_inventory():
    guard = InventoryGuard(
        fail_max=1,
        reset_timeout_s=NEVER_S,
        call_timeout_s=PATIENT_S,
        max_concurrent_calls=1,
        queue_timeout_s=0.05,
    )
    answer, started = asyncio.Event(), asyncio.Event()

    async def slow() -> str:
        started.set()
        await answer.wait()  # the inventory answers only when the test says so
        return "answered"

    first = asyncio.create_task(guard.call(slow))
    await started.wait()
    with pytest.raises(InventoryUnavailable) as refused:
        await guard.call(slow)  # no free slot: our queue, not the inventory's fault
    answer.set()

    assert await first == "answered"
    assert str(refused.value).startswith("too many inventory calls are waiting here")
    assert guard.state == "closed"  # with fail_max=1, one counted failure would have opened it


async def test_a_pending_order_is_cancelled_without_the_inventory(world):
    a, _ = world.shop.products
    pending, confirmed = await world.order([(a, 1)]), await world.order([(a, 2)])
    assert (await world.side.confirm(confirmed))["errors"] == []
    await world.open_the_breaker()
    before = len(world.sent)
    cancel = {"reason": "OTHER"}
    cancelled = await world.side.mutate("cancelOrder", {"id": pending, **cancel})
    assert (cancelled["errors"], cancelled["order"]["status"]) == ([], "CANCELLED")
    assert len(world.sent) == before  # it held nothing, so there was nothing to ask
    # a confirmed order holds stock: cancelling it must release, so it waits for the inventory
    assert codes(await world.side.mutate("cancelOrder", {"id": confirmed, **cancel})) == UNAVAILABLE
    assert await world.status(confirmed) == "CONFIRMED"
    assert await stock_row(world.sessions, a.id) == (10, 2)


async def test_a_slow_inventory_times_out_and_the_timeouts_open_the_breaker(world):
    a, _ = world.shop.products
    world.impatient()
    world.board.delay = SLOW_S
    for _ in range(2):
        started = time.monotonic()
        assert codes(await world.side.create(world.shop, [(a, 1)])) == UNAVAILABLE
        assert time.monotonic() - started >= CALL_TIMEOUT_S  # the answer would come at SLOW_S
    assert world.guard.state == "open"
    assert await order_count(world.sessions, world.shop.company_id) == 0


async def test_after_the_reset_timeout_one_trial_call_closes_the_breaker(world, caplog):
    caplog.set_level(logging.WARNING, logger="app.stock_guard")
    a, _ = world.shop.products
    await world.open_the_breaker()
    await world.server.start()  # back, on the same port; the order side is not restarted
    assert world.guard.state == "open"
    world.reset_soon()
    await asyncio.sleep(RESET_S + 0.05)

    order = await world.order([(a, 3)])  # the trial call
    assert world.guard.state == "closed"
    assert (await world.side.confirm(order))["order"]["status"] == "CONFIRMED"
    assert await stock_row(world.sessions, a.id) == (10, 3)
    changes = [r.getMessage() for r in caplog.records if r.name == "app.stock_guard"]
    assert changes == [
        "inventory circuit breaker: closed -> open",
        "inventory circuit breaker: open -> half_open",
        "inventory circuit breaker: half_open -> closed",
    ]


async def test_a_failed_trial_opens_the_breaker_again(world):
    a, _ = world.shop.products
    await world.open_the_breaker()
    world.reset_soon()
    await asyncio.sleep(RESET_S + 0.05)
    before = len(world.sent)
    assert codes(await world.side.create(world.shop, [(a, 1)])) == UNAVAILABLE  # the trial
    assert (world.guard.state, len(world.sent)) == ("open", before + 1)
    assert codes(await world.side.create(world.shop, [(a, 1)])) == UNAVAILABLE
    assert len(world.sent) == before + 1


async def test_calls_during_the_trial_are_refused_rather_than_piled_on(world):
    a, _ = world.shop.products
    await world.open_the_breaker()
    await world.server.start()
    world.board.delay = CALL_TIMEOUT_S / 2  # slow, but within the timeout
    world.reset_soon()
    await asyncio.sleep(RESET_S + 0.05)
    before = len(world.sent)
    async with asyncio.timeout(10):
        answers = await asyncio.gather(*(world.side.create(world.shop, [(a, 1)]) for _ in range(3)))
    assert sorted(codes(answer) for answer in answers) == [[], UNAVAILABLE, UNAVAILABLE]
    assert (world.guard.state, len(world.sent)) == ("closed", before + 1)


async def test_an_out_of_stock_confirm_has_nothing_to_undo(world):
    _, b = world.shop.products  # 3 on hand
    order = await world.order([(b, 3)])
    async with world.sessions() as session:  # counted out after the order was placed
        await Ledger(session).set_on_hand(b.id, 2)
        await session.commit()
    world.board.paths.clear()
    assert codes(await world.side.confirm(order)) == ["OUT_OF_STOCK"]
    assert world.board.paths == ["/v1/reserve"]  # as the inventory saw it: no /v1/undo
    assert await stock_row(world.sessions, b.id) == (2, 0)


async def test_out_of_stock_answers_do_not_open_the_breaker(world):
    _, b = world.shop.products  # 3 on hand
    first, second = await world.order([(b, 3)]), await world.order([(b, 1)])
    assert (await world.side.confirm(first))["errors"] == []
    for _ in range(5):
        assert codes(await world.side.confirm(second)) == ["OUT_OF_STOCK"]  # a 409 answer
        assert codes(await world.side.create(world.shop, [(b, 1)])) == ["OUT_OF_STOCK"]
    assert world.guard.state == "closed"
    assert world.guard.breaker.fail_counter == 0


PRODUCTS = "query Q($c: [ID!]) { products(companyIds: $c) { edges { node { code stock } } } }"


async def test_product_stock_is_read_in_one_call_and_is_null_with_an_error_while_down(world):
    variables = {"c": [world.shop.company_gid]}
    up = await world.side.execute(PRODUCTS, variables)
    assert up.errors is None
    assert sorted(e["node"]["stock"] for e in up.data["products"]["edges"]) == [3, 10]
    assert world.sent == ["/v1/availability"]  # both products, one batched call

    await world.server.stop()
    down = await world.side.execute(PRODUCTS, variables)
    nodes = [edge["node"] for edge in down.data["products"]["edges"]]
    assert sorted(node["code"] for node in nodes) == sorted(p.code for p in world.shop.products)
    assert [node["stock"] for node in nodes] == [None, None]
    assert sorted(error.path for error in down.errors) == [
        ["products", "edges", 0, "node", "stock"],
        ["products", "edges", 1, "node", "stock"],
    ]
    assert {error.message for error in down.errors} == {UNANSWERED}
    assert [error.extensions for error in down.errors] == [{"code": "INVENTORY_UNAVAILABLE"}] * 2


async def test_a_reservation_whose_order_change_does_not_commit_is_taken_back(world):
    a, _ = world.shop.products
    order_id = db_id(await world.order([(a, 1)]))
    stock = GuardedStock(HttpStock(world.side.http), world.guard)  # type: ignore[arg-type]
    key = f"reserve:order:{order_id}"
    await stock.reserve(key, order_id, {a.id: 4})
    assert await stock_row(world.sessions, a.id) == (10, 4)
    await stock.settle(committed=False)
    assert await stock_row(world.sessions, a.id) == (10, 0)
    assert await held_by(world.sessions, order_id) == {}

    await stock.reserve(key, order_id, {a.id: 4})  # the key was freed: a retry reserves anew
    await stock.settle(committed=True)
    assert await stock_row(world.sessions, a.id) == (10, 4)


async def test_a_confirm_that_fails_after_reserving_is_compensated(world, monkeypatch):
    a, _ = world.shop.products
    order = await world.order([(a, 2)])

    async def fail(*args: Any, **kwargs: Any) -> None:
        raise Invalid("the order change failed after the reservation")

    monkeypatch.setattr(confirm_order.order_events, "append", fail)
    assert codes(await world.side.confirm(order)) == ["INVALID"]
    assert world.sent[-2:] == ["/v1/reserve", "/v1/undo"]
    assert await world.status(order) == "PENDING"
    assert await stock_row(world.sessions, a.id) == (10, 0)

    monkeypatch.undo()
    assert (await world.side.confirm(order))["errors"] == []
    assert await stock_row(world.sessions, a.id) == (10, 2)


async def test_the_server_releases_a_hold_whose_undo_could_not_run(world, monkeypatch, engine):
    a, _ = world.shop.products
    order = await world.order([(a, 2)])

    async def fail(*args: Any, **kwargs: Any) -> None:
        world.guard.breaker.open()  # as when PostgreSQL restarts: the undo is refused too
        raise Invalid("the order change failed after the reservation")

    monkeypatch.setattr(confirm_order.order_events, "append", fail)
    assert codes(await world.side.confirm(order)) == ["INVALID"]
    assert await world.status(order) == "PENDING"
    assert await stock_row(world.sessions, a.id) == (10, 2)  # held for an order that is not

    reconciler, stop = Reconciler(engine, interval_s=0.05), asyncio.Event()
    sweeping = asyncio.create_task(reconciler.run(stop))
    try:
        for _ in range(400):  # rounds, not seconds: it is released in the first one it sweeps
            if await stock_row(world.sessions, a.id) == (10, 0):
                break
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await sweeping
    assert await stock_row(world.sessions, a.id) == (10, 0)
    assert await held_by(world.sessions, db_id(order)) == {}
    assert reconciler.sweeps >= 1


async def test_a_delivery_whose_undo_could_not_run_is_undone_by_the_server(
    world, monkeypatch, engine
):
    a, _ = world.shop.products
    order = await world.order([(a, 4)])
    assert (await world.side.confirm(order))["errors"] == []

    async def fail(*args: Any, **kwargs: Any) -> None:
        world.guard.breaker.open()  # the undo that follows is refused too
        raise Invalid("the order change failed after the stock was consumed")

    monkeypatch.setattr(deliver_order.order_events, "append", fail)
    deliver = {"id": order, "complete": True}
    assert codes(await world.side.mutate("deliverOrder", deliver)) == ["INVALID"]
    monkeypatch.undo()
    assert await world.status(order) == "CONFIRMED"
    assert await stock_row(world.sessions, a.id) == (6, 0)  # consumed for a delivery not made
    assert await undos_of(world.sessions, db_id(order)) == 1

    world.guard.breaker.close()  # the inventory is reachable again
    inventory = GuardedStock(HttpStock(world.side.http), world.guard)  # type: ignore[arg-type]
    reconciler = Reconciler(engine, interval_s=1, inventory=inventory, undo_after_s=0)
    await reconciler.sweep()

    assert await stock_row(world.sessions, a.id) == (10, 4)  # held again for the confirmed order
    assert await undos_of(world.sessions, db_id(order)) == 0
    assert codes(await world.side.mutate("deliverOrder", deliver)) == []  # and deliverable
    assert await stock_row(world.sessions, a.id) == (6, 0)


async def test_the_reconciler_never_undoes_a_change_still_running(world, engine, undo_log):
    a, _ = world.shop.products
    order = await world.order([(a, 2)])
    assert (await world.side.confirm(order))["errors"] == []
    order_id = db_id(order)
    assert await undos_of(world.sessions, order_id) == 0  # the commit took its note away
    stock = GuardedStock(HttpStock(world.side.http), world.guard, undo_log)  # type: ignore[arg-type]
    key = f"consume:order:{order_id}:probe"
    await stock.consume(key, order_id, {a.id: 2})  # a delivery on its way to commit
    assert await stock_row(world.sessions, a.id) == (8, 0)
    reconciler = Reconciler(engine, interval_s=1, inventory=stock, undo_after_s=0)

    async with engine.connect() as change:  # its transaction is deleting the note, not done
        await change.execute(sa.text("DELETE FROM pending_undos WHERE key = :k"), {"k": key})
        await reconciler.sweep()
        assert await stock_row(world.sessions, a.id) == (8, 0)  # skipped, not undone
        await change.rollback()  # ...and then it failed

    await reconciler.sweep()
    assert await stock_row(world.sessions, a.id) == (10, 2)  # undone: held again, not consumed
    assert await undos_of(world.sessions, order_id) == 0


async def test_one_process_sweeps_at_a_time(world, engine):
    async with engine.connect() as other:  # another server process, mid-sweep
        await other.scalar(sa.select(sa.func.pg_advisory_lock(SWEEP_LOCK)))
        assert await Reconciler(engine, interval_s=1).sweep() is None
        await other.scalar(sa.select(sa.func.pg_advisory_unlock(SWEEP_LOCK)))
    assert await Reconciler(engine, interval_s=1).sweep() is not None  # its turn now


async def test_reconcile_releases_holds_of_deleted_and_cancelled_orders(world):
    a, _ = world.shop.products
    # setup only, not about timeouts: a patient guard, so a slow commit on a busy machine
    # cannot turn a confirm into INVENTORY_UNAVAILABLE (CALL_TIMEOUT_S is 0.3 s)
    patient = InventoryGuard(fail_max=2, reset_timeout_s=RESET_S, call_timeout_s=30)
    side = OrderSide(world.sessions, [world.shop.company_id], patient, world.side.http)
    gone, cancelled, kept = [
        str((await side.create(world.shop, [(a, n)]))["order"]["id"]) for n in (1, 2, 3)
    ]
    for order in (gone, cancelled, kept):
        assert (await side.confirm(order))["errors"] == []
    async with world.sessions() as session:  # changes whose release call never happened
        await session.execute(sa.delete(models.Order).where(models.Order.id == db_id(gone)))
        await session.execute(
            sa.update(models.Order)
            .where(models.Order.id == db_id(cancelled))
            .values(status="CANCELLED")
        )
        await session.commit()
    assert await stock_row(world.sessions, a.id) == (10, 6)

    try:
        async with world.sessions() as session:
            released = await release_orphans(session)
            assert released[db_id(gone)] == {a.id: 1}
            assert released[db_id(cancelled)] == {a.id: 2}
            assert db_id(kept) not in released
            again = await release_orphans(session)  # the sweep is database-wide
            assert again.keys().isdisjoint({db_id(gone), db_id(cancelled), db_id(kept)})
        assert await stock_row(world.sessions, a.id) == (10, 3)
    finally:
        async with world.sessions() as session:
            await session.execute(
                sa.delete(models.StockMovement).where(models.StockMovement.order_id == db_id(gone))
            )
            await session.commit()


async def sweep(sessions: Sessions) -> dict[int, dict[int, int]]:
    """`orders-api inventory reconcile`, on its own session."""
    async with sessions() as session:
        return await release_orphans(session)


async def finished_or_waiting_for_a_lock(task: asyncio.Task[Any], sessions: Sessions) -> None:
    """Until the task is done, or some backend of the test database waits for a row lock."""
    waiting = sa.text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    async with asyncio.timeout(10), sessions() as session:
        while not task.done() and not await session.scalar(waiting):
            await session.rollback()  # a fresh snapshot of pg_stat_activity
            await asyncio.sleep(0.01)


async def test_reconcile_waits_for_a_confirm_that_has_reserved_and_not_committed(world):
    a, _ = world.shop.products
    order = await world.order([(a, 2)])
    patient = InventoryGuard(fail_max=2, reset_timeout_s=RESET_S, call_timeout_s=30)
    side = OrderSide(world.sessions, [world.shop.company_id], patient, world.side.http)
    sweeps: list[asyncio.Task[dict[int, dict[int, int]]]] = []

    async def reconcile_meanwhile(path: str) -> None:
        """The reserve is committed, the confirm's own transaction not yet: reconcile now."""
        if path == "/v1/reserve":
            sweeps.append(asyncio.create_task(sweep(world.sessions)))
            await finished_or_waiting_for_a_lock(sweeps[0], world.sessions)

    world.board.before_answer = reconcile_meanwhile
    confirmed = await side.confirm(order)
    assert (confirmed["errors"], confirmed["order"]["status"]) == ([], "CONFIRMED")
    assert db_id(order) not in await sweeps[0]
    assert await held_by(world.sessions, db_id(order)) == {a.id: 2}
    assert await stock_row(world.sessions, a.id) == (10, 2)


# --- what a late answer leaves behind ---------------------------------------------------------


async def test_a_confirm_that_times_out_leaves_no_reservation_behind(world):
    a, _ = world.shop.products
    order = await world.order([(a, 2)])
    world.impatient()
    world.board.delay = SLOW_S
    assert codes(await world.side.confirm(order)) == UNAVAILABLE
    await world.board.settled()
    assert await world.status(order) == "PENDING"
    assert await stock_row(world.sessions, a.id) == (10, 0)


async def test_retrying_a_confirm_that_timed_out_confirms_the_order(world):
    _, b = world.shop.products  # 3 on hand
    order = await world.order([(b, 3)])
    world.impatient()
    world.board.delay = SLOW_S
    assert codes(await world.side.confirm(order)) == UNAVAILABLE
    await world.board.settled()
    world.board.delay = 0
    world.patient_again()
    retried = await world.side.confirm(order)
    assert retried["errors"] == []
    assert await stock_row(world.sessions, b.id) == (3, 3)


async def test_a_delivery_that_timed_out_and_is_retried_consumes_once(world):
    a, _ = world.shop.products
    order = await world.order([(a, 4)])
    assert (await world.side.confirm(order))["errors"] == []
    deliver = {"id": order, "complete": True}
    world.impatient()
    world.board.delay = SLOW_S
    assert codes(await world.side.mutate("deliverOrder", deliver)) == UNAVAILABLE
    await world.board.settled()
    world.board.delay = 0
    world.patient_again()
    assert codes(await world.side.mutate("deliverOrder", deliver)) == []
    assert await stock_row(world.sessions, a.id) == (6, 0)


async def test_an_order_confirmed_after_reconcile_holds_its_stock(world):
    a, _ = world.shop.products
    order = await world.order([(a, 2)])
    order_id = db_id(order)
    # a confirm whose order change failed after reserving, and whose undo never arrived
    await HttpStock(world.side.http).reserve(f"reserve:order:{order_id}", order_id, {a.id: 2})
    async with world.sessions() as session:
        assert (await release_orphans(session))[order_id] == {a.id: 2}
    assert (await world.side.confirm(order))["order"]["status"] == "CONFIRMED"
    assert await held_by(world.sessions, order_id) == {a.id: 2}


async def test_an_order_changed_after_a_lost_confirm_holds_only_what_it_asks_now(world):
    a, b = world.shop.products
    order = await world.order([(a, 2), (b, 1)])
    order_id = db_id(order)
    # a confirm at v1 that timed out but was applied, and whose undo never arrived
    await HttpStock(world.side.http).reserve(
        f"reserve:order:{order_id}:v1", order_id, {a.id: 2, b.id: 1}
    )
    lines = [{"productId": to_base64("Product", a.id), "quantity": 3}]
    updated = await world.side.mutate("updateOrder", {"id": order, "version": 1, "lines": lines})
    assert updated["errors"] == []
    assert (await world.side.confirm(order))["errors"] == []  # reserves at v2
    assert await held_by(world.sessions, order_id) == {a.id: 3}
    assert await stock_row(world.sessions, a.id) == (10, 3)
    assert await stock_row(world.sessions, b.id) == (3, 0)


# --- /readyz ----------------------------------------------------------------------------------


@pytest.fixture
async def reader_key(sessions) -> AsyncIterator[str]:
    async with sessions() as session:
        issued = await issue_key(session, name="readyz", company_codes=None, scopes=["order.read"])
    yield issued.plain
    async with sessions() as session:
        await session.execute(sa.delete(models.ApiKey).where(models.ApiKey.id == issued.id))
        await session.commit()


async def test_readyz_shows_the_breaker_state(database_url, make_shop, reader_key, caplog):
    caplog.set_level(logging.WARNING, logger="app.stock_guard")
    shop = await make_shop([5])
    settings = Settings(
        database_url=database_url,
        inventory_url=f"http://127.0.0.1:{free_port()}",  # nothing listens there
        inventory_fail_max=1,
        inventory_reset_timeout_s=30,
        inventory_call_timeout_s=CALL_TIMEOUT_S,
        _env_file=None,  # type: ignore[call-arg]
    )
    server = await Uvicorn(create_app(settings)).start()
    try:
        headers = {"authorization": f"Bearer {reader_key}"}
        async with httpx.AsyncClient(base_url=server.url, timeout=10, headers=headers) as http:
            assert (await http.get("/readyz")).json()["inventoryBreaker"] == "closed"
            body = {"query": PRODUCTS, "variables": {"c": [shop.company_gid]}}
            answer = (await http.post("/graphql", json=body)).json()
            ready = await http.get("/readyz")
    finally:
        await server.stop()
    assert answer["data"]["products"]["edges"] == [
        {"node": {"code": shop.products[0].code, "stock": None}}
    ]
    assert answer["errors"][0]["path"] == ["products", "edges", 0, "node", "stock"]
    assert answer["errors"][0]["extensions"] == {"code": "INVENTORY_UNAVAILABLE"}
    assert ready.status_code == 200
    body = ready.json()
    assert isinstance(body.pop("strayHolds"), int)
    assert isinstance(body.pop("pendingUndos"), int)
    assert body == {"status": "ok", "database": "up", "inventoryBreaker": "open"}
    assert "inventory circuit breaker: closed -> open" in caplog.text


@pytest.mark.parametrize("zone", ["UTC", "America/Lima", "Asia/Tokyo"])
def test_an_open_breaker_refuses_only_for_its_reset_timeout_in_any_time_zone(zone, monkeypatch):
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        guard = InventoryGuard(fail_max=1, reset_timeout_s=NEVER_S, call_timeout_s=PATIENT_S)
        guard.breaker.open()
        assert guard.refusing
        guard.breaker.timeout_duration = timedelta(seconds=0)  # the reset timeout has passed
        assert not guard.refusing  # the next call is the trial, not refused up front
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
