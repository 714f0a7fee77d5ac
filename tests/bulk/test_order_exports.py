"""Order exports: the job writes every field of every order, as XML and as re-importable JSONL."""

import json
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from strawberry.relay import from_base64, to_base64

from app.auth import Principal
from app.domain.vocabulary import OrderStatus
from app.export_worker import ExportWorker
from app.importer import check_types, read_orders, run_import
from app.settings import Settings
from db import models
from resolvers.roots.schema import schema
from tests.bulk.conftest import Caller
from tests.factories import Factory

START = """
mutation Start($input: StartOrderExportInput!) {
  startOrderExport(input: $input) {
    bulkOperation { id kind status totalCount doneCount export { format downloadUrl } }
    errors { code field message }
  }
}
"""
JOB = """
query Job($id: ID!) {
  orderExport(id: $id) {
    status totalCount doneCount finishedAt export { format downloadUrl expiresAt }
  }
}
"""
IMPORT = """
mutation Import($orders: [ImportOrderInput!]!) {
  bulkImportOrders(input: {orders: $orders}) {
    results { status errors { code field message } } errors { code field message }
  }
}
"""
# everything an order holds that an import can carry, read back through the API to compare
ORDER_CONTENT = """
query Orders($companyIds: [ID!]) {
  orders(filter: {companyIds: $companyIds}, orderBy: NUMBER_ASC, first: 100) {
    edges { node {
      number series source externalId status type description destination observations
      orderedAt estimatedDeliveryOn confirmedAt shippedAt deliveredAt cancelledAt
      cancellationReason cancellationNote currency taxRate
      grossAmount discountAmount taxableBase taxAmount shippingAmount totalAmount
      totalQuantity deliveredQuantity
      client { code } agent { code } season { code } paymentMethod { code }
      discounts { sequence rate amount typeCode typeName }
      lines {
        position quantity units unitPrice grossAmount discountAmount amount status
        deliveredQuantity estimatedDeliveryOn observations externalId
        product { code }
        discounts { sequence rate amount typeCode typeName }
      }
    } }
  }
}
"""


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        database_url=database_url, export_dir=tmp_path, export_page_size=2, _env_file=None
    )


@pytest.fixture
def exporter(engine, settings) -> ExportWorker:
    return ExportWorker(engine, settings)


@pytest.fixture(autouse=True)
async def reference_rows(shops, engine):
    """The seasons and payment methods tests add, removed before the shops (and their orders)."""
    yield
    ids = [shop.company.id for shop in shops]
    orders = sa.select(models.Order.id).where(models.Order.company_id.in_(ids))
    async with engine.begin() as connection:
        for model in (models.OrderEvent, models.StockReservation, models.StockMovement):
            await connection.execute(sa.delete(model).where(model.order_id.in_(orders)))
        for model in (models.Order, models.Season, models.PaymentMethod):
            await connection.execute(sa.delete(model).where(model.company_id.in_(ids)))


def both(engine, caller: Caller, shops) -> Caller:
    principal = Principal(
        key_id="export-test",
        company_ids=frozenset(shop.company.id for shop in shops),
        scopes=frozenset({"admin"}),
    )
    return Caller(engine, principal, caller.settings)


async def export(caller: Caller, exporter: ExportWorker, format: str, **filter: object) -> Path:
    """Start an export, run the worker until it is done, and give the file it wrote."""
    started = (await caller(START, {"input": {"format": format, "filter": filter}}))[
        "startOrderExport"
    ]
    assert started["errors"] == []
    job_id = started["bulkOperation"]["id"]
    assert started["bulkOperation"]["kind"] == "EXPORT"
    assert started["bulkOperation"]["status"] == "CREATED"
    assert await exporter.run_once()
    assert not await exporter.run_once()  # nothing else waited
    job = (await caller(JOB, {"id": job_id}))["orderExport"]
    assert job["status"] == "COMPLETED"
    assert job["doneCount"] == job["totalCount"]
    url = job["export"]["downloadUrl"]
    assert url == f"/exports/{job_id}"
    _, operation_id = from_base64(job_id)
    suffix = ".xml" if format == "XML" else ".jsonl"
    return exporter.directory / f"export-{operation_id}{suffix}"


async def rich_order(session, shop) -> models.Order:
    """An order pointing at everything: agent, season, payment method, addresses, discounts."""
    factory = Factory(session)
    company = shop.company
    agent = await factory.agent(company, code="REP1", name="Ana <Agent> & Co")
    season = await factory.season(company, code="S25", description="Verano 2025")
    method = await factory.payment_method(company, code="CRED30", name="Credit 30")
    address = await factory.address(shop.client, external_id="ADDR-1")
    return await factory.order(
        company,
        shop.client,
        [(shop.products[0], 3, Decimal("12.50")), (shop.products[1], 1, Decimal("99.90"))],
        line_discounts=[Decimal("0.10")],
        header_discounts=[Decimal("0.05")],
        agent_id=agent.id,
        season_id=season.id,
        payment_method_id=method.id,
        shipping_address_id=address.id,
        billing_address_id=address.id,
        observations="Entregar por la mañana \x01 <b>",
    )


async def test_an_xml_export_parses_and_holds_every_field(caller, exporter, shops, engine):
    async with caller.sessions() as session:
        order = await rich_order(session, shops[0])
        plain = await Factory(session).order(
            shops[0].company, shops[0].client, [(shops[0].products[2], 1, Decimal("1.00"))]
        )
        await Factory(session).order(  # another company's: not exported
            shops[1].company, shops[1].client, [(shops[1].products[0], 1, Decimal("1.00"))]
        )

    path = await export(caller, exporter, "XML")

    root = ET.parse(path).getroot()
    assert root.tag == "export"
    items = root.findall("./data/item")
    assert [item.findtext("numOrder") for item in items] == [order.number, plain.number]
    item = items[0]
    assert item.findtext("company/code") == "BULKA"
    assert item.findtext("company/companyName") == shops[0].company.name
    assert item.findtext("client/code") == "CLI1"
    assert item.findtext("agent/code") == "REP1"
    assert item.findtext("agent/name") == "Ana <Agent> & Co"
    assert item.findtext("season/code") == "S25"
    assert item.findtext("season/description") == "Verano 2025"
    assert item.findtext("paymentMethod/code") == "CRED30"
    assert item.findtext("shippingAddress/idRemote") == "ADDR-1"
    assert item.findtext("status") == "PENDING"
    # a control character XML cannot hold is replaced, not allowed to break the file
    assert item.findtext("observation") == "Entregar por la mañana \ufffd <b>"
    header = item.findall("discount/item")
    assert [(d.findtext("discount"), d.findtext("isHeader")) for d in header] == [
        ("0.0500", "true")
    ]
    assert Decimal(header[0].findtext("amountDiscount")) == Decimal("6.18")  # 5 % of 33.75 + 89.91
    lines = item.findall("lines/item")
    assert [line.findtext("lineDetail/product/code") for line in lines] == ["P0", "P1"]
    first = lines[0]
    assert first.findtext("lineDetail/quantity") == "3"
    assert first.findtext("lineDetail/price") == "12.50"
    assert first.findtext("lineStatus") == "OPEN"
    assert first.findtext("grossAmount") == "37.50"
    assert first.findtext("lineAmount") == "33.75"
    assert [d.findtext("discount") for d in first.findall("discount/item")] == ["0.1000"]
    assert [d.findtext("isLine") for d in first.findall("discount/item")] == ["true"]
    assert Decimal(item.findtext("grossAmount")) == order.gross_amount
    assert Decimal(item.findtext("baseAmount")) == order.taxable_base
    assert Decimal(item.findtext("taxAmount")) == order.tax_amount
    assert Decimal(item.findtext("totalAmount")) == order.total_amount
    assert item.findtext("totalQuantity") == "4"
    assert item.findtext("dateOrder") == order.ordered_at.isoformat()
    assert item.findtext("dateDelivery") == order.estimated_delivery_on.isoformat()
    assert item.findtext("createdAt") is not None
    assert item.findtext("updatedAt") is not None
    assert items[1].find("agent") is None  # what an order lacks is left out
    assert root.findtext("pagination/totalItems") == "2"


async def test_a_filter_narrows_the_export_and_a_bad_one_is_refused(caller, exporter, shops):
    async with caller.sessions() as session:
        factory = Factory(session)
        for status in (OrderStatus.PENDING, OrderStatus.CANCELLED, OrderStatus.PENDING):
            await factory.order(
                shops[0].company,
                shops[0].client,
                [(shops[0].products[0], 1, Decimal("1.00"))],
                status=status,
            )

    path = await export(caller, exporter, "JSONL", status=["CANCELLED"])
    lines = path.read_text().splitlines()
    assert [json.loads(line)["status"] for line in lines] == ["CANCELLED"]

    refused = await caller(
        START, {"input": {"format": "XML", "filter": {"clientIds": ["not-an-id"]}}}
    )
    assert refused["startOrderExport"]["bulkOperation"] is None
    assert [(e["code"], e["field"]) for e in refused["startOrderExport"]["errors"]] == [
        ("INVALID", "filter.clientIds")
    ]


def imported(order_id: str, status: str, **fields: object) -> dict:
    return {
        "companyCode": "BULKA",
        "source": "ERP",
        "externalId": order_id,
        "clientCode": "CLI1",
        "status": status,
        "orderedAt": "2025-03-01T10:30:00-05:00",
        "lines": [
            {"productCode": "P0", "quantity": 4, "unitPrice": "2.50",
             "discounts": [{"rate": "0.10", "typeCode": "VOL", "typeName": "Volumen"}]},
            {"productCode": "P1", "quantity": 2, "externalId": f"{order_id}-2"},
        ],
    } | fields  # fmt: skip


async def test_a_jsonl_export_imported_into_fresh_companies_gives_the_same_orders(
    caller, exporter, shops, tmp_path, engine
):
    everywhere = both(engine, caller, shops)
    history = [
        imported("E1", "PENDING", discounts=[{"rate": "0.05", "typeCode": "PP"}],
                 shippingAmount="15.00", observations="Ünïcode ✓", type="INTERNATIONAL"),
        imported("E2", "DELIVERED", confirmedAt="2025-03-02", deliveredAt="2025-03-05"),
        imported("E3", "PARTIALLY_DELIVERED", confirmedAt="2025-03-02",
                 lines=[{"productCode": "P2", "quantity": 5, "deliveredQuantity": 2}]),
        imported("E4", "CANCELLED", cancelledAt="2025-03-03", cancellationReason="OUT_OF_STOCK",
                 cancellationNote="no stock"),
    ]  # fmt: skip
    answer = (await caller(IMPORT, {"orders": history}))["bulkImportOrders"]
    assert [r["status"] for r in answer["results"]] == ["CREATED"] * 4, answer
    async with caller.sessions() as session:  # and one made here, with no source of its own
        await rich_order(session, shops[0])

    path = await export(caller, exporter, "JSONL")
    # the other instance: a company with the same codes (clients, products) under another code
    moved = tmp_path / "moved.jsonl"
    moved.write_text(path.read_text().replace('"companyCode": "BULKA"', '"companyCode": "BULKB"'))
    async with caller.sessions() as session:  # its reference rows that the orders point at
        factory = Factory(session)
        await factory.agent(shops[1].company, code="REP1")
        await factory.season(shops[1].company, code="S25")
        await factory.payment_method(shops[1].company, code="CRED30")
        await factory.address(shops[1].client, external_id="ADDR-1")

    records = read_orders(moved)
    check_types(records, schema._schema)
    assert [r.errors for r in records] == [[]] * 5

    async def call(orders: list[dict]) -> dict:
        return (await everywhere(IMPORT, {"orders": orders}))["bulkImportOrders"]

    summary, failures = await run_import(records, call, progress=lambda _: None)
    assert failures == []
    assert summary.created == 5

    def content(company) -> list[dict]:
        return [edge["node"] for edge in orders[company.id]["orders"]["edges"]]

    orders = {}
    for shop in shops:
        gid = to_base64("Company", shop.company.id)
        orders[shop.company.id] = await everywhere(ORDER_CONTENT, {"companyIds": [gid]})
    original, copy = content(shops[0].company), content(shops[1].company)
    assert len(original) == 5
    for before, after in zip(original, copy, strict=True):
        if before["source"] is None:  # made here: the export named this API as its source
            assert after["source"] == "ORDERS-API"
            assert after["externalId"] == before["number"]
            before = before | {"source": after["source"], "externalId": after["externalId"]}
        assert after == before


async def test_a_canceled_export_writes_no_file(caller, exporter, shops, engine):
    async with caller.sessions() as session:
        await Factory(session).order(
            shops[0].company, shops[0].client, [(shops[0].products[0], 1, Decimal("1.00"))]
        )
    started = await caller(START, {"input": {"format": "XML"}})
    job_id = started["startOrderExport"]["bulkOperation"]["id"]
    cancel = "mutation C($id: ID!) { cancelBulkOperation(input: {id: $id}) { errors { code } } }"
    assert (await caller(cancel, {"id": job_id}))["cancelBulkOperation"]["errors"] == []

    assert not await exporter.run_once()  # a canceled export is never claimed
    assert list(exporter.directory.iterdir()) == []
    async with engine.connect() as connection:
        status = await connection.scalar(sa.select(models.BulkOperation.status))
    assert status == "CANCELED"
