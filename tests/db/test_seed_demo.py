"""The demo seed: every status present, money and quantities consistent, never seeded twice."""

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from app.domain.new_order import CUSTOMS_NOTE
from db.migrate import upgrade_async
from db.seed_demo import DemoDataPresent, SeedSummary, asyncpg_dsn, seed_demo

ORDERS = 300


@dataclass(frozen=True)
class Seeded:
    dsn: str  # SQLAlchemy style, as seed_demo takes it
    conn: asyncpg.Connection
    summary: SeedSummary
    messages: list[str]


@pytest.fixture(scope="module")
async def seeded(server_url: str) -> AsyncIterator[Seeded]:
    """A scratch database of its own on the test server, migrated and seeded once for the module.

    Not the shared test database: seeding refuses a database that already holds orders.
    """
    server = make_url(server_url)
    name = f"seed_demo_{uuid.uuid4().hex[:12]}"
    admin_dsn = server.set(drivername="postgresql").render_as_string(hide_password=False)
    dsn = server.set(drivername="postgresql+asyncpg", database=name).render_as_string(
        hide_password=False
    )
    admin = await asyncpg.connect(admin_dsn)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        await upgrade_async(dsn)
        messages: list[str] = []
        summary = await seed_demo(dsn, orders=ORDERS, progress=messages.append)
        conn = await asyncpg.connect(asyncpg_dsn(dsn))
        try:
            yield Seeded(dsn, conn, summary, messages)
        finally:
            await conn.close()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def test_asyncpg_dsn_drops_the_driver_and_keeps_the_socket_directory() -> None:
    assert (
        asyncpg_dsn("postgresql+asyncpg://postgres:@/postgres?host=/tmp/pg")
        == "postgresql://postgres:@/postgres?host=/tmp/pg"
    )
    assert asyncpg_dsn("postgresql://u@h:5432/d") == "postgresql://u@h:5432/d"


async def test_summary_matches_the_rows_in_the_database(seeded: Seeded) -> None:
    for table, expected in asdict(seeded.summary).items():
        assert await seeded.conn.fetchval(f"SELECT count(*) FROM {table}") == expected, table
    assert seeded.summary.orders == ORDERS
    assert seeded.messages, "progress was never reported"


async def test_reference_data_has_the_promised_shape(seeded: Seeded) -> None:
    conn = seeded.conn
    companies = await conn.fetch("SELECT code, tax_rate, currency FROM companies ORDER BY id")
    assert [(row["tax_rate"], row["currency"]) for row in companies] == [
        (Decimal("0.18"), "PEN"),
        (Decimal("0.21"), "ARS"),
        (Decimal("0.21"), "EUR"),
    ]
    per_company = await conn.fetch(
        """
        SELECT company_id,
               count(*) FILTER (WHERE 'CLIENT' = ANY(roles)) AS clients,
               count(*) FILTER (WHERE 'REPRESENTATIVE' = ANY(roles)) AS agents,
               count(*) FILTER (WHERE cardinality(roles) = 2) AS both_roles
        FROM partners GROUP BY company_id
        """
    )
    assert len(per_company) == 3
    for row in per_company:
        assert 100 <= row["clients"] <= 200
        assert 5 <= row["agents"] <= 20
        assert row["both_roles"] >= 1
    # every client can receive and be invoiced
    assert (
        await conn.fetchval(
            """
            SELECT count(*) FROM partners p WHERE 'CLIENT' = ANY(p.roles) AND (
                NOT EXISTS (SELECT 1 FROM addresses a WHERE a.partner_id = p.id AND a.is_shipping)
                OR NOT EXISTS (SELECT 1 FROM addresses a WHERE a.partner_id = p.id AND a.is_billing)
            )
            """
        )
        == 0
    )
    assert await conn.fetchval("SELECT count(*) FROM products") >= 1000
    units = await conn.fetchval("SELECT array_agg(DISTINCT units_per_package) FROM products")
    assert sorted(units) == [1, 6, 12]
    assert await conn.fetchval("SELECT count(*) FROM seasons") == 12
    assert await conn.fetchval("SELECT count(*) FROM payment_methods") == 9


async def test_orders_cover_every_status_with_about_five_lines(seeded: Seeded) -> None:
    conn = seeded.conn
    statuses = dict(await conn.fetch("SELECT status, count(*) FROM orders GROUP BY status"))
    assert set(statuses) == {
        "PENDING",
        "CONFIRMED",
        "SHIPPED",
        "PARTIALLY_DELIVERED",
        "DELIVERED",
        "CANCELLED",
    }
    average = await conn.fetchval(
        "SELECT avg(n) FROM (SELECT count(*) AS n FROM order_lines GROUP BY order_id) AS per_order"
    )
    assert 4.5 <= average <= 5.5
    assert await conn.fetchval("SELECT count(DISTINCT company_id) FROM orders") == 3
    # numbers and series are unique per company (the constraints would refuse duplicates anyway)
    assert (
        await conn.fetchval("SELECT count(*) FROM orders WHERE number !~ '^PED-\\d{4}-\\d{6}$'")
        == 0
    )
    assert await conn.fetchval("SELECT count(*) FROM orders WHERE series !~ '^A001-\\d{6}$'") == 0


async def test_money_follows_the_rules(seeded: Seeded) -> None:
    conn = seeded.conn
    line_errors = await conn.fetchval(
        """
        SELECT count(*) FROM order_lines l
        WHERE l.gross_amount <> round(l.quantity * l.unit_price, 2)
           OR l.amount <> l.gross_amount - l.discount_amount
           OR l.discount_amount <> coalesce(
                (SELECT sum(d.amount) FROM discounts d WHERE d.order_line_id = l.id), 0)
        """
    )
    order_errors = await conn.fetchval(
        """
        SELECT count(*) FROM orders o
        WHERE o.gross_amount <> (SELECT sum(l.amount) FROM order_lines l WHERE l.order_id = o.id)
           OR o.discount_amount <> coalesce(
                (SELECT sum(d.amount) FROM discounts d
                 WHERE d.order_id = o.id AND d.order_line_id IS NULL), 0)
           OR o.taxable_base <> o.gross_amount - o.discount_amount
           OR o.tax_amount <> round(o.taxable_base * o.tax_rate, 2)
           OR o.total_amount <> o.taxable_base + o.tax_amount + o.shipping_amount
           OR o.tax_rate <> (SELECT c.tax_rate FROM companies c WHERE c.id = o.company_id)
        """
    )
    assert (line_errors, order_errors) == (0, 0)
    # the seed exercises discounts of both kinds, and every rate is a fraction
    kinds = await conn.fetchrow(
        "SELECT count(*) FILTER (WHERE order_line_id IS NULL) AS header,"
        " count(*) FILTER (WHERE order_line_id IS NOT NULL) AS line,"
        " max(rate) AS max_rate FROM discounts"
    )
    assert kinds["header"] > 0
    assert kinds["line"] > 0
    assert kinds["max_rate"] < 1


async def test_quantities_agree_with_lines_deliveries_and_returns(seeded: Seeded) -> None:
    conn = seeded.conn
    assert (
        await conn.fetchval(
            """
            SELECT count(*) FROM orders o
            WHERE (o.total_quantity, o.delivered_quantity, o.returned_quantity) <>
                  (SELECT sum(l.quantity), sum(l.delivered_quantity), sum(l.returned_quantity)
                   FROM order_lines l WHERE l.order_id = o.id)
            """
        )
        == 0
    )
    assert (
        await conn.fetchval(
            """
            SELECT count(*) FROM order_lines l
            WHERE l.delivered_quantity <> coalesce(
                    (SELECT sum(i.quantity) FROM delivery_items i WHERE i.order_line_id = l.id), 0)
               OR l.returned_quantity <> coalesce(
                    (SELECT sum(i.quantity) FROM return_items i WHERE i.order_line_id = l.id), 0)
            """
        )
        == 0
    )
    by_status = {
        row["status"]: row
        for row in await conn.fetch(
            """
            SELECT status,
                   bool_and(delivered_quantity = 0) AS none_delivered,
                   bool_and(delivered_quantity = total_quantity) AS all_delivered,
                   bool_and(delivered_quantity > 0 AND delivered_quantity < total_quantity)
                       AS partly_delivered,
                   bool_or(returned_quantity > 0) AS some_returned
            FROM orders GROUP BY status
            """
        )
    }
    for status in ("PENDING", "CONFIRMED", "SHIPPED"):
        assert by_status[status]["none_delivered"], status
    assert by_status["PARTIALLY_DELIVERED"]["partly_delivered"]
    assert by_status["DELIVERED"]["all_delivered"]
    assert by_status["DELIVERED"]["some_returned"]
    # a partly delivered order has at least one line that is itself partly delivered
    assert (
        await conn.fetchval(
            """
            SELECT count(*) FROM orders o WHERE o.status = 'PARTIALLY_DELIVERED' AND NOT EXISTS (
                SELECT 1 FROM order_lines l WHERE l.order_id = o.id
                AND l.delivered_quantity > 0 AND l.delivered_quantity < l.quantity)
            """
        )
        == 0
    )


async def test_timestamps_and_reasons_match_the_status(seeded: Seeded) -> None:
    conn = seeded.conn
    assert (
        await conn.fetchval(
            """
            SELECT count(*) FROM orders WHERE
                (status = 'CANCELLED') <> (cancelled_at IS NOT NULL)
             OR (status = 'CANCELLED') <> (cancellation_reason IS NOT NULL)
             OR (status = 'DELIVERED') <> (delivered_at IS NOT NULL)
             OR (status = 'PENDING' AND confirmed_at IS NOT NULL)
             OR (status IN ('CONFIRMED', 'SHIPPED', 'PARTIALLY_DELIVERED', 'DELIVERED')
                 AND confirmed_at IS NULL)
             OR (status = 'SHIPPED' AND shipped_at IS NULL)
             OR confirmed_at < ordered_at OR shipped_at < confirmed_at OR delivered_at < ordered_at
             OR estimated_delivery_on <> (ordered_at AT TIME ZONE 'UTC')::date + 7
             OR updated_at > now()
            """
        )
        == 0
    )
    international = await conn.fetch("SELECT observations FROM orders WHERE type = 'INTERNATIONAL'")
    assert international
    assert all(CUSTOMS_NOTE in row["observations"] for row in international)


async def test_every_order_has_a_history_ending_in_its_status(seeded: Seeded) -> None:
    conn = seeded.conn
    assert (
        await conn.fetchval(
            """
            SELECT count(*) FROM orders o
            WHERE (SELECT e.kind FROM order_events e WHERE e.order_id = o.id
                   ORDER BY e.occurred_at, e.id LIMIT 1) IS DISTINCT FROM 'CREATED'
               OR (SELECT e.status_after FROM order_events e WHERE e.order_id = o.id
                   ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1) IS DISTINCT FROM o.status
               OR o.version <> (SELECT count(*) FROM order_events e WHERE e.order_id = o.id)
            """
        )
        == 0
    )
    # each event starts from the status the previous one left
    assert (
        await conn.fetchval(
            """
            SELECT count(*) FROM (
                SELECT status_before,
                       lag(status_after) OVER (PARTITION BY order_id ORDER BY occurred_at, id)
                           AS previous
                FROM order_events
            ) AS chained
            WHERE status_before IS DISTINCT FROM previous
            """
        )
        == 0
    )


async def test_seeding_twice_is_refused(seeded: Seeded) -> None:
    with pytest.raises(DemoDataPresent):
        await seed_demo(seeded.dsn, orders=5)
    assert await seeded.conn.fetchval("SELECT count(*) FROM orders") == ORDERS


async def test_the_command_refuses_a_seeded_database_in_one_line(seeded: Seeded) -> None:
    command = [str(Path(sys.executable).with_name("orders-api")), "seed-demo", "--orders", "5"]
    env = os.environ | {"DATABASE_URL": seeded.dsn}

    done = await asyncio.to_thread(
        subprocess.run, command, env=env, capture_output=True, text=True, timeout=120
    )

    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "orders-api: not seeding: the database already has orders; seed an empty database"
    ]
    assert await seeded.conn.fetchval("SELECT count(*) FROM orders") == ORDERS


async def test_the_inventory_holds_exactly_what_open_orders_still_await(seeded: Seeded) -> None:
    conn = seeded.conn
    mismatched = await conn.fetchval(
        """
        WITH awaited AS (
            SELECT l.product_id, sum(l.quantity - l.delivered_quantity) AS units
            FROM order_lines l JOIN orders o ON o.id = l.order_id
            WHERE o.status IN ('CONFIRMED', 'SHIPPED', 'PARTIALLY_DELIVERED')
            GROUP BY l.product_id
        )
        SELECT count(*) FROM stock_items s LEFT JOIN awaited a USING (product_id)
        WHERE s.reserved <> coalesce(a.units, 0)
           OR s.reserved <> (SELECT coalesce(sum(quantity), 0) FROM stock_reservations r
                             WHERE r.product_id = s.product_id)
        """
    )
    assert mismatched == 0
    assert await conn.fetchval("SELECT count(*) FROM products") == await conn.fetchval(
        "SELECT count(*) FROM stock_items"
    )
    assert await conn.fetchval("SELECT count(*) FROM stock_items WHERE on_hand > reserved") > 0
