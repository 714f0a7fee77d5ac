"""The compiled read path: a query the read graph can answer whole skips field-by-field execution.

graphql-core spends ~12 us per field, and a page of 50 nested orders has ~2,000 of them. When
every field a query selects is a column, a derived value or a link of db.graph, the page is
built instead by one SQL statement whose rows are the nodes' JSON (db.graph_json), and only the
connection's envelope (cursors, pageInfo, totalCount) is assembled here. The roots it knows are
`order` and the root lists (orders, companies, clients, agents, products, seasons, payment
methods); a connection nested in a node compiles when it pages forward from its start without
cursors. Anything else (another root field, a nested page from a cursor, stock from
the inventory, a field with a permission of its own, a client error in the arguments) is left to
the reference path, whose answer this one must match exactly; tests compare the two.
"""

import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, TypeAlias

import orjson
import sqlalchemy as sa
from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLField,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    OperationType,
    get_argument_values,
    get_named_type,
    get_nullable_type,
)
from graphql.execution.collect_fields import (
    FieldDetails,
    FragmentDetails,
    collect_fields,
    collect_subfields,
)
from graphql.execution.values import VariableValues, get_variable_values
from graphql.utilities import get_operation_ast
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Select
from strawberry import Schema
from strawberry.types.arguments import convert_arguments
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.field import StrawberryField

from app.context import AppContext
from app.settings import Settings
from db import graph, models
from db.base import Base
from db.graph_json import (
    MAX_KEYS,
    Column,
    Constant,
    Edges,
    Envelope,
    GlobalId,
    Item,
    Linked,
    Nodes,
    PageInfo,
    PageOf,
    Selection,
    TotalCount,
    root_json,
)
from db.pagination import (
    Ordering,
    Page,
    PageArgumentError,
    count,
    keyset_statement,
    page_from,
)
from db.queries.orders import first_two
from graphql_schema.connection import page_request
from graphql_schema.errors import QueryInputError
from graphql_schema.input_texts import refuse_unstorable_arguments
from graphql_schema.orders.filters import OrderSort
from graphql_schema.permissions import ScopePermission
from resolvers.orders.queries import order_query, orders_query
from resolvers.reference.queries import reference_list

log = logging.getLogger(__name__)

# Scalars whose JSON db.graph_json renders exactly as Strawberry serialises them.
# Not JSON: PostgreSQL's text of a number is not always what Python's float makes of it.
_RENDERED_SCALARS = frozenset({"String", "Int", "Boolean", "Decimal", "DateTime", "Date"})


# Where a page's nodes go: a `nodes` field by its key, or an `edges` field's `node` by both keys.
_NodesAt: TypeAlias = tuple[Literal["nodes", "edges"], str, str | None]


class NotCompilable(Exception):
    """The query needs something only the reference path does."""


@dataclass(frozen=True, slots=True)
class _Walk:
    """What collecting fields needs, for one operation."""

    schema: Schema
    fragments: dict[str, FragmentDetails]
    variables: VariableValues
    operation: Any
    settings: Settings

    @property
    def graphql(self) -> GraphQLSchema:
        return self.schema._schema

    def subfields(
        self, parent_type: GraphQLObjectType, details: list[FieldDetails]
    ) -> dict[str, list[FieldDetails]]:
        collected = collect_subfields(
            self.graphql, self.fragments, self.variables, self.operation, parent_type, details
        )
        if collected.new_defer_usages or collected.forbidden_directive_instances:
            raise NotCompilable("@defer")
        return collected.grouped_field_set


async def execute_compiled(
    schema: Schema,
    document: DocumentNode,
    operation_name: str | None,
    raw_variables: dict[str, Any] | None,
    context: AppContext,
) -> dict[str, Any] | None:
    """The query's `data`, or None when the reference path must answer it."""
    try:
        walk = _walk_for(schema, document, operation_name, raw_variables, context.settings)
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
                data[key] = await _ROOTS[name](walk, query_type.fields[name], details, context)
        return data
    except NotCompilable as exc:
        log.debug("not compiled: %s", exc)
        return None
    except DBAPIError:  # the statement failed in PostgreSQL, which aborted the transaction
        log.warning("compiled read failed; the reference path answers", exc_info=True)
        await context.session.rollback()
        return None
    except (GraphQLError, QueryInputError, PageArgumentError):
        return None  # a client error in the arguments: the reference path reports it
    except Exception:  # a bug here must not cost the client its answer, but must be seen
        log.exception("compiled read path failed; the reference path answers")
        return None


def _permitted(walk: _Walk, root: str, context: AppContext) -> bool:
    """The root field's own scope permissions (graphql_schema/query.py), as declared there."""
    permissions = _strawberry_fields("Query", walk.schema)[root].permission_classes
    return all(
        issubclass(permission, ScopePermission) and context.principal.allows(permission.scope)
        for permission in permissions
    )


def _walk_for(
    schema: Schema,
    document: DocumentNode,
    operation_name: str | None,
    raw_variables: dict[str, Any] | None,
    settings: Settings,
) -> _Walk | None:
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation is not OperationType.QUERY:
        return None
    variables = get_variable_values(
        schema._schema, operation.variable_definitions or (), raw_variables or {}
    )
    if not isinstance(variables, VariableValues):
        return None  # the reference path reports the variables' errors
    fragments = {
        definition.name.value: FragmentDetails(definition)
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    return _Walk(schema, fragments, variables, operation, settings)


async def _list(
    walk: _Walk, field: GraphQLField, details: list[FieldDetails], context: AppContext
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
    python_name = _strawberry_fields("Query", walk.schema)[name].python_name
    query, ordering = _list_query(python_name, kwargs, context.loaders.company_ids)
    connection_type = _object_type(field.type)
    envelope = walk.subfields(connection_type, details)
    node_selections = _node_selections(walk, connection_type, envelope, ordering.id.class_)
    columns = [_node_column(selection, context) for selection in node_selections.values()]
    statement = keyset_statement(
        query.with_only_columns(ordering.id, ordering.column, *columns), ordering, request
    )
    rows = list((await context.session.execute(statement)).all())
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


def _list_query(
    name: str, kwargs: dict[str, Any], scope: frozenset[int]
) -> tuple[Select[Any], Ordering]:
    """The SELECT and ordering the list's own resolver pages through."""
    if name == "orders":
        order_by = kwargs.get("order_by", OrderSort.ORDERED_AT_DESC)
        return orders_query(kwargs.get("filter"), order_by, company_ids=scope)
    search, company_ids = kwargs.get("search"), kwargs.get("company_ids")
    return reference_list(name, scope, search=search, company_ids=company_ids)


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
    walk: _Walk, field: GraphQLField, details: list[FieldDetails], context: AppContext
) -> Any:
    """Query.order: the order's JSON from one statement, or null."""
    kwargs = _root_arguments(walk, "order", field, details)
    statement = order_query(
        kwargs.get("id"),
        kwargs.get("number"),
        kwargs.get("company_id"),
        company_ids=context.loaders.company_ids,
    )
    selection = _selection(walk, _object_type(field.type), models.Order, details)
    found = await first_two(
        context.session, statement.with_only_columns(_node_column(selection, context))
    )
    if len(found) > 1:
        raise NotCompilable("several orders have this number: the reference path says so")
    return _node_value(found[0], raw_json=context.raw_json) if found else None


def _node_column(selection: Selection, context: AppContext) -> sa.ColumnElement[Any]:
    """The node's JSON; as text over HTTP, so the driver hands it over without decoding it."""
    json = root_json(selection, context.loaders.company_ids)
    return sa.cast(json, sa.Text) if context.raw_json else json


def _node_value(value: Any, *, raw_json: bool) -> Any:
    """Over HTTP, PostgreSQL's text goes into the response as it is."""
    return orjson.Fragment(value) if raw_json else value


_Root: TypeAlias = Callable[[_Walk, GraphQLField, list[FieldDetails], AppContext], Awaitable[Any]]
_LISTS = ("orders", "companies", "clients", "agents", "products", "seasons", "paymentMethods")
_ROOTS: dict[str, _Root] = {"order": _order} | dict.fromkeys(_LISTS, _list)


def _root_arguments(
    walk: _Walk, name: str, field: GraphQLField, details: list[FieldDetails]
) -> dict[str, Any]:
    """The root field's arguments as its resolver receives them, Strawberry inputs and all."""
    values = _arguments(walk, field, details)
    strawberry_field = _strawberry_fields("Query", walk.schema)[name]
    arguments = convert_arguments(
        values,
        strawberry_field.arguments,
        scalar_registry=walk.schema.schema_converter.scalar_registry,
        config=walk.schema.config,
    )
    refuse_unstorable_arguments(arguments)  # as the field's extension does on the reference path
    return arguments


def _arguments(walk: _Walk, field: GraphQLField, details: list[FieldDetails]) -> dict[str, Any]:
    """The field's coerced arguments; one response key must not ask with two sets of them."""
    if len({detail.node.arguments for detail in details}) > 1:
        raise NotCompilable("one response key with differing arguments")
    return get_argument_values(field, details[0].node, walk.variables)


def _node_selections(
    walk: _Walk,
    connection_type: GraphQLObjectType,
    envelope: dict[str, list[FieldDetails]],
    model: type[Base],
) -> dict[_NodesAt, Selection]:
    """Every selection of the page's nodes: one per `nodes` key and per `edges { node }` key."""
    node_type = _object_type(connection_type.fields["nodes"].type)
    edge_type = _object_type(connection_type.fields["edges"].type)
    selections: dict[_NodesAt, Selection] = {}
    for key, details in envelope.items():
        name = details[0].node.name.value
        if name == "nodes":
            selections[("nodes", key, None)] = _selection(walk, node_type, model, details)
        elif name == "edges":
            for edge_key, edge_details in walk.subfields(edge_type, details).items():
                edge_field = edge_details[0].node.name.value
                if edge_field == "node":
                    selections[("edges", key, edge_key)] = _selection(
                        walk, node_type, model, edge_details
                    )
                elif edge_field not in ("cursor", "__typename"):
                    raise NotCompilable(edge_field)
        elif name not in ("pageInfo", "totalCount", "__typename"):
            raise NotCompilable(name)
    return selections


def _edges(
    walk: _Walk,
    connection_type: GraphQLObjectType,
    key: str,
    details: list[FieldDetails],
    page: _Page,
) -> list[dict[str, Any]]:
    edge_type = _object_type(connection_type.fields["edges"].type)
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
    walk: _Walk, connection_type: GraphQLObjectType, details: list[FieldDetails], page: _Page
) -> dict[str, Any]:
    page_info_type = _object_type(connection_type.fields["pageInfo"].type)
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


def _selection(
    walk: _Walk,
    graphql_type: GraphQLObjectType,
    model: type[Base],
    details: list[FieldDetails],
) -> Selection:
    """The selection on `graphql_type` (rows of `model`) as items db.graph_json can build."""
    items: list[tuple[str, Item]] = []
    fields = _strawberry_fields(graphql_type.name, walk.schema)
    for key, field_details in walk.subfields(graphql_type, details).items():
        node = field_details[0].node
        name = node.name.value
        if name == "__typename":
            items.append((key, Constant(graphql_type.name)))
            continue
        field = fields.get(name)
        if field is None or field.permission_classes:
            raise NotCompilable(f"{graphql_type.name}.{name}")
        items.append((key, _item(walk, graphql_type, model, field, field_details)))
    if len(items) > MAX_KEYS:
        raise NotCompilable("too many fields for json_build_object")
    return Selection(model, tuple(items))


def _item(
    walk: _Walk,
    graphql_type: GraphQLObjectType,
    model: type[Base],
    field: StrawberryField,
    details: list[FieldDetails],
) -> Item:
    name = field.python_name
    graphql_field = graphql_type.fields[details[0].node.name.value]
    link = graph.LINKS.get((model, name))
    if isinstance(link, graph.PagedChildren):
        return _page_of(walk, graphql_field, link, details)
    if any(detail.node.arguments for detail in details):
        raise NotCompilable(f"{graphql_type.name}.{name} takes arguments")
    if graphql_field is graphql_type.fields.get("id") and _is_node(graphql_type):
        return GlobalId(graphql_type.name)
    if link is not None:
        target = _object_type(graphql_field.type)
        is_list = isinstance(get_nullable_type(graphql_field.type), GraphQLList)
        if is_list != isinstance(link, graph.Children):
            raise NotCompilable(f"{graphql_type.name}.{name} and its link disagree")
        return Linked(link, _selection(walk, target, link.model, details))
    if field.base_resolver is not None or not hasattr(model, name):
        raise NotCompilable(f"{graphql_type.name}.{name} has a resolver")
    _require_rendered(get_named_type(graphql_field.type))
    return Column(name)


def _page_of(
    walk: _Walk, field: GraphQLField, link: graph.PagedChildren, details: list[FieldDetails]
) -> PageOf:
    """A connection nested in a node, paged forward from its start: `first` and no cursors."""
    arguments = _arguments(walk, field, details)
    try:
        request = page_request(walk.settings, **arguments)
    except PageArgumentError as refused:  # the reference path says so
        raise NotCompilable(str(refused)) from refused
    if request.backward or request.after is not None or request.before is not None:
        raise NotCompilable("a nested page from a cursor or from the end")
    limit = request.limit
    connection_type = _object_type(field.type)
    node_type = _object_type(connection_type.fields["nodes"].type)
    envelope: list[tuple[str, Envelope]] = []
    for key, field_details in walk.subfields(connection_type, details).items():
        name = field_details[0].node.name.value
        if name == "__typename":
            envelope.append((key, Constant(connection_type.name)))
        elif name == "totalCount":
            envelope.append((key, TotalCount()))
        elif name == "nodes":
            envelope.append((key, Nodes(_selection(walk, node_type, link.model, field_details))))
        elif name == "pageInfo":
            page_info_type = _object_type(connection_type.fields["pageInfo"].type)
            shape = walk.subfields(page_info_type, field_details)
            envelope.append((key, PageInfo(tuple(_page_info_part(page_info_type, shape)))))
        else:  # edges
            edge_type = _object_type(connection_type.fields["edges"].type)
            shape = walk.subfields(edge_type, field_details)
            parts = tuple(_edge_part(walk, edge_type, node_type, link.model, shape))
            envelope.append((key, Edges(parts)))
    return PageOf(link, limit, tuple(envelope))


def _page_info_part(
    page_info_type: GraphQLObjectType, shape: dict[str, list[FieldDetails]]
) -> Iterator[tuple[str, str | Constant]]:
    for key, details in shape.items():
        name = details[0].node.name.value
        if name == "__typename":
            yield key, Constant(page_info_type.name)
        elif name in ("hasNextPage", "hasPreviousPage"):
            yield key, name
        else:
            raise NotCompilable("cursors of a nested page")


def _edge_part(
    walk: _Walk,
    edge_type: GraphQLObjectType,
    node_type: GraphQLObjectType,
    model: type[Base],
    shape: dict[str, list[FieldDetails]],
) -> Iterator[tuple[str, Selection | Constant]]:
    for key, details in shape.items():
        name = details[0].node.name.value
        if name == "__typename":
            yield key, Constant(edge_type.name)
        elif name == "node":
            yield key, _selection(walk, node_type, model, details)
        else:
            raise NotCompilable("cursors of a nested page")


def _is_node(graphql_type: GraphQLObjectType) -> bool:
    return any(interface.name == "Node" for interface in graphql_type.interfaces)


def _require_rendered(named: GraphQLNamedType) -> None:
    if isinstance(named, GraphQLScalarType) and named.name in _RENDERED_SCALARS:
        return
    if isinstance(named, GraphQLEnumType) and _enum_values_are_names(named):
        return
    raise NotCompilable(f"scalar {named.name}")


@cache
def _enum_values_are_names(enum: GraphQLEnumType) -> bool:
    """Enums are stored by value and answered by name: the same text for ours."""
    return all(
        getattr(value.value, "value", value.value) == name for name, value in enum.values.items()
    )


def _object_type(type_: Any) -> GraphQLObjectType:
    named = get_named_type(type_)
    if not isinstance(named, GraphQLObjectType):
        raise NotCompilable(f"{named.name} is abstract")
    return named


@cache
def _strawberry_fields(type_name: str, schema: Schema) -> dict[str, StrawberryField]:
    """A type's Strawberry fields by GraphQL name."""
    definition = schema.get_type_by_name(type_name)
    if not isinstance(definition, StrawberryObjectDefinition):
        raise NotCompilable(type_name)
    converter = schema.config.name_converter
    return {converter.get_graphql_name(field): field for field in definition.fields}
