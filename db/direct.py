"""Statements run on the driver directly: asyncpg prepared statements on a pool of their own.

The compiled read path's statement for one order is built once and run for every request that
asks for it. Through an ORM session each run still pays for a session, a transaction and
SQLAlchemy's result machinery (~0.5 ms of Python); on asyncpg it is a prepared statement (asyncpg
keeps one per SQL text and connection) and one column of text back.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import asyncpg
from sqlalchemy.dialects.postgresql import asyncpg as asyncpg_dialect
from sqlalchemy.sql import Select

_DIALECT = asyncpg_dialect.dialect()  # type: ignore[no-untyped-call]


class DirectReadError(Exception):
    """PostgreSQL refused a direct read, or its connection failed; the reference path answers."""


@dataclass(frozen=True, slots=True)
class PreparedText:
    """A statement's SQL with $n parameters, and the names it binds in their order."""

    sql: str
    names: tuple[str, ...]
    defaults: tuple[tuple[str, Any], ...]  # values SQLAlchemy fixed when compiling (LIMIT 2)

    def arguments(self, values: Mapping[str, Any]) -> list[Any]:
        given = dict(self.defaults) | dict(values)
        return [given[name] for name in self.names]


@lru_cache(maxsize=512)
def prepared_text(statement: Select[Any]) -> PreparedText:
    """The statement compiled once for asyncpg (cached: pass the same statement object)."""
    compiled = statement.compile(dialect=_DIALECT)
    names = tuple(compiled.positiontup or ())
    fixed = tuple((name, value) for name, value in compiled.params.items() if value is not None)
    return PreparedText(str(compiled), names, fixed)


async def _nothing_to_reset(connection: asyncpg.Connection) -> None:
    """Nothing: asyncpg would reset each connection it takes back (RESET ALL...), a round trip.

    These run one SELECT each, outside any transaction, and set nothing: there is nothing to undo.
    """


class DirectReads:
    """A small asyncpg pool for the compiled read path's one-statement reads."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        *,
        acquire_timeout_s: float,
        on_statement: Callable[[], None] | None = None,
    ) -> None:
        self.pool = pool
        self.acquire_timeout_s = acquire_timeout_s  # as long as a session waits for the engine's
        self.on_statement = on_statement  # counts the statement on the request's record

    @classmethod
    async def open(
        cls,
        dsn: str,
        *,
        size: int,
        statement_timeout_s: float | None,
        acquire_timeout_s: float,
        on_statement: Callable[[], None] | None = None,
    ) -> "DirectReads":
        """Connections are made as needed (min_size 0): a process that never reads makes none."""
        settings = {}
        if statement_timeout_s is not None:  # as the engine's: no read holds the database long
            settings["statement_timeout"] = f"{max(round(statement_timeout_s * 1000), 1)}ms"
        pool = await asyncpg.create_pool(
            dsn,
            min_size=0,
            max_size=size,
            server_settings=settings,
            command_timeout=None,
            reset=_nothing_to_reset,
        )
        return cls(pool, acquire_timeout_s=acquire_timeout_s, on_statement=on_statement)

    async def column(self, text: PreparedText, values: Mapping[str, Any]) -> Sequence[Any]:
        """The first column of every row."""
        if self.on_statement is not None:
            self.on_statement()
        try:
            async with self.pool.acquire(timeout=self.acquire_timeout_s) as connection:
                rows = await connection.fetch(text.sql, *text.arguments(values))
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError) as error:
            raise DirectReadError(str(error)) from error
        return [row[0] for row in rows]

    async def close(self) -> None:
        await self.pool.close()
