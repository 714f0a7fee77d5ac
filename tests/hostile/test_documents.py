"""Documents built to cost the server: repeated fields, piled-up directives, deep chains.

Each is refused with LIMIT_EXCEEDED and the bound it passed, over a real server, which then
still answers.
"""

import pytest

from tests.hostile.conftest import DIRECTIVES, FIELD_REPEATS
from tests.hostile.test_envelope import still_serves


async def refusal_of(hostile, query: str) -> dict:
    response = await hostile.caller.post("/graphql", json={"query": query})
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    [error] = body["errors"]
    return error["extensions"]


@pytest.mark.parametrize(
    ("query", "bound", "actual", "limit"),
    [
        ("{ " + "__typename " * 150 + "}", "fieldRepeats", 150, FIELD_REPEATS),
        (
            "{ orders(first: 1) { nodes { " + "id " * (FIELD_REPEATS + 1) + "} } }",
            "fieldRepeats",
            FIELD_REPEATS + 1,
            FIELD_REPEATS,
        ),
        ("{ " + "t: __typename " * 50 + "}", "fieldRepeats", 50, FIELD_REPEATS),
        ("{ __typename" + " @aa" * 200 + " }", "directives", 200, DIRECTIVES),
        (
            "{ __typename" + " @include(if: true)" * (DIRECTIVES + 1) + " }",
            "directives",
            DIRECTIVES + 1,
            DIRECTIVES,
        ),
        (
            '{ __type(name: "Order") { ' + "ofType { " * 30 + "name" + " }" * 31 + " }",
            "depth",
            32,
            15,
        ),
        ("{ " + "...{ __typename } " * 100 + "}", "fieldRepeats", 100, FIELD_REPEATS),
        (
            "{ "
            + " ".join(f"...F{n}" for n in range(FIELD_REPEATS + 1))
            + " } "
            + " ".join(
                f"fragment F{n} on Query {{ __typename }}" for n in range(FIELD_REPEATS + 1)
            ),
            "fieldRepeats",
            FIELD_REPEATS + 1,
            FIELD_REPEATS,
        ),
    ],
    ids=[
        "150 copies",
        "copies in a nested set",
        "one alias",
        "unknown",
        "known",
        "ofType chain",
        "inline fragments",
        "spreads of fragments",
    ],
)
async def test_a_costly_document_is_refused_with_its_bound(hostile, query, bound, actual, limit):
    extensions = await refusal_of(hostile, query)

    assert extensions == {
        "code": "LIMIT_EXCEEDED",
        "bound": bound,
        "actual": actual,
        "limit": limit,
    }
    await still_serves(hostile)


async def test_fields_at_their_repeat_bound_are_answered(hostile):
    response = await hostile.caller.post(
        "/graphql", json={"query": "{ " + "__typename " * FIELD_REPEATS + "}"}
    )

    assert response.json()["data"] == {"__typename": "Query"}


async def test_a_document_nested_past_the_parser_bound_is_a_clear_error(hostile):
    response = await hostile.caller.post("/graphql", json={"query": "{a" * 400 + "}" * 400})

    [error] = response.json()["errors"]
    assert "nested too deeply" in error["message"]
    assert error["extensions"]["code"] == "INVALID"
    await still_serves(hostile)
