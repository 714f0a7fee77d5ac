"""`serve` with WORKERS=2: both workers answer, and a key's budget and the figures are one server's.

Each request goes on a fresh connection, which SO_REUSEPORT hands to a worker by its address:
forty of them all landing on one worker would be a one-in-a-trillion chance.
"""

import json

import httpx
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import AsyncSession

from app.api_keys import issue_key
from db import models
from tests.served import serve_command

BUDGET = 20  # points: a query of cost c gets BUDGET // c answers, whichever worker answers
COUNTED = "query Counted { orders(first: 1) { totalCount } }"


async def test_two_workers_serve_one_port_with_one_budget_and_one_set_of_figures(
    database_url, engine, tmp_path
):
    async with AsyncSession(engine) as session:
        key = await issue_key(session, name="workers", company_codes=None, scopes=["admin"])
    env = {
        "DATABASE_URL": database_url,
        "WORKERS": "2",
        "BULK_WORKER_ENABLED": "false",
        "LOG_FORMAT": "json",
        "RATE_LIMIT_CAPACITY": str(BUDGET),
        "RATE_LIMIT_RESTORE_RATE": "0.0001",
        "MAX_QUERY_COST": str(BUDGET),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
    }
    log = tmp_path / "serve.log"
    answers = []
    try:
        async with serve_command(env, log) as (url, _):
            for _ in range(40):
                async with httpx.AsyncClient(
                    base_url=url, headers={"authorization": f"Bearer {key.plain}"}
                ) as http:  # a fresh connection each time
                    answers.append((await http.post("/graphql", json={"query": COUNTED})).json())
            async with httpx.AsyncClient(base_url=url) as http:
                figures = (await http.get("/metrics")).text
    finally:
        async with AsyncSession(engine) as session, session.begin():
            await session.execute(sa.delete(models.ApiKey).where(models.ApiKey.id == key.id))

    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    serving = {line["pid"] for line in lines if line.get("path") == "/graphql"}
    assert len(serving) == 2  # both workers answered

    cost = answers[0]["extensions"]["cost"]["requestedQueryCost"]
    allowed = [answer for answer in answers if "errors" not in answer]
    assert len(allowed) == BUDGET // cost  # one budget, not one per worker
    assert all(a["errors"][0]["extensions"]["code"] == "THROTTLED" for a in answers[len(allowed) :])

    counted = sum(
        sample.value
        for family in text_string_to_metric_families(figures)
        for sample in family.samples
        if sample.name == "orders_api_graphql_operations_total"
        and sample.labels.get("operation") == "Counted"
    )
    assert counted == 40  # a scrape of either worker counts what both answered
