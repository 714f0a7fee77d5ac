"""Random bytes and random JSON as the request body: the server never answers 5xx.

Hypothesis drives a blocking client from a worker thread while the server runs on the test's
event loop; the examples are bounded in count, so the test ends by itself.
"""

import asyncio
import json

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=30,
)
requests_like = st.fixed_dictionaries(
    {},
    optional={
        "query": st.text(max_size=60)
        | st.sampled_from(["{ __typename }", "{ orders { totalCount } }"]),
        "variables": json_values,
        "operationName": json_values,
        "extensions": json_values,
    },
)
bodies = st.one_of(
    st.binary(max_size=300),
    json_values.map(lambda value: json.dumps(value).encode()),
    requests_like.map(lambda value: json.dumps(value).encode()),
)


async def test_no_body_makes_the_server_answer_5xx(hostile):
    headers = dict(hostile.caller.headers) | {"content-type": "application/json"}

    def fuzz() -> list[tuple[bytes, int]]:
        failures: list[tuple[bytes, int]] = []
        with httpx.Client(base_url=hostile.url, headers=headers, timeout=60) as client:

            @settings(
                max_examples=300,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(body=bodies)
            def send(body: bytes) -> None:
                status = client.post("/graphql", content=body).status_code
                if status >= 500:
                    failures.append((body, status))
                assert status < 500, body

            send()
        return failures

    assert await asyncio.to_thread(fuzz) == []
    answer = await hostile.caller.post("/graphql", json={"query": "{ __typename }"})
    assert answer.json()["data"] == {"__typename": "Query"}
