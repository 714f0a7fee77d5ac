"""`orders-api serve` as deployed: figures add up across processes, and JSON logs parse.

Two server processes share one metrics folder (PROMETHEUS_MULTIPROC_DIR), as the processes of
one server do: a scrape of either counts the requests both answered.
"""

import json
from contextlib import AsyncExitStack

import httpx
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import AsyncSession

from app.api_keys import issue_key
from db import models
from tests.served import serve_command

COUNTED = "query Counted { orders(first: 1) { totalCount } }"


def requests_named(text: str, operation: str) -> float:
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "orders_api_graphql_operations_total"
        and sample.labels.get("operation") == operation
    )


async def test_two_processes_report_one_servers_figures_in_json_logs(
    database_url, engine, tmp_path
):
    async with AsyncSession(engine) as session:
        key = await issue_key(session, name="processes", company_codes=None, scopes=["admin"])
    env = {
        "DATABASE_URL": database_url,
        "BULK_WORKER_ENABLED": "false",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        "LOG_FORMAT": "json",
    }
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    headers = {"authorization": f"Bearer {key.plain}"}
    try:
        async with AsyncExitStack() as stack:
            urls = [(await stack.enter_async_context(serve_command(env, log)))[0] for log in logs]
            for n, url in enumerate([urls[0]] * 3 + [urls[1]] * 2):
                async with httpx.AsyncClient(base_url=url, headers=headers) as http:
                    answer = await http.post(
                        "/graphql", json={"query": COUNTED}, headers={"x-request-id": f"mp-{n}"}
                    )
                assert "errors" not in answer.json()
            async with httpx.AsyncClient(base_url=urls[1]) as http:
                figures = (await http.get("/metrics")).text
    finally:
        async with AsyncSession(engine) as session, session.begin():
            await session.execute(sa.delete(models.ApiKey).where(models.ApiKey.id == key.id))

    assert requests_named(figures, "Counted") == 5
    lines = [json.loads(line) for log in logs for line in log.read_text().splitlines()]
    answered = {line["request_id"]: line for line in lines if line.get("path") == "/graphql"}
    assert sorted(answered) == [f"mp-{n}" for n in range(5)]
    for line in answered.values():
        assert line["level"] == "info"
        assert line["status"] == 200
        assert line["operation"] == "Counted"
        assert line["read_path"] == "compiled"
        assert line["api_key_id"] == key.id
        assert line["duration_ms"] > 0
        assert line["time"].endswith("Z")
