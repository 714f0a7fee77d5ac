"""LOG_FORMAT=json: every line is one JSON object, and a masked error's line names its request.

The client of a masked error sees only "Internal error" and a request id; the operator must find
the traceback from that id alone.
"""

import io
import json
import logging
from collections.abc import Iterator

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.api_keys import issue_key
from app.observability import configure_logging
from app.settings import Settings
from db import models
from db.queries import catalog
from tests.served import served


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    """The process's log lines, as JSON, for the test; the test setup's logging afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    written = io.StringIO()
    configure_logging("info", "json", stream=written)
    yield written
    root.handlers[:] = handlers
    root.setLevel(level)


async def test_a_masked_errors_log_line_carries_the_request_id_the_client_saw(
    json_logs, database_url, engine, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug in the companies query")

    monkeypatch.setattr(catalog, "select_companies", broken)
    async with AsyncSession(engine) as session:
        key = await issue_key(session, name="json-logs", company_codes=None, scopes=["admin"])
    settings = Settings(  # type: ignore[call-arg]
        database_url=database_url,
        bulk_worker_enabled=False,
        compiled_reads_enabled=False,  # the broken query is the reference path's
        _env_file=None,
    )
    headers = {"authorization": f"Bearer {key.plain}"}
    try:
        async with served(settings) as url, httpx.AsyncClient(base_url=url, headers=headers) as h:
            json_logs.seek(0)  # start-up lines: only this request's are looked at
            json_logs.truncate()
            response = await h.post(
                "/graphql", json={"query": "query Broken { companies { totalCount } }"}
            )
        output = json_logs.getvalue()
    finally:
        async with AsyncSession(engine) as session, session.begin():
            await session.execute(sa.delete(models.ApiKey).where(models.ApiKey.id == key.id))

    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "INTERNAL"
    request_id = error["extensions"]["requestId"]
    lines = [json.loads(line) for line in output.splitlines()]  # every line parses
    [failure] = [line for line in lines if line["level"] == "error"]
    assert failure["request_id"] == request_id
    assert failure["operation"] == "Broken"
    assert failure["api_key_id"] == key.id
    assert "a bug in the companies query" in json.dumps(failure["exception"])
    [request] = [line for line in lines if line.get("path") == "/graphql"]
    assert request["request_id"] == request_id
    assert request["status"] == 200
    assert request["outcome"] == "INTERNAL"
    assert request["read_path"] == "reference"
    assert list(request)[:3] == ["time", "level", "message"]
