"""Malformed and oversized request envelopes: a 4xx with a JSON error, never a 500.

Each test sends the hostile request to a real uvicorn server and then checks that the server
still answers a good request and that no order was written.
"""

import json

import pytest

from tests.hostile.conftest import BULK_REQUEST_BYTES, JSON_DEPTH, QUERY_BYTES, REQUEST_BYTES

GOOD = "{ orders(first: 1) { totalCount } }"
JSON = {"content-type": "application/json"}


async def still_serves(hostile) -> None:
    response = await hostile.admin.post("/graphql", json={"query": GOOD})
    assert response.status_code == 200
    assert "errors" not in response.json()


def error_of(response) -> dict:
    assert response.headers["content-type"].startswith("application/json")
    [error] = response.json()["errors"]
    return error


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'"x"', "the body must be a JSON object"),
        (b"1", "the body must be a JSON object"),
        (b"null", "the body must be a JSON object"),
        (b"true", "the body must be a JSON object"),
        (b'[{"query": "{ __typename }"}]', "batched operations are not supported"),
        (b"[1]", "batched operations are not supported"),
        (b"", "the body is empty"),
        (b"   ", "the body is empty"),
        (b"{", "the body is not valid JSON"),
        (b'{"query": "\xff\xfe"}', "the body is not valid JSON in UTF-8"),
        (b"[" * 2000 + b"]" * 2000, "the body is not valid JSON"),  # past orjson's 1,024 levels
        (b'{"query": 1}', "`query` must be a non-empty string"),
        (b'{"query": ""}', "`query` must be a non-empty string"),
        (b'{"variables": {}}', "`query` must be a non-empty string"),
        (b'{"query": "{ __typename }", "variables": [1]}', "`variables` must be a JSON object"),
        (b'{"query": "{ __typename }", "variables": "x"}', "`variables` must be a JSON object"),
        (b'{"query": "{ __typename }", "extensions": 2}', "`extensions` must be a JSON object"),
        (b'{"query": "{ __typename }", "operationName": 3}', "`operationName` must be a string"),
    ],
)
async def test_a_malformed_body_is_a_400_with_a_json_error(hostile, body, message):
    before = await hostile.orders()

    response = await hostile.caller.post("/graphql", content=body, headers=JSON)

    assert response.status_code == 400
    error = error_of(response)
    assert error["message"].startswith(message)
    assert error["extensions"]["code"] == "BAD_REQUEST"
    await still_serves(hostile)
    assert await hostile.orders() == before


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
async def test_a_body_that_is_not_json_by_its_content_type_is_a_400(hostile, content_type):
    body = json.dumps({"query": GOOD}).encode()

    response = await hostile.caller.post(
        "/graphql", content=body, headers={"content-type": content_type}
    )

    assert response.status_code == 400
    assert error_of(response)["message"] == "send the request as Content-Type: application/json"
    await still_serves(hostile)


async def test_variables_nested_past_the_bound_are_refused_before_graphql(hostile):
    deep: object = 1
    for _ in range(JSON_DEPTH):
        deep = [deep]
    body = {"query": GOOD, "variables": {"v": deep}}  # the object itself is one more level

    response = await hostile.caller.post("/graphql", json=body)

    assert response.status_code == 400
    assert error_of(response)["extensions"] == {
        "code": "LIMIT_EXCEEDED",
        "bound": "jsonDepth",
        "limit": JSON_DEPTH,
    }
    await still_serves(hostile)


async def test_variables_just_within_the_depth_bound_pass(hostile):
    deep: object = 1
    for _ in range(JSON_DEPTH - 1):
        deep = [deep]

    response = await hostile.caller.post("/graphql", json={"query": GOOD, "variables": {"v": deep}})

    assert response.status_code == 200
    assert "errors" not in response.json()


async def test_a_body_over_the_bound_is_a_413_whether_declared_or_streamed(hostile):
    padding = "x" * REQUEST_BYTES
    declared = await hostile.caller.post(
        "/graphql", json={"query": GOOD, "variables": {"unused": padding}}
    )

    async def chunks():
        yield b'{"query": "{ __typename }", "variables": {"unused": "'
        for _ in range(REQUEST_BYTES // 1024 + 1):
            yield b"x" * 1024
        yield b'"}}'

    streamed = await hostile.caller.post("/graphql", content=chunks(), headers=JSON)

    for response in (declared, streamed):
        assert response.status_code == 413
        assert error_of(response)["extensions"] == {
            "code": "LIMIT_EXCEEDED",
            "bound": "requestBytes",
            "limit": REQUEST_BYTES,
        }
    await still_serves(hostile)


async def test_a_key_that_may_start_background_jobs_may_send_a_bigger_body(hostile):
    # between the two bounds: refused for a partner's key, accepted for a bulk key
    body = {"query": "{ __typename }", "variables": {"unused": "x" * (REQUEST_BYTES * 2)}}

    assert (await hostile.caller.post("/graphql", json=body)).status_code == 413
    assert (await hostile.bulk.post("/graphql", json=body)).status_code == 200
    too_big = {**body, "variables": {"unused": "x" * BULK_REQUEST_BYTES}}
    assert (await hostile.bulk.post("/graphql", json=too_big)).status_code == 413


async def test_a_document_over_its_bound_is_a_413_before_parsing(hostile):
    padded = GOOD + " #" + "x" * QUERY_BYTES  # a comment: no tokens, only bytes

    response = await hostile.caller.post("/graphql", json={"query": padded})

    assert response.status_code == 413
    assert error_of(response)["extensions"] == {
        "code": "LIMIT_EXCEEDED",
        "bound": "queryBytes",
        "limit": QUERY_BYTES,
    }
    await still_serves(hostile)


@pytest.mark.parametrize(
    ("query_string", "status", "message"),
    [
        ("query=%FF%FE", 400, "the query string is not valid UTF-8"),
        ("query={ __typename }&variables=[", 400, "`variables` is not valid JSON"),
        ("query={ __typename }&variables=[1]", 400, "`variables` must be a JSON object"),
        ("variables={}", 400, "`query` must be a non-empty string"),
        ("query=" + "x" * (QUERY_BYTES + 1), 413, "the document (`query`) is larger"),
        ("query=mutation { __typename }", 400, "mutations are not allowed when using GET"),
    ],
)
async def test_a_malformed_get_request_is_a_4xx_with_a_json_error(
    hostile, query_string, status, message
):
    response = await hostile.caller.get(f"/graphql?{query_string}")

    assert response.status_code == status
    error = error_of(response)
    if message is not None:
        assert error["message"].startswith(message)
    await still_serves(hostile)


async def test_a_good_get_query_still_answers(hostile):
    response = await hostile.caller.get("/graphql", params={"query": GOOD})

    assert response.status_code == 200
    assert response.json()["data"]["orders"]["totalCount"] >= 0


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("PUT", "/graphql", 405, "METHOD_NOT_ALLOWED"),
        ("DELETE", "/graphql", 405, "METHOD_NOT_ALLOWED"),
        ("GET", "/nope", 404, "NOT_FOUND"),
    ],
)
async def test_an_unknown_path_or_method_is_a_json_error(hostile, method, path, status, code):
    response = await hostile.caller.request(method, path)

    assert response.status_code == status
    assert error_of(response)["extensions"]["code"] == code
