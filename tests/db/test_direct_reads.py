"""db/direct.py: one-statement reads on asyncpg, counted, and refused as DirectReadError."""

import pytest
import sqlalchemy as sa

from db.direct import DirectReadError, DirectReads, prepared_text
from db.seed_demo import asyncpg_dsn

SQUARE = sa.select(sa.bindparam("n", type_=sa.Integer) * sa.bindparam("n", type_=sa.Integer))
RATIO = sa.select(sa.literal(1) / sa.bindparam("d", type_=sa.Integer)).limit(2)


async def test_a_statement_runs_with_its_named_values_and_is_counted(database_url):
    counted: list[None] = []
    reads = await DirectReads.open(
        asyncpg_dsn(database_url),
        size=1,
        statement_timeout_s=5,
        acquire_timeout_s=5,
        on_statement=lambda: counted.append(None),
    )
    try:
        assert await reads.column(prepared_text(SQUARE), {"n": 7}) == [49]
        assert await reads.column(prepared_text(RATIO), {"d": 1}) == [1]  # LIMIT's own value
    finally:
        await reads.close()
    assert len(counted) == 2
    assert prepared_text(SQUARE) is prepared_text(SQUARE)  # compiled once


async def test_a_refused_statement_is_a_direct_read_error_and_the_pool_goes_on(database_url):
    reads = await DirectReads.open(
        asyncpg_dsn(database_url), size=1, statement_timeout_s=5, acquire_timeout_s=5
    )
    try:
        with pytest.raises(DirectReadError, match="division by zero"):
            await reads.column(prepared_text(RATIO), {"d": 0})
        assert await reads.column(prepared_text(RATIO), {"d": 1}) == [1]  # one connection, reused
    finally:
        await reads.close()
