"""measure() on parsed documents against the real schema: depth, aliases and estimated cost."""

import pytest
from graphql import parse

from graphql_schema.limits import INTROSPECTION_COST, Bounds, Measures, exceeded, measure
from graphql_schema.schema import schema

BOUNDS = Bounds(max_depth=10, max_aliases=5, max_cost=1000, default_page=20, list_factor=10)


def measured(document: str, variables: dict | None = None, operation: str | None = None):
    return measure(schema._schema, parse(document), operation, variables, BOUNDS)


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ("{ orders { totalCount } }", Measures(depth=2, aliases=0, cost=20)),
        ("{ orders(first: 5) { nodes { id } } }", Measures(3, 0, 5 + 5)),
        ("{ orders(last: 7) { edges { cursor node { id } } } }", Measures(4, 0, 7 + 7 + 7)),
        ("{ orders(first: 2) { nodes { lines { id } } } }", Measures(4, 0, 2 + 2 + 2 * 10)),
        (
            "{ clients(first: 10) { nodes { orders(first: 5) { nodes { number } } } } }",
            Measures(5, 0, 10 + 10 + 10 * 5 + 10 * 5),
        ),
        ("{ order(number: \"1\") { client { name } } }", Measures(3, 0, 1 + 1)),
        ('{ nodes(ids: ["a", "b", "c"]) { id } }', Measures(2, 0, 3)),
        ('{ node(id: "a") { ... on Order { lines { id } } } }', Measures(3, 0, 1 + 10)),
        (
            'mutation { createCompany(input: { code: "X", name: "Y" }) '
            "{ company { id } errors { code } } }",
            Measures(3, 0, 1 + 1 + 10),
        ),
    ],
    ids=[
        "default-page", "first", "last", "plain-list", "nested-connections", "objects", "nodes",
        "node", "mutation",
    ],
)  # fmt: skip
def test_depth_and_cost(document, expected):
    assert measured(document) == expected


def test_page_sizes_from_variables_and_their_defaults():
    document = "query Q($n: Int = 3) { orders(first: $n) { totalCount } }"
    assert measured(document).cost == 3
    assert measured(document, {"n": 8}).cost == 8
    assert measured("query Q($n: Int) { orders(last: $n) { totalCount } }").cost == 20


def test_nodes_are_counted_by_the_ids_given_in_a_variable():
    document = "query Q($ids: [ID!]!) { nodes(ids: $ids) { id } }"
    assert measured(document, {"ids": ["a", "b", "c", "d", "e"]}).cost == 5


def test_depth_through_fragments_and_inline_fragments():
    named = """
      { orders { nodes { ...Parties } } }
      fragment Parties on Order { client { company { name } } }
    """
    inline = """{ node(id: "x") {
      ... on Order { client { name } }
      ... on Client { company { name } orders { nodes { agent { company { name } } } } }
    } }"""
    untyped = "{ orders { ... { totalCount } } }"
    assert measured(named) == Measures(5, 0, 20 + 20 + 20 + 20)
    assert measured(inline).depth == 6  # node > orders > nodes > agent > company > name
    assert measured(untyped) == Measures(2, 0, 20)


def test_every_alias_counts_even_inside_a_fragment_used_twice():
    document = """
      { a: orders(first: 1) { nodes { ...N } } b: orders(first: 1) { nodes { ...N } } }
      fragment N on Order { n: number }
    """
    assert measured(document).aliases == 4
    assert measured("{ c: companies { t: totalCount } orders { totalCount } }").aliases == 2


def test_introspection_costs_a_flat_amount_and_no_depth():
    flat = INTROSPECTION_COST
    assert measured("{ __schema { types { name fields { name } } } }") == Measures(0, 0, flat)
    assert measured('{ __type(name: "Order") { name fields { name } } }') == Measures(0, 0, flat)
    assert measured("{ a: __schema { types { name } } b: __schema { types { name } } }") == (
        Measures(0, 2, 2 * flat)
    )
    assert measured("{ __typename orders(first: 2) { __typename totalCount } }") == Measures(
        2, 0, 2
    )


def test_the_named_operation_is_measured():
    document = """
      query Small { companies(first: 1) { totalCount } }
      query Big { companies(first: 50) { totalCount } }
    """
    assert measured(document, operation="Big").cost == 50
    assert measured(document, operation="Small").cost == 1
    assert measured(document).cost == 1  # no name: the first operation
    assert measured("fragment F on Order { id }") == Measures(0, 0, 0)


def test_a_fragment_cycle_ends():
    """Validation refuses cycles; measure() must still end on one."""
    document = """
      { orders { nodes { ...A } } }
      fragment A on Order { client { orders { nodes { ...A } } } }
    """
    assert measured(document) == Measures(5, 0, 20 + 20 + 20 + 400 + 400)


def test_an_empty_page_costs_one():
    assert measured("{ orders(first: 0) { totalCount } }").cost == 1


def test_exceeded_names_the_first_bound_passed():
    assert exceeded(Measures(10, 5, 1000), BOUNDS) is None
    assert exceeded(Measures(11, 6, 1001), BOUNDS) == ("depth", 11, 10)
    assert exceeded(Measures(10, 6, 1001), BOUNDS) == ("aliases", 6, 5)
    assert exceeded(Measures(10, 5, 1001), BOUNDS) == ("cost", 1001, 1000)
