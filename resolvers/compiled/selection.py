"""From a GraphQL selection to the db.graph_json Selection that builds its JSON in SQL.

Each field must be a column (or a hybrid property), a Relay id, __typename, or a link of db.graph;
anything else raises NotCompilable and the reference path answers the whole query.
"""

from collections.abc import Iterator
from functools import cache

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLScalarType,
    get_named_type,
    get_nullable_type,
)

from db import graph
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
)
from db.pagination import PageArgumentError
from graphql_schema.connection import page_request
from graphql_schema.linked import graph_link
from graphql_schema.machinery.library_internals import FieldDetails, StrawberryField
from resolvers.compiled.walk import (
    NotCompilable,
    Walk,
    field_arguments,
    object_type,
    strawberry_fields,
)

# Scalars whose JSON db.graph_json renders exactly as Strawberry serialises them.
# Not JSON: PostgreSQL's text of a number is not always what Python's float makes of it.
_RENDERED_SCALARS = frozenset({"String", "Int", "Boolean", "Decimal", "DateTime", "Date"})


def node_selection(
    walk: Walk,
    graphql_type: GraphQLObjectType,
    model: type[Base],
    details: list[FieldDetails],
) -> Selection:
    """The selection on `graphql_type` (rows of `model`) as items db.graph_json can build."""
    items: list[tuple[str, Item]] = []
    fields = strawberry_fields(graphql_type.name, walk.schema)
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


# Fields (by GraphQL type and field name) with resolvers of their own that the compiled path
# leaves to the reference path, and why. Every other resolver-backed field is a graph link
# (graphql_schema/linked.py), a node's id or a connection's envelope, which it compiles;
# tests/api/test_graph_declarations.py keeps it so.
REFERENCE_ONLY: dict[tuple[str, str], str] = {
    ("Product", "stock"): "read from the inventory, through its circuit breaker",
    ("Order", "syncState"): "what was sent to the calling key's integrations: per caller",
    ("BulkOperation", "results"): "a background job's results, paged by a loader of their own",
    ("BulkOperation", "export"): "an export job's file and its download link",
    ("ImportOrderResult", "order"): "a mutation's payload: only queries compile",
    ("BulkImportOrdersPayload", "counts"): "a mutation's payload: only queries compile",
}

# Types outside the read graph, whose fields the compiled path never compiles, and why.
REFERENCE_ONLY_TYPES: dict[str, str] = {
    "WebhookEndpoint": "a company's webhook settings, read through its own resolvers",
    "WebhookDelivery": "a webhook's deliveries and attempts, read through their own resolvers",
}


def _item(
    walk: Walk,
    graphql_type: GraphQLObjectType,
    model: type[Base],
    field: StrawberryField,
    details: list[FieldDetails],
) -> Item:
    name = field.python_name
    graphql_field = graphql_type.fields[details[0].node.name.value]
    refused = REFERENCE_ONLY_TYPES.get(graphql_type.name) or REFERENCE_ONLY.get(
        (graphql_type.name, details[0].node.name.value)
    )
    if refused is not None:
        raise NotCompilable(f"{graphql_type.name}.{name}: {refused}")
    link = graph_link(field)  # declared with the field (graphql_schema/linked.py), or None
    if isinstance(link, graph.One) and not hasattr(model, link.key.key):
        raise NotCompilable(f"{graphql_type.name}.{name} follows a link of another table")
    if isinstance(link, graph.PagedChildren):
        return _page_of(walk, graphql_field, link, details)
    if any(detail.node.arguments for detail in details):
        raise NotCompilable(f"{graphql_type.name}.{name} takes arguments")
    if graphql_field is graphql_type.fields.get("id") and _is_node(graphql_type):
        return GlobalId(graphql_type.name)
    if link is not None:
        target = object_type(graphql_field.type)
        is_list = isinstance(get_nullable_type(graphql_field.type), GraphQLList)
        if is_list != isinstance(link, graph.Children):
            raise NotCompilable(f"{graphql_type.name}.{name} and its link disagree")
        return Linked(link, node_selection(walk, target, link.model, details))
    if field.base_resolver is not None or not hasattr(model, name):
        raise NotCompilable(f"{graphql_type.name}.{name} has a resolver")
    _require_rendered(get_named_type(graphql_field.type))
    return Column(name)


def _page_of(
    walk: Walk, field: GraphQLField, link: graph.PagedChildren, details: list[FieldDetails]
) -> PageOf:
    """A connection nested in a node, paged forward from its start: `first` and no cursors."""
    arguments = field_arguments(walk, field, details)
    try:
        request = page_request(walk.settings, **arguments)
    except PageArgumentError as refused:  # the reference path says so
        raise NotCompilable(str(refused)) from refused
    if request.backward or request.after is not None or request.before is not None:
        raise NotCompilable("a nested page from a cursor or from the end")
    limit = request.limit
    connection_type = object_type(field.type)
    node_type = object_type(connection_type.fields["nodes"].type)
    envelope: list[tuple[str, Envelope]] = []
    for key, field_details in walk.subfields(connection_type, details).items():
        name = field_details[0].node.name.value
        if name == "__typename":
            envelope.append((key, Constant(connection_type.name)))
        elif name == "totalCount":
            envelope.append((key, TotalCount()))
        elif name == "nodes":
            nodes = node_selection(walk, node_type, link.model, field_details)
            envelope.append((key, Nodes(nodes)))
        elif name == "pageInfo":
            page_info_type = object_type(connection_type.fields["pageInfo"].type)
            shape = walk.subfields(page_info_type, field_details)
            envelope.append((key, PageInfo(tuple(_page_info_part(page_info_type, shape)))))
        else:  # edges
            edge_type = object_type(connection_type.fields["edges"].type)
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
    walk: Walk,
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
            yield key, node_selection(walk, node_type, model, details)
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
