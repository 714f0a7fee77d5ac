"""GET /exports/<id> on a real server: the same key, tenant and scope rules as /graphql."""

import xml.etree.ElementTree as ET

import httpx
import pytest
import sqlalchemy as sa
from strawberry.relay import from_base64

from app.export_worker import ExportWorker
from db import models
from tests.access.conftest import make_tenant, purge_companies
from tests.served import served

START = """
mutation { startOrderExport(input: {format: XML}) {
  bulkOperation { id } errors { code field message } } }
"""
JOB = "query J($id: ID!) { orderExport(id: $id) { status export { downloadUrl expiresAt } } }"


@pytest.fixture
async def two_tenants(sessions):
    a, b = await make_tenant(sessions), await make_tenant(sessions)
    yield a, b
    async with sessions() as session:
        await session.execute(
            sa.delete(models.BulkOperation).where(models.BulkOperation.kind == "EXPORT")
        )
        await session.commit()
    await purge_companies(sessions, [a.code, b.code])


async def graphql(http: httpx.AsyncClient, key: str, query: str, variables=None) -> dict:
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def test_only_keys_that_may_read_the_orders_download_the_export(
    settings_for, keys, two_tenants, engine, tmp_path, sessions
):
    a, b = two_tenants
    settings = settings_for(export_dir=tmp_path)
    reader = await keys.issue(["order.read"], [a.code])
    other_company = await keys.issue(["order.read"], [b.code])
    both_companies = await keys.issue(["order.read"], [a.code, b.code])
    writer_only = await keys.issue(["order.write"], [a.code])

    async with served(settings) as url, httpx.AsyncClient(base_url=url) as http:
        started = (await graphql(http, reader.plain, START))["startOrderExport"]
        assert started["errors"] == []
        job_id = started["bulkOperation"]["id"]
        pending = (await graphql(http, reader.plain, JOB, {"id": job_id}))["orderExport"]
        assert pending == {"status": "CREATED", "export": {"downloadUrl": None, "expiresAt": None}}
        assert (
            await http.get(f"/exports/{job_id}", headers=_bearer(reader.plain))
        ).status_code == 409

        assert await ExportWorker(engine, settings).run_once()
        job = (await graphql(http, reader.plain, JOB, {"id": job_id}))["orderExport"]
        link = job["export"]["downloadUrl"]

        got = await http.get(link, headers=_bearer(reader.plain))
        assert got.status_code == 200, got.text
        assert got.headers["content-type"].startswith("application/xml")
        numbers = [i.findtext("numOrder") for i in ET.fromstring(got.content).iter("item")
                   if i.find("numOrder") is not None]  # fmt: skip
        assert numbers == [a.order_number]  # company A's order only

        # a key for both companies may read all the export holds; one for B alone may not
        assert (await http.get(link, headers=_bearer(both_companies.plain))).status_code == 200
        refused = await http.get(link, headers=_bearer(other_company.plain))
        assert refused.status_code == 404
        assert refused.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        assert (await http.get(link)).status_code == 401
        assert (await http.get(link, headers=_bearer("oak_nope_nope"))).status_code == 401
        assert (await http.get(link, headers=_bearer(writer_only.plain))).status_code == 403
        assert (
            await http.get("/exports/garbage", headers=_bearer(reader.plain))
        ).status_code == 404

        _, operation_id = from_base64(job_id)
        async with sessions() as session:
            await session.execute(
                sa.update(models.OrderExport)
                .where(models.OrderExport.operation_id == int(operation_id))
                .values(expires_at=sa.func.now() - sa.text("interval '1 second'"))
            )
            await session.commit()
        gone = await http.get(link, headers=_bearer(reader.plain))
        assert gone.status_code == 410
        files = list(tmp_path.iterdir())
        assert not await ExportWorker(engine, settings).run_once()  # idle: it sweeps
        assert len(files) == 1
        assert list(tmp_path.iterdir()) == []  # the expired file is deleted
        assert (await http.get(link, headers=_bearer(reader.plain))).status_code == 410
        job = (await graphql(http, reader.plain, JOB, {"id": job_id}))["orderExport"]
        assert job["export"]["downloadUrl"] is None


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
