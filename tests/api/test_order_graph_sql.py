"""The reference read path reads the nested order graph in a fixed number of statements.

The compiled read path answers this query in one statement (test_compiled_reads.py); these tests
switch it off to pin the DataLoader path that every query it cannot compile still takes.
"""

from decimal import Decimal

import pytest

ORDER_GRAPH = """
query Graph($first: Int!) {
  orders(first: $first) {
    edges {
      cursor
      node {
        id number status totalAmount
        company { code name }
        client { name addresses { addressLine isShipping } }
        agent { name }
        season { code }
        discounts { sequence rate amount }
        lines {
          quantity unitPrice amount
          product { code name }
          discounts { rate amount }
        }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"compiled_reads_enabled": False})


@pytest.fixture
async def many_orders(factory):
    companies = [await factory.company() for _ in range(2)]
    for company in companies:
        agent = await factory.agent(company)
        season = await factory.season(company)
        products = [await factory.product(company) for _ in range(5)]
        clients = [await factory.client(company) for _ in range(3)]
        for client in clients:
            await factory.address(client)
        for n in range(60):
            await factory.order(
                company,
                clients[n % 3],
                [(product, n % 4 + 1, Decimal("9.90")) for product in products],
                line_discounts=[Decimal("0.05")],
                header_discounts=[Decimal("0.10")],
                agent_id=agent.id,
                season_id=season.id,
            )


async def _statements_for(gql, sql_statements, first):
    sql_statements.clear()
    result = await gql(ORDER_GRAPH, {"first": first})
    assert result.errors is None, result.errors
    assert len(result.data["orders"]["edges"]) == first
    return len(sql_statements)


async def test_a_page_of_100_issues_as_many_statements_as_a_page_of_10(
    gql, sql_statements, many_orders
):
    for_ten = await _statements_for(gql, sql_statements, 10)
    for_hundred = await _statements_for(gql, sql_statements, 100)

    assert for_ten == for_hundred
    # the principal's companies, the page, then one batch each: companies, partners (clients and
    # agents together), seasons, header discounts, lines, addresses, products, line discounts
    assert for_hundred == 10


async def test_the_graph_resolves_every_nested_field(gql, many_orders):
    result = await gql(ORDER_GRAPH, {"first": 3})

    assert result.errors is None
    order = result.data["orders"]["edges"][0]["node"]
    assert order["company"]["code"].startswith("C")
    assert order["client"]["addresses"][0]["isShipping"] is True
    assert order["agent"]["name"]
    assert order["season"]["code"]
    assert [d["rate"] for d in order["discounts"]] == ["0.1000"]
    assert len(order["lines"]) == 5
    assert all(line["product"]["code"] for line in order["lines"])
    assert all(line["discounts"][0]["rate"] == "0.0500" for line in order["lines"])
