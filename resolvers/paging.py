"""A connection from a SELECT: one keyset page, the loaders primed, totalCount on demand."""

from typing import Any, TypeVar

from sqlalchemy.sql import Select

from app.context import Info
from db.base import Base
from db.pagination import Ordering, count, keyset_page
from graphql_schema.connection import Connection, connection_from_page, page_request

T = TypeVar("T")


async def list_connection(
    info: Info,
    node_type: type[T],
    model: type[Base],
    query: Select[Any],
    ordering: Ordering,
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Connection[T]:
    request = page_request(
        info.context.settings, first=first, after=after, last=last, before=before
    )
    session = info.context.session
    page = await keyset_page(session, query, ordering, request)
    info.context.loaders.prime(model, page.rows)
    return connection_from_page(node_type, page, ordering, lambda: count(session, query))
