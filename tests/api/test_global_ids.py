"""Ids a client can send that cannot be ours: null or a clear error, never an internal one."""

import pytest
from strawberry.relay import to_base64

HUGE = ["99999999999", "²", "1" * 5000, "0", "-1"]


@pytest.mark.parametrize("node_id", HUGE)
async def test_node_of_an_impossible_id_is_null(gql, node_id):
    result = await gql(
        "query($id: ID!) { node(id: $id) { id } }", {"id": to_base64("Order", node_id)}
    )

    assert result.errors is None
    assert result.data == {"node": None}


@pytest.mark.parametrize("node_id", HUGE)
async def test_order_by_an_impossible_id_names_the_argument(gql, node_id):
    result = await gql(
        "query($id: ID!) { order(id: $id) { id } }", {"id": to_base64("Order", node_id)}
    )

    assert [error.message for error in result.errors] == ["id: malformed id"]


@pytest.mark.parametrize("node_id", HUGE)
async def test_a_mutation_on_an_impossible_id_is_not_found(gql, node_id):
    result = await gql(
        "mutation($id: ID!) { shipOrder(input: {id: $id}) { errors { code field } } }",
        {"id": to_base64("Order", node_id)},
    )

    assert result.data == {"shipOrder": {"errors": [{"code": "NOT_FOUND", "field": "id"}]}}


async def test_a_list_of_ids_is_bounded(gql):
    ids = [to_base64("Client", n) for n in range(1, 1002)]

    result = await gql(
        "query($ids: [ID!]) { orders(filter: {clientIds: $ids}) { totalCount } }", {"ids": ids}
    )

    assert [error.message for error in result.errors] == [
        "filter.clientIds: at most 1000 ids, got 1001"
    ]


@pytest.mark.parametrize(
    "node_id", ["bad", to_base64("Foo", 1), to_base64("UserError", 1), to_base64("Query", 1)]
)
async def test_node_of_an_id_of_no_node_type_is_null(gql, node_id):
    result = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": node_id})

    assert result.errors is None
    assert result.data == {"node": None}


async def test_nodes_answers_null_for_each_id_of_no_node_type(gql, factory):
    company = await factory.company()
    ids = ["bad", to_base64("Company", company.id), to_base64("Foo", 1)]

    result = await gql("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids})

    assert result.errors is None
    assert result.data == {"nodes": [None, {"id": to_base64("Company", company.id)}, None]}


@pytest.mark.parametrize(
    ("query", "argument"),
    [
        ('{ order(id: "bad") { id } }', "id"),
        ('{ order(number: "N-1", companyId: "bad") { id } }', "companyId"),
        ('{ orders(filter: {companyIds: ["bad"]}) { totalCount } }', "filter.companyIds"),
        ('{ clients(companyIds: ["bad"]) { totalCount } }', "companyIds"),
    ],
)
async def test_a_malformed_id_in_a_query_argument_is_refused_naming_it(gql, query, argument):
    result = await gql(query)

    [error] = result.errors
    assert error.message == f"{argument}: malformed id"
    assert error.extensions == {"code": "INVALID", "argument": argument}
