"""Graph fields: one declaration writes the reference resolver and records the link it follows.

`linked(graph.ORDER_CLIENT, Client)` on a type is the field `client`: its resolver follows the
link through the request's loaders (the reference read path), and the link itself is kept on
the field (`graph_link`), which is all the compiled read path reads to turn the field into SQL.
So the two paths cannot disagree on which link a field is, and a field written by hand has no
link: the compiled path leaves it (and its query) to the reference path.
"""

from collections.abc import Mapping
from typing import Any, TypeVar

import strawberry

from app.context import Info
from db.base import Base
from db.graph import Children, One, PagedChildren
from graphql_schema.connection import Connection, child_connection
from graphql_schema.machinery.library_internals import StrawberryField, runtime_class
from graphql_schema.rows import from_row, from_rows

T = TypeVar("T")
Link = One | Children | PagedChildren

LINK_KEY = "graph_link"


def graph_link(field: StrawberryField) -> Link | None:
    """The link a field was declared to follow with `linked`, or None for any other field."""
    metadata: Mapping[str, Any] = field.metadata or {}
    link: Link | None = metadata.get(LINK_KEY)
    return link


def linked(link: Link, node: Any, *, description: str | None = None, required: bool = False) -> Any:
    """The field that follows `link` to `node` rows: a node, a list, or a connection.

    `node` may be a `strawberry.lazy` annotation where the two types import each other.
    `required`: the link always finds its row in scope (a partner's company), so not null.
    """
    metadata = {LINK_KEY: link}
    if isinstance(link, One):
        return strawberry.field(
            resolver=_one(link, node, required),
            graphql_type=node if required else node | None,
            description=description,
            metadata=metadata,
        )
    if isinstance(link, Children):
        return strawberry.field(
            resolver=_children(link, node),
            graphql_type=list[node],
            description=description,
            metadata=metadata,
        )
    return strawberry.field(
        resolver=_page(link, node),
        graphql_type=Connection[node],
        description=description,
        metadata=metadata,
    )


class _Target:
    """The node class a resolver builds, found on first use.

    A lazy type's module may not be imported yet when the field is declared.
    """

    def __init__(self, node: Any) -> None:
        self._node = node
        self._class: type | None = None

    def __call__(self) -> type:
        if self._class is None:
            self._class = runtime_class(self._node)
        return self._class


def _one(link: One, node: Any, required: bool) -> Any:
    target = _Target(node)

    async def resolve(root: Any, info: Info) -> Any:
        found: Any = await load_one(info, target(), link.model, getattr(root, link.key.key))
        if required and found is None:
            raise LookupError(f"{link.model.__name__} {getattr(root, link.key.key)} out of scope")
        return found

    return resolve


def _children(link: Children, node: Any) -> Any:
    target = _Target(node)

    async def resolve(root: Any, info: Info) -> Any:
        rows = await info.context.loaders.children(link).load(root.id)
        return from_rows(target(), rows)

    return resolve


def _page(link: PagedChildren, node: Any) -> Any:
    target = _Target(node)

    async def resolve(
        root: Any,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Any:
        return await child_connection(
            info, target(), link, root.id,
            first=first, after=after, last=last, before=before,
        )  # fmt: skip

    return resolve


async def load_one(
    info: Info, node_type: type[T], model: type[Base], row_id: int | None
) -> T | None:
    """The linked node, or None when there is no link or it lies outside the caller's companies."""
    if row_id is None:
        return None
    row: Any = await info.context.loaders.by_id(model).load(row_id)
    return from_row(node_type, row) if row is not None else None
