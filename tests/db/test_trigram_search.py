"""The search filter uses trigram indexes where the server has pg_trgm (migration 0009).

The embedded server ships no pg_trgm, so there the test is skipped; on a server with it (the
machines' PostgreSQL, through DATABASE_URL), a few thousand orders make the planner choose.
"""

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import asyncpg

from db import models
from db.queries.orders import OrderListFilter, select_orders

COPIES = 5000


async def _trigrams_installed(db_session) -> bool:
    available = await db_session.scalar(
        sa.text("SELECT count(*) FROM pg_available_extensions WHERE name = 'pg_trgm'")
    )
    if not available:
        return False
    installed = await db_session.scalar(
        sa.text("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'")
    )
    assert installed == 1, "migration 0009 should have created the extension"
    return True


async def test_the_search_filter_reads_both_trigram_indexes_where_pg_trgm_exists(
    db_session, factory
):
    if not await _trigrams_installed(db_session):
        pytest.skip("this PostgreSQL ships no pg_trgm (the embedded one): search scans, bounded")
    company = await factory.company()
    client = await factory.client(company)
    order = await factory.order(company, client)
    await factory.session.flush()
    await _copy(db_session, models.Order, order.id, unique=("number", "series"))
    await _copy(db_session, models.Partner, client.id, unique=("code", "external_id"))
    for statement in (  # rebuilt after the rows, so GIN's statistics know them (as VACUUM would)
        "REINDEX INDEX ix_orders_number_trgm",
        "REINDEX INDEX ix_partners_name_trgm",
        "ANALYZE orders",
        "ANALYZE partners",
    ):
        await db_session.execute(sa.text(statement))

    query = select_orders(OrderListFilter(search="ferreteria"), company_ids=[company.id])
    sql = query.compile(dialect=asyncpg.dialect(), compile_kwargs={"literal_binds": True})
    plan = "\n".join(await db_session.scalars(sa.text(f"EXPLAIN {sql}")))

    assert "ix_orders_number_trgm" in plan, plan
    assert "ix_partners_name_trgm" in plan, plan


async def _copy(db_session, model, row_id: int, *, unique: tuple[str, ...]) -> None:
    """COPIES more rows like `row_id`, the first unique column numbered, the others null."""
    table = model.__table__
    kept = [c.name for c in table.columns if c.name != "id" and c.name not in unique]
    columns = ", ".join(kept)
    await db_session.execute(
        sa.text(
            f"INSERT INTO {table.name} ({unique[0]}, {columns})"
            f" SELECT 'X-' || g, {columns} FROM {table.name}, generate_series(1, {COPIES}) AS g"
            f" WHERE {table.name}.id = :id"
        ),
        {"id": row_id},
    )
