"""From ORM rows to GraphQL objects: a field reads the ORM attribute of the same Python name."""

from collections.abc import Iterable, Sequence
from dataclasses import fields
from functools import cache
from typing import Any, ClassVar, TypeVar

from strawberry import relay

from app.context import Info
from app.domain.storable import INTEGER_MAX
from db.base import Base

T = TypeVar("T")


def row_id(node_id: str) -> int | None:
    """The database id inside a global id, or None when it cannot be one of ours."""
    if not (node_id.isascii() and node_id.isdigit()) or len(node_id) > 10:
        return None
    value = int(node_id)
    return value if 0 < value <= INTEGER_MAX else None


@cache
def _row_fields(cls: type) -> tuple[str, ...]:
    return tuple(field.name for field in fields(cls) if field.init)


def from_row(cls: type[T], row: Any) -> T:
    """Build `cls` from `row` by attribute name; fields with resolvers are left to them."""
    # mypy does not see a type[T] as Hashable, which every class is (lru_cache wants one)
    return cls(**{name: getattr(row, name) for name in _row_fields(cls)})  # type: ignore[arg-type]


def from_rows(cls: type[T], rows: Iterable[Any]) -> list[T]:
    return [from_row(cls, row) for row in rows]


class RowNode(relay.Node):
    """A Relay node backed by one table; `node(id)` loads it through the scoped by-id loader."""

    model: ClassVar[type[Base]]

    @classmethod
    def is_one(cls, row: Any, info: Info) -> bool:
        """Whether `node(id)` may answer this row as this type.

        Clients and agents share a table; some types need more than the order.read scope.
        """
        return True

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> Sequence[Any]:
        ids = [row_id(node_id) or 0 for node_id in node_ids]  # 0 matches no row
        rows = await info.context.loaders.by_id(cls.model).load_many(ids)
        return [
            from_row(cls, row) if row is not None and cls.is_one(row, info) else None
            for row in rows
        ]
