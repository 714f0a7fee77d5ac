"""measure() on parsed documents against the real schema: depth, aliases and estimated cost."""

import pytest
from graphql import get_introspection_query, parse, validate

from app.settings import Settings
from graphql_schema.machinery.limits import INTROSPECTION_COST, Bounds, Measures, exceeded, measure
from resolvers.roots.schema import schema

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


def test_introspection_costs_a_flat_amount_and_counts_for_depth():
    flat = INTROSPECTION_COST
    assert measured("{ __schema { types { name fields { name } } } }") == Measures(4, 0, flat)
    assert measured('{ __type(name: "Order") { name fields { name } } }') == Measures(3, 0, flat)
    assert measured("{ a: __schema { types { name } } b: __schema { types { name } } }") == (
        Measures(3, 2, 2 * flat)
    )
    assert measured("{ __typename orders(first: 2) { __typename totalCount } }") == Measures(
        2, 0, 2
    )


def test_a_chain_of_of_type_is_as_deep_as_it_looks():
    chain = '{ __type(name: "Order") { ' + "ofType { " * 30 + "name" + " }" * 31 + " }"
    measures = measured(chain)
    assert measures.depth == 32  # __type, 30 ofType and the leaf
    assert exceeded(measures, BOUNDS) == ("depth", 32, 10)


def test_the_full_introspection_query_fits_the_default_depth():
    query = get_introspection_query(
        descriptions=True,
        specified_by_url=True,
        directive_is_repeatable=True,
        schema_description=True,
        input_value_deprecation=True,
    )
    default = Settings.model_fields["max_query_depth"].default
    assert measured(query).depth <= default


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


def test_a_fragment_spread_again_in_one_selection_set_adds_nothing_as_in_the_executor():
    """The executor collects a fragment's fields once per selection set, however often spread."""
    document = """
      { ...A ...A }
      fragment A on Query { ...B ...B a: orders(first: 2) { nodes { ...C ...C } } }
      fragment B on Query { companies(first: 3) { totalCount } }
      fragment C on Order { lines { id } }
    """
    assert validate(schema._schema, parse(document)) == []
    # companies 3; a: orders 2, nodes 2, lines 2 * 10; deepest a > nodes > lines > id
    assert measured(document) == Measures(depth=4, aliases=1, cost=3 + 2 + 2 + 20)


def test_a_fragment_measured_once_counts_everything_it_runs_wherever_it_is_spread():
    """Its aliases count at each spread, and its cost scales with each spread's page size."""
    document = """
      { x: orders(first: 2) { nodes { ...O } } y: orders(first: 3) { nodes { ...O } } }
      fragment O on Order { a: client { name } b: client { name } }
    """
    assert measured(document) == Measures(
        depth=4, aliases=2 + 2 * 2, cost=(2 + 2 + 2 * 2) + (3 + 3 + 3 * 2)
    )


def levels_of_doubling_spreads(levels: int) -> str:
    """Each fragment spreads the next twice: naively expanded, 2 ** levels selections."""
    fragments = [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)]
    return " ".join(["{ ...F0 }", *fragments, f"fragment F{levels} on Query {{ __typename }}"])


def levels_of_doubling_fields(levels: int) -> str:
    """Each fragment reaches the next through two aliased fields: 2 ** levels paths to execute."""
    half = "client {{ orders(first: 1) {{ nodes {{ ...F{0} }} }} }}"
    fragments = [
        f"fragment F{i} on Order {{ a: {half.format(i + 1)} b: {half.format(i + 1)} }}"
        for i in range(levels)
    ]
    last = f"fragment F{levels} on Order {{ lines {{ id }} }}"
    return " ".join(["{ orders(first: 1) { nodes { ...F0 } } }", *fragments, last])


def test_doubling_spreads_are_measured_in_the_documents_size():
    """30 levels would be a billion selections if every spread were walked again."""
    for levels in (10, 30):  # 10 first: a walk that grows with 2 ** levels fails there, quickly
        document = parse(levels_of_doubling_spreads(levels))
        assert validate(schema._schema, document) == []
        measures = measure(schema._schema, document, None, None, BOUNDS)
        assert measures.visited == 1 + levels * 2 + 1  # every selection in the document once
        assert measures == Measures(depth=1, aliases=0, cost=0)  # the executor runs it once


def test_doubling_fields_are_measured_in_the_documents_size_and_refused():
    """What would execute 2 ** 30 times is counted so, without walking it 2 ** 30 times."""
    assert measure(
        schema._schema, parse(levels_of_doubling_fields(10)), None, None, BOUNDS
    ).visited == (3 + 10 * 2 * 4 + 2)
    document = parse(levels_of_doubling_fields(30))
    assert validate(schema._schema, document) == []
    measures = measure(schema._schema, document, None, None, BOUNDS)
    # orders and nodes once; client, orders, nodes on each of the 2 + 4 + ... + 2 ** 30 paths;
    # the last fragment's lines (10 each) at the end of each of the 2 ** 30 paths
    paths = 2**31 - 2
    assert measures == Measures(
        depth=2 + 3 * 30 + 2, aliases=paths, cost=2 + 3 * paths + 10 * 2**30
    )
    assert measures.visited == 3 + 30 * 2 * 4 + 2  # every selection in the document once
    assert exceeded(measures, BOUNDS) == ("depth", 94, 10)
