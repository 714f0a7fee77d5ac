"""From ORM rows to GraphQL objects: a field reads the ORM attribute of the same Python name."""

from collections.abc import Iterable, Sequence
from dataclasses import fields
from functools import cache
from typing import Any, ClassVar, TypeVar

from strawberry import relay

from app.context import Info
from db.base import Base

T = TypeVar("T")


@cache
def _row_fields(cls: type) -> tuple[str, ...]:
    return tuple(field.name for field in fields(cls) if field.init)


def from_row(cls: type[T], row: Any) -> T:
    """Build `cls` from `row` by attribute name; fields with resolvers are left to them."""
    return cls(**{name: getattr(row, name) for name in _row_fields(cls)})


def from_rows(cls: type[T], rows: Iterable[Any]) -> list[T]:
    return [from_row(cls, row) for row in rows]


class RowNode(relay.Node):
    """A Relay node backed by one table; `node(id)` loads it through the scoped by-id loader."""

    model: ClassVar[type[Base]]

    @classmethod
    def is_one(cls, row: Any) -> bool:
        """Whether a row of `model` is a node of this type (clients and agents share a table)."""
        return True

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> Sequence[Any]:
        ids = [int(node_id) if node_id.isdigit() else 0 for node_id in node_ids]
        rows = await info.context.loaders.by_id(cls.model).load_many(ids)
        return [from_row(cls, row) if row is not None and cls.is_one(row) else None for row in rows]
