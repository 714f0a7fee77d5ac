"""The compiled read path: a query the read graph can answer whole skips field-by-field execution.

graphql-core spends ~12 us per field, and a page of 50 nested orders has ~2,000 of them. When
every field a query selects is a column (or a hybrid property) or a link of db.graph, the page is
built instead by one SQL statement whose rows are the nodes' JSON (db.graph_json), and only the
connection's envelope (cursors, pageInfo, totalCount) is assembled here. The roots it knows are
`order` and the root lists (orders, companies, clients, agents, products, seasons, payment
methods); a connection nested in a node compiles when it pages forward from its start without
cursors. Anything else (another root field, a nested page from a cursor, stock from
the inventory, a field with a permission of its own, a client error in the arguments) is left to
the reference path, whose answer this one must match exactly; tests compare the two.
"""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

import orjson
from graphql import DocumentNode, GraphQLError, GraphQLField, GraphQLObjectType
from sqlalchemy.exc import DBAPIError
from strawberry import Schema

from app.context import AppContext
from app.metrics import COMPILED_FALLBACKS
from db import models
from db.base import Base
from db.direct import DirectReadError
from db.graph_json import Selection, json_column, page_of_nodes
from db.pagination import Ordering, Page, PageArgumentError, count, page_from
from db.queries.orders import compiled_order, direct_order
from graphql_schema.connection import page_request
from graphql_schema.errors import QueryInputError
from graphql_schema.machinery.input_values import refuse_unstorable_arguments
from graphql_schema.machinery.library_internals import (
    FieldDetails,
    collect_fields,
    convert_arguments,
    scalar_registry_of,
)
from graphql_schema.permissions import ScopePermission
from resolvers.compiled.plans import ReadPlan
from resolvers.compiled.selection import node_selection
from resolvers.compiled.walk import (
    NotCompilable,
    Walk,
    field_arguments,
    object_type,
    strawberry_fields,
    walk_for,
)
from resolvers.orders.queries import order_lookup
from resolvers.root_lists import ROOT_LISTS

log = logging.getLogger(__name__)


# Where a page's nodes go: a `nodes` field by its key, or an `edges` field's `node` by both keys.
_NodesAt: TypeAlias = tuple[Literal["nodes", "edges"], str, str | None]


async def execute_compiled(
    schema: Schema,
    document: DocumentNode,
    operation_name: str | None,
    raw_variables: dict[str, Any] | None,
    context: AppContext,
    plan: ReadPlan | None = None,
) -> dict[str, Any] | None:
    """The query's `data`, or None when the reference path must answer it.

    With the document's plan, the roots' shapes worked out by an earlier request are reused.
    """
    shapes = plan.shapes_for_request(context.settings) if plan is not None else {}
    try:
        walk = walk_for(schema, document, operation_name, raw_variables, context.settings)
        if walk is None:
            return None
        query_type = walk.graphql.query_type
        assert query_type is not None
        collected = collect_fields(
            walk.graphql, walk.fragments, walk.variables, query_type, walk.operation
        )
        if collected.new_defer_usages or collected.forbidden_directive_instances:
            return None
        roots = collected.grouped_field_set
        names = {details[0].node.name.value for details in roots.values()} - {"__typename"}
        if not names <= _ROOTS.keys() or not all(_permitted(walk, name, context) for name in names):
            return None  # the reference path answers, FORBIDDEN included
        data: dict[str, Any] = {}
        for key, details in roots.items():
            name = details[0].node.name.value
            if name == "__typename":
                data[key] = query_type.name
            else:
                root, remember = _ROOTS[name], _remembered(shapes, key)
                data[key] = await root(walk, query_type.fields[name], details, context, remember)
        return data
    except NotCompilable as exc:
        COMPILED_FALLBACKS.labels("not_compilable").inc()
        log.debug("not compiled: %s", exc)
        return None
    except (GraphQLError, QueryInputError, PageArgumentError):
        COMPILED_FALLBACKS.labels("client_error").inc()
        return None  # a client error in the arguments: the reference path reports it
    except Exception as error:  # a bug here must not cost the client its answer, but is seen
        if context.settings.compiled_reads_strict:
            raise  # tests: a divergence fails loudly instead of being answered the slow way
        if isinstance(error, DBAPIError | DirectReadError):  # PostgreSQL refused it
            COMPILED_FALLBACKS.labels("database_error").inc()
            log.warning("compiled read failed; the reference path answers", exc_info=True)
            await context.session.rollback()  # the session's transaction, if it had begun
        else:
            COMPILED_FALLBACKS.labels("bug").inc()
            log.exception("compiled read path failed; the reference path answers")
        return None


def _permitted(walk: Walk, root: str, context: AppContext) -> bool:
    """The root field's own scope permissions (resolvers/roots/query.py), as declared there."""
    permissions = strawberry_fields("Query", walk.schema)[root].permission_classes
    return all(
        issubclass(permission, ScopePermission) and context.principal.allows(permission.scope)
        for permission in permissions
    )


async def _list(
    walk: Walk,
    field: GraphQLField,
    details: list[FieldDetails],
    context: AppContext,
    remember: "_Remember",
) -> dict[str, Any]:
    """A root list: the page's nodes from one statement, the envelope around them here."""
    name = details[0].node.name.value
    kwargs = _root_arguments(walk, name, field, details)
    request = page_request(
        context.settings,
        first=kwargs.get("first"),
        after=kwargs.get("after"),
        last=kwargs.get("last"),
        before=kwargs.get("before"),
    )
    query, ordering = ROOT_LISTS[name].select(kwargs, context.loaders.company_ids)

    def shape() -> tuple[GraphQLObjectType, dict[str, Any], dict[_NodesAt, Selection]]:
        connection_type = object_type(field.type)
        envelope = walk.subfields(connection_type, details)
        selections = _node_selections(walk, connection_type, envelope, ordering.model)
        return connection_type, envelope, selections

    connection_type, envelope, node_selections = remember(shape)
    columns = [_node_column(selection, context) for selection in node_selections.values()]
    rows = await page_of_nodes(context.session, query, ordering, request, columns)
    page = _Page(page_from(rows, request), ordering, list(node_selections), context.raw_json)
    total: list[int] = []

    async def total_count() -> int:
        if not total:
            total.append(await count(context.session, query))
        return total[0]

    result: dict[str, Any] = {}
    for key, field_details in envelope.items():
        name = field_details[0].node.name.value
        if name == "__typename":
            result[key] = connection_type.name
        elif name == "totalCount":
            result[key] = await total_count()
        elif name == "nodes":
            result[key] = page.nodes(("nodes", key, None))
        elif name == "pageInfo":
            result[key] = _page_info(walk, connection_type, field_details, page)
        else:  # edges
            result[key] = _edges(walk, connection_type, key, field_details, page)
    return result


@dataclass(frozen=True, slots=True)
class _Page:
    """The page's rows: (id, sort key, then one JSON node per selection, in `selections` order)."""

    keyset: Page
    ordering: Ordering
    selections: list[_NodesAt]
    raw_json: bool

    def nodes(self, selection: _NodesAt) -> list[Any]:
        column = 2 + self.selections.index(selection)
        return [_node_value(row[column], raw_json=self.raw_json) for row in self.keyset.rows]

    def cursor(self, index: int) -> str:
        """Encoded only when asked for: most page queries select no cursor per edge."""
        return self.ordering.encode(self.keyset.rows[index])


async def _order(
    walk: Walk,
    field: GraphQLField,
    details: list[FieldDetails],
    context: AppContext,
    remember: "_Remember",
) -> Any:
    """Query.order: the order's JSON from one statement, or null."""
    kwargs = _root_arguments(walk, "order", field, details)
    key, scope = order_lookup(
        kwargs.get("id"),
        kwargs.get("number"),
        kwargs.get("company_id"),
        company_ids=context.loaders.company_ids,
    )
    selection: Selection = remember(
        lambda: node_selection(walk, object_type(field.type), models.Order, details)
    )
    if context.direct_reads is not None and context.raw_json:
        found = await context.direct_reads.column(*direct_order(selection, key, company_ids=scope))
    else:
        found = await compiled_order(
            context.session, selection, key, company_ids=scope, as_text=context.raw_json
        )
    if len(found) > 1:
        raise NotCompilable("several orders have this number: the reference path says so")
    return _node_value(found[0], raw_json=context.raw_json) if found else None


def _node_column(selection: Selection, context: AppContext) -> Any:
    return json_column(selection, context.loaders.company_ids, as_text=context.raw_json)


def _node_value(value: Any, *, raw_json: bool) -> Any:
    """Over HTTP, PostgreSQL's text goes into the response as it is."""
    return orjson.Fragment(value) if raw_json else value


# a root's shape (its selections), built by the callable the first time and kept in the plan
_Remember: TypeAlias = Callable[[Callable[[], Any]], Any]
_Root: TypeAlias = Callable[
    [Walk, GraphQLField, list[FieldDetails], AppContext, _Remember], Awaitable[Any]
]


def _remembered(shapes: dict[str, Any], key: str) -> _Remember:
    """The shape of the root answered under response key `key`, built at most once per plan."""

    def remember(build: Callable[[], Any]) -> Any:
        if key not in shapes:
            shapes[key] = build()
        return shapes[key]

    return remember


_ROOTS: dict[str, _Root] = {"order": _order} | dict.fromkeys(ROOT_LISTS, _list)


def _root_arguments(
    walk: Walk, name: str, field: GraphQLField, details: list[FieldDetails]
) -> dict[str, Any]:
    """The root field's arguments as its resolver receives them, Strawberry inputs and all."""
    values = field_arguments(walk, field, details)
    strawberry_field = strawberry_fields("Query", walk.schema)[name]
    arguments = convert_arguments(
        values,
        strawberry_field.arguments,
        scalar_registry=scalar_registry_of(walk.schema),
        config=walk.schema.config,
    )
    refuse_unstorable_arguments(arguments)  # as the field's extension does on the reference path
    return arguments


def _node_selections(
    walk: Walk,
    connection_type: GraphQLObjectType,
    envelope: dict[str, list[FieldDetails]],
    model: type[Base],
) -> dict[_NodesAt, Selection]:
    """Every selection of the page's nodes: one per `nodes` key and per `edges { node }` key."""
    node_type = object_type(connection_type.fields["nodes"].type)
    edge_type = object_type(connection_type.fields["edges"].type)
    selections: dict[_NodesAt, Selection] = {}
    for key, details in envelope.items():
        name = details[0].node.name.value
        if name == "nodes":
            selections[("nodes", key, None)] = node_selection(walk, node_type, model, details)
        elif name == "edges":
            for edge_key, edge_details in walk.subfields(edge_type, details).items():
                edge_field = edge_details[0].node.name.value
                if edge_field == "node":
                    selections[("edges", key, edge_key)] = node_selection(
                        walk, node_type, model, edge_details
                    )
                elif edge_field not in ("cursor", "__typename"):
                    raise NotCompilable(edge_field)
        elif name not in ("pageInfo", "totalCount", "__typename"):
            raise NotCompilable(name)
    return selections


def _edges(
    walk: Walk,
    connection_type: GraphQLObjectType,
    key: str,
    details: list[FieldDetails],
    page: _Page,
) -> list[dict[str, Any]]:
    edge_type = object_type(connection_type.fields["edges"].type)
    shape = walk.subfields(edge_type, details)
    nodes = {
        edge_key: page.nodes(("edges", key, edge_key))
        for edge_key, edge_details in shape.items()
        if edge_details[0].node.name.value == "node"
    }
    edges: list[dict[str, Any]] = []
    for index in range(len(page.keyset.rows)):
        edge: dict[str, Any] = {}
        for edge_key, edge_details in shape.items():
            name = edge_details[0].node.name.value
            if name == "cursor":
                edge[edge_key] = page.cursor(index)
            elif name == "node":
                edge[edge_key] = nodes[edge_key][index]
            else:
                edge[edge_key] = edge_type.name
        edges.append(edge)
    return edges


def _page_info(
    walk: Walk, connection_type: GraphQLObjectType, details: list[FieldDetails], page: _Page
) -> dict[str, Any]:
    page_info_type = object_type(connection_type.fields["pageInfo"].type)
    rows = page.keyset.rows
    values = {
        "hasNextPage": lambda: page.keyset.has_next,
        "hasPreviousPage": lambda: page.keyset.has_previous,
        "startCursor": lambda: page.cursor(0) if rows else None,
        "endCursor": lambda: page.cursor(-1) if rows else None,
        "__typename": lambda: page_info_type.name,
    }
    return {
        key: values[field_details[0].node.name.value]()
        for key, field_details in walk.subfields(page_info_type, details).items()
    }
