"""Relay connections with keyset cursors and a totalCount computed only when asked for."""

from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

import strawberry
from strawberry import relay

from app.context import Info
from app.settings import Settings
from db.graph import PagedChildren
from db.pagination import Ordering, Page, PageRequest
from graphql_schema.rows import from_row

NodeType = TypeVar("NodeType")


@strawberry.type(description="One node and the cursor that points at it.")
class Edge(Generic[NodeType]):
    cursor: str
    node: NodeType


@strawberry.type(description="A page of nodes, with what is needed to fetch the next one.")
class Connection(Generic[NodeType]):
    edges: list[Edge[NodeType]]
    page_info: relay.PageInfo
    count_total: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="Nodes on this page, without cursors.")
    def nodes(self) -> list[NodeType]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many nodes match, across all pages.")
    async def total_count(self) -> int:
        return await self.count_total()


def connection_from_page(
    node_type: type[NodeType],
    page: Page,
    ordering: Ordering,
    count_total: Callable[[], Awaitable[int]],
) -> Connection[NodeType]:
    edges: list[Edge[Any]] = [
        Edge(cursor=ordering.encode(row), node=from_row(node_type, row)) for row in page.rows
    ]
    return Connection(
        edges=edges,
        page_info=relay.PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count_total=count_total,
    )


def page_request(
    settings: Settings,
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> PageRequest:
    """Relay arguments checked against this deployment's page-size limits."""
    return PageRequest.from_args(
        first=first,
        after=after,
        last=last,
        before=before,
        default_size=settings.default_page_size,
        max_size=settings.max_page_size,
    )


async def child_connection(
    info: Info,
    node_type: type[NodeType],
    link: PagedChildren,
    parent_id: int,
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Connection[NodeType]:
    """A connection nested under a parent: pages and counts batched across parents by loaders."""
    request = page_request(
        info.context.settings, first=first, after=after, last=last, before=before
    )
    loaders = info.context.loaders
    page = await loaders.pages(link).load((parent_id, request))
    return connection_from_page(
        node_type, page, link.ordering, lambda: loaders.counts(link).load(parent_id)
    )
