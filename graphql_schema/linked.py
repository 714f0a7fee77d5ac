"""One-line resolvers for links to another node through the scoped by-id loader."""

from typing import Any, TypeVar

from app.context import Info
from db.base import Base
from db.graph import One
from graphql_schema.rows import from_row

T = TypeVar("T")


async def load_one(
    info: Info, node_type: type[T], model: type[Base], row_id: int | None
) -> T | None:
    """The linked node, or None when there is no link or it lies outside the caller's companies."""
    if row_id is None:
        return None
    row: Any = await info.context.loaders.by_id(model).load(row_id)
    return from_row(node_type, row) if row is not None else None


async def follow(info: Info, node_type: type[T], link: One, source: Any) -> T | None:
    """The node at the end of one of the read graph's links (db.graph), from `source`'s key."""
    return await load_one(info, node_type, link.model, getattr(source, link.key.key))
