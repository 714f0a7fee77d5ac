"""Bounded queries over HTTP: depth, aliases, tokens, cost and page size; and error hygiene.

Each bound is tried at its limit (answered) and one over (refused before anything runs, with
LIMIT_EXCEEDED naming the bound and the numbers).
"""

import itertools

import pytest
import sqlalchemy as sa

from db import models
from db.queries import catalog
from graphql_schema.machinery.limits import INTROSPECTION_COST
from tests.access.conftest import answer, codes_of, data, http, post, running, unique

DEPTH, ALIASES, TOKENS, COST = 5, 3, 200, 100


@pytest.fixture
def tokens_only(settings_for):
    return settings_for(max_query_tokens=TOKENS, max_field_repeats=TOKENS)


@pytest.fixture
def bounded(settings_for):
    return settings_for(
        max_query_depth=DEPTH,
        max_query_aliases=ALIASES,
        max_query_tokens=TOKENS,
        max_query_cost=COST,
    )


def deep(depth: int) -> str:
    """A query exactly `depth` fields deep: orders > nodes > client > orders > ... > a leaf."""
    steps = list(
        itertools.islice(itertools.cycle(["orders(first: 1)", "nodes", "client"]), depth - 1)
    )
    leaf = "totalCount" if steps[-1].startswith("orders") else "id"
    return "{ " + " { ".join([*steps, leaf]) + " }" * (depth - 1) + " }"


def aliased(count: int) -> str:
    return (
        "{ " + " ".join(f"a{n}: companies(first: 1) {{ totalCount }}" for n in range(count)) + " }"
    )


def tokens(count: int) -> str:
    """A query of exactly `count` lexical tokens: `{ companies { totalCount } }` is 6.

    The padding is `__typename`, repeated: the bound on repeated fields is lifted where this is
    used (`tokens_only`), so that only the token count can refuse it.
    """
    return "{ companies { totalCount } " + "__typename " * (count - 6) + "}"


def refusal(bound: str, actual: int, limit: int) -> dict:
    return {
        "message": f"query {bound} is {actual}, over the limit of {limit}",
        "extensions": {"code": "LIMIT_EXCEEDED", "bound": bound, "actual": actual, "limit": limit},
    }


@pytest.mark.parametrize(
    ("bound", "build", "limit"),
    [("depth", deep, DEPTH), ("aliases", aliased, ALIASES)],
)
async def test_a_bound_admits_its_limit_and_refuses_one_more(
    client_for, bounded, sql_run, bound, build, limit
):
    async with client_for(bounded) as client:
        sql_run.clear()
        at_limit = await answer(client, build(limit))
        assert "errors" not in at_limit, at_limit
        assert sql_run, "the query at the limit ran"
        sql_run.clear()
        over = await answer(client, build(limit + 1))
    assert over["data"] is None
    assert over["errors"] == [refusal(bound, limit + 1, limit)]
    assert sql_run == []


async def test_the_cost_bound_admits_its_limit_and_refuses_one_more(client_for, bounded, sql_run):
    at_limit = "{ orders(first: 100) { totalCount } }"
    over = "{ orders(first: 100) { totalCount } companies(first: 1) { totalCount } }"
    by_variable = "query Q($n: Int!) { orders(first: $n) { totalCount } }"
    async with client_for(bounded) as client:
        admitted = await answer(client, at_limit)
        sql_run.clear()
        refused = await answer(client, over)
        refused_by_variable = await answer(client, by_variable, {"n": COST + 1})
    assert "errors" not in admitted
    assert admitted["extensions"]["cost"]["requestedQueryCost"] == COST
    assert refused["data"] is None
    assert refused["errors"] == [refusal("cost", COST + 1, COST)]
    assert refused_by_variable["errors"] == [refusal("cost", COST + 1, COST)]
    assert sql_run == []


async def test_a_mutation_over_a_bound_writes_nothing(client_for, settings_for, sessions):
    code = unique("COST")
    mutation = """mutation M($code: String!) {
      createCompany(input: { code: $code, name: "Too dear" }) { company { id } errors { code } }
    }"""  # cost: the mutation 1, company 1, errors a list of 10
    async with client_for(settings_for(max_query_cost=11), scopes=["admin"]) as client:
        body = await answer(client, mutation, {"code": code})
    assert body["errors"] == [refusal("cost", 12, 11)]
    async with sessions() as session:
        assert await session.scalar(sa.select(models.Company).filter_by(code=code)) is None


async def test_tokens_admit_their_limit_and_refuse_one_more_before_execution(
    client_for, tokens_only, sql_run
):
    async with client_for(tokens_only) as client:
        admitted = await answer(client, tokens(TOKENS))
        sql_run.clear()
        refused = await answer(client, tokens(TOKENS + 1))
    assert "errors" not in admitted
    assert refused["data"] is None
    [error] = refused["errors"]
    assert f"Document contains more than {TOKENS} tokens" in error["message"]
    assert sql_run == []


async def test_a_token_refusal_says_limit_exceeded_and_the_limit(client_for, tokens_only):
    async with client_for(tokens_only) as client:
        refused = await answer(client, tokens(TOKENS + 1))
    [error] = refused["errors"]
    assert error["extensions"] == {"code": "LIMIT_EXCEEDED", "bound": "tokens", "limit": TOKENS}


async def test_aliases_of_introspection_fields_count_too(client_for, bounded):
    copies = " ".join(f"s{n}: __schema {{ types {{ name }} }}" for n in range(ALIASES + 1))
    async with client_for(bounded) as client:
        body = await answer(client, f"{{ {copies} }}")
    assert body["data"] is None
    assert body["errors"] == [refusal("aliases", ALIASES + 1, ALIASES)]


async def test_introspection_costs_a_flat_amount_and_its_nesting_is_capped(
    client_for, settings_for
):
    nested = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }"
    async with client_for(settings_for()) as client:
        flat = await answer(
            client, "{ __schema { types { fields { type { name ofType { name } } } } } }"
        )
        refused = await answer(client, nested)
    assert "errors" not in flat
    assert flat["extensions"]["cost"]["requestedQueryCost"] == INTROSPECTION_COST
    assert refused["data"] is None
    assert [e["message"] for e in refused["errors"]] == ["Maximum introspection depth exceeded"]


async def test_introspection_fields_count_for_depth(client_for, bounded):
    chain = '{ __type(name: "Order") { ' + "ofType { " * (DEPTH - 1) + "name" + " }" * DEPTH + " }"
    async with client_for(bounded) as client:
        refused = await answer(client, chain)
        admitted = await answer(client, '{ __type(name: "Order") { ofType { ofType { name } } } }')
    assert refused["errors"] == [refusal("depth", DEPTH + 1, DEPTH)]
    assert admitted["data"] == {"__type": {"ofType": None}}


# --- page size -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("{ orders(first: 101) { totalCount } }", "first: must be at most 100, got 101"),
        ("{ products(last: 101) { totalCount } }", "last: must be at most 100, got 101"),
        (
            "{ clients(first: 1) { nodes { orders(first: 101) { totalCount } } } }",
            "first: must be at most 100, got 101",
        ),
    ],
    ids=["first", "last", "nested"],
)
async def test_a_page_over_100_is_refused(client_for, tenants, query, message):
    a, _ = tenants
    async with client_for(companies=[a.code]) as client:
        body = await answer(client, query)
        admitted = await answer(client, query.replace("101", "100"))
    assert [e["message"] for e in body["errors"]] == [message]
    assert [e["extensions"] for e in body["errors"]] == [
        {"code": "INVALID", "argument": message.split(":")[0]}
    ]
    assert "errors" not in admitted


# --- messages, introspection, transport ----------------------------------------------------------


@pytest.mark.parametrize(
    ("environment", "typo", "suggested"),
    [("production", "ordrs", False), ("development", "ordes", True)],
)
async def test_did_you_mean_only_in_development(
    client_for, settings_for, environment, typo, suggested
):
    async with client_for(settings_for(environment=environment)) as client:
        body = await answer(client, f"{{ {typo} {{ totalCount }} }}")
    [error] = body["errors"]
    assert error["message"].startswith(f"Cannot query field '{typo}' on type 'Query'.")
    assert ("Did you mean" in error["message"]) is suggested


@pytest.mark.parametrize(
    "query",
    [
        "{ orders(first: 1, filter: {statuz: [PENDING]}) { totalCount } }",
        'mutation { cancelOrder(input: {id: "T3JkZXI6MQ==", reasonCode: OTHER, version: 1})'
        " { errors { code } } }",
    ],
    ids=["filter-field", "mutation-input-field"],
)
@pytest.mark.parametrize(
    ("environment", "suggested"), [("production", False), ("development", True)]
)
async def test_did_you_mean_inside_a_message_only_in_development(
    client_for, settings_for, query, environment, suggested
):
    """graphql-core goes on after the hint for input fields ("... Did you mean 'status'? Found:
    {...}"): the hint goes, the rest stays."""
    async with client_for(settings_for(environment=environment)) as client:
        body = await answer(client, query)
    messages = [error["message"] for error in body["errors"]]
    assert any("not to include unknown field" in message for message in messages)
    assert any("Did you mean" in message for message in messages) is suggested
    assert all(error["extensions"]["code"] == "INVALID" for error in body["errors"])


async def test_suggestions_survive_an_earlier_production_request(client_for, settings_for):
    query = "{ orderrs { totalCount } }"
    async with client_for(settings_for(environment="production")) as client:
        await answer(client, query)
    async with client_for(settings_for(environment="development")) as client:
        body = await answer(client, query)
    assert "Did you mean" in body["errors"][0]["message"]


async def test_introspection_is_on_by_default(client_for):
    async with client_for() as client:
        found = await data(client, "{ __schema { types { name } } }")
    assert {"Order", "Client", "Query", "Mutation"} <= {
        t["name"] for t in found["__schema"]["types"]
    }


@pytest.mark.parametrize(
    "query", ["{ __schema { types { name } } }", '{ __type(name: "Order") { name } }']
)
async def test_introspection_can_be_turned_off(client_for, settings_for, query):
    async with client_for(settings_for(introspection_enabled=False)) as client:
        body = await answer(client, query)
        typename = await data(client, "{ __typename }")
    assert body["data"] is None
    assert body["errors"][0]["message"].startswith("GraphQL introspection has been disabled")
    assert typename == {"__typename": "Query"}


def create_company(code: str) -> str:
    company = f'{{ code: "{code}", name: "N" }}'
    return f"mutation {{ createCompany(input: {company}) {{ errors {{ code }} }} }}"


async def test_mutations_over_get_are_refused(client_for, sessions):
    code = unique("GET")
    mutation = create_company(code)
    async with client_for(scopes=["admin"]) as client:
        refused = await client.get("/graphql", params={"query": mutation})
        query = await client.get("/graphql", params={"query": "{ companies { totalCount } }"})
    assert refused.status_code in (400, 405)
    assert "mutations are not allowed when using GET" in refused.text
    assert query.status_code == 200
    async with sessions() as session:
        assert await session.scalar(sa.select(models.Company).filter_by(code=code)) is None


async def test_batched_requests_are_refused(client_for, sessions, sql_run):
    code = unique("BATCH")
    mutation = create_company(code)
    async with client_for(scopes=["admin"]) as client:
        sql_run.clear()
        response = await client.post(
            "/graphql", json=[{"query": "{ companies { totalCount } }"}, {"query": mutation}]
        )
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"].startswith("batched operations are not")
    assert sql_run == []
    async with sessions() as session:
        assert await session.scalar(sa.select(models.Company).filter_by(code=code)) is None


@pytest.mark.parametrize("given_id", [None, "trace-42"])
async def test_unexpected_errors_are_masked_with_the_request_id(
    settings_for, keys, monkeypatch, given_id
):
    def broken(*args, **kwargs):
        raise RuntimeError("secret SQL here: SELECT * FROM api_keys")

    monkeypatch.setattr(catalog, "select_companies", broken)
    headers = {"x-request-id": given_id} if given_id else {}
    async with running(settings_for()) as app:
        issued = await keys.issue()
        async with http(app, issued.plain) as client:
            response = await post(client, "{ companies { totalCount } }", headers=headers)
    assert response.status_code == 200
    request_id = response.headers["x-request-id"]
    assert request_id == (given_id or request_id)
    body = response.json()
    assert body["data"] is None
    assert [(e["message"], e["extensions"]) for e in body["errors"]] == [
        ("Internal error", {"code": "INTERNAL", "requestId": request_id})
    ]
    assert codes_of(body) == ["INTERNAL"]
    for leak in ("secret", "SELECT", "RuntimeError", "Traceback"):
        assert leak not in response.text
