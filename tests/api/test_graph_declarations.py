"""The read graph is declared once: each resolver-backed field is a link, or refused by name.

The compiled read path turns only declared links into SQL (graphql_schema/linked.py), so a
field written with a resolver of its own can never be compiled by accident: it must be named
in REFERENCE_ONLY, with the reason, or this test fails.
"""

from graphql import GraphQLObjectType

from db import graph
from graphql_schema.linked import graph_link
from graphql_schema.machinery.library_internals import graphql_schema_of
from resolvers.compiled.selection import REFERENCE_ONLY, REFERENCE_ONLY_TYPES
from resolvers.compiled.walk import strawberry_fields
from resolvers.roots.schema import schema

ROOTS = {"Query", "Mutation", "Subscription"}
ENVELOPE = {"nodes", "totalCount", "edges", "pageInfo"}  # a connection's, built by the path


def object_types() -> list[str]:
    return sorted(
        name
        for name, graphql_type in graphql_schema_of(schema).type_map.items()
        if isinstance(graphql_type, GraphQLObjectType)
        and not name.startswith("__")
        and name not in ROOTS
    )


def test_every_resolver_backed_field_is_a_declared_link_or_refused_by_name():
    undeclared = []
    for type_name in object_types():
        for field in strawberry_fields(type_name, schema).values():
            graphql_name = schema.config.name_converter.get_graphql_name(field)
            compiled_by_shape = graphql_name == "id" or (
                type_name.endswith("Connection") and graphql_name in ENVELOPE
            )
            if (
                field.base_resolver is not None
                and graph_link(field) is None
                and not compiled_by_shape
                and (type_name, graphql_name) not in REFERENCE_ONLY
                and type_name not in REFERENCE_ONLY_TYPES
            ):
                undeclared.append(f"{type_name}.{graphql_name}")
    assert undeclared == [], "declare with linked(...) or add to REFERENCE_ONLY: " + ", ".join(
        undeclared
    )


def test_the_refusals_name_fields_that_exist():
    for type_name, field_name in REFERENCE_ONLY:
        names = {
            schema.config.name_converter.get_graphql_name(field)
            for field in strawberry_fields(type_name, schema).values()
        }
        assert field_name in names, f"{type_name}.{field_name} is refused but does not exist"


def test_every_link_of_the_graph_is_declared_on_a_field():
    """A link no field declares is dead code, or a field that lost its declaration."""
    declared = {
        id(graph_link(field))
        for type_name in object_types()
        for field in strawberry_fields(type_name, schema).values()
        if graph_link(field) is not None
    }
    links = [
        name
        for name, value in vars(graph).items()
        if isinstance(value, graph.One | graph.Children | graph.PagedChildren)
    ]
    assert [name for name in links if id(getattr(graph, name)) not in declared] == []


def test_client_and_agent_share_a_table_but_not_their_links():
    """Agent has no orders field: the client's orders link is declared on Client alone."""
    client = strawberry_fields("Client", schema)
    agent = strawberry_fields("Agent", schema)
    assert graph_link(client["orders"]) is graph.CLIENT_ORDERS
    assert "orders" not in agent
    assert graph_link(agent["company"]) is graph_link(client["company"]) is graph.PARTNER_COMPANY
