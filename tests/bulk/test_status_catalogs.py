"""Status catalogs: every status with the company's remote id and label; imports accept them."""

from strawberry.relay import to_base64

CATALOGS = """
query C($companyId: ID) {
  orderStatuses(companyId: $companyId) { code description remoteId label }
  lineStatuses(companyId: $companyId) { code remoteId label }
}
"""
SET = """
mutation S($input: SetStatusMappingInput!) {
  setStatusMapping(input: $input) {
    entry { code remoteId label } errors { code field message }
  }
}
"""
IMPORT = """
mutation I($orders: [ImportOrderInput!]!) {
  bulkImportOrders(input: {orders: $orders}) {
    results { status order { status } errors { code field message } }
  }
}
"""


def mapping(shop, kind: str, status: str, remote_id: str, label: str | None = None) -> dict:
    company = to_base64("Company", shop.company.id)
    return {"input": {"companyId": company, "kind": kind, "status": status,
                      "remoteId": remote_id, "label": label}}  # fmt: skip


async def test_a_company_maps_its_own_codes_and_sees_them_in_the_catalogs(caller, shops):
    answer = await caller(SET, mapping(shops[0], "ORDER", "CONFIRMED", "02", "Aprobado"))
    assert answer["setStatusMapping"] == {
        "entry": {"code": "CONFIRMED", "remoteId": "02", "label": "Aprobado"},
        "errors": [],
    }
    await caller(SET, mapping(shops[0], "LINE", "OPEN", "L1", "Abierta"))
    await caller(SET, mapping(shops[0], "ORDER", "CONFIRMED", "2", "Aprobado"))  # moved

    catalogs = await caller(CATALOGS)  # a key of one company: its mappings without companyId
    orders = {entry["code"]: entry for entry in catalogs["orderStatuses"]}
    assert list(orders) == [
        "PENDING", "CONFIRMED", "SHIPPED", "PARTIALLY_DELIVERED", "DELIVERED", "CANCELLED",
    ]  # fmt: skip
    assert (orders["CONFIRMED"]["remoteId"], orders["CONFIRMED"]["label"]) == ("2", "Aprobado")
    assert orders["PENDING"]["remoteId"] is None
    assert all(entry["description"] for entry in orders.values())
    lines = {entry["code"]: entry for entry in catalogs["lineStatuses"]}
    assert lines["OPEN"]["remoteId"] == "L1"
    assert lines["DELIVERED"]["remoteId"] is None


async def test_a_wrong_mapping_is_refused_with_its_path(caller, shops):
    await caller(SET, mapping(shops[0], "ORDER", "CONFIRMED", "02"))
    taken = await caller(SET, mapping(shops[0], "ORDER", "SHIPPED", "02"))
    assert [(e["code"], e["field"]) for e in taken["setStatusMapping"]["errors"]] == [
        ("NOT_UNIQUE", "remoteId")
    ]
    unknown = await caller(SET, mapping(shops[0], "LINE", "SHIPPED", "X"))
    assert [(e["code"], e["field"]) for e in unknown["setStatusMapping"]["errors"]] == [
        ("INVALID", "status")
    ]
    elsewhere = await caller(SET, mapping(shops[1], "ORDER", "SHIPPED", "X"))  # not the key's
    assert [e["code"] for e in elsewhere["setStatusMapping"]["errors"]] == ["NOT_FOUND"]


async def test_an_import_takes_the_status_by_its_remote_id(caller, shops):
    await caller(SET, mapping(shops[0], "ORDER", "CANCELLED", "99"))
    order = {
        "companyCode": "BULKA", "source": "ERP", "clientCode": "CLI1", "orderedAt": "2025-03-01",
        "lines": [{"productCode": "P0", "quantity": 1}],
    }  # fmt: skip
    answer = await caller(IMPORT, {"orders": [
        order | {"externalId": "R1", "statusRemoteId": "99"},
        order | {"externalId": "R2", "statusRemoteId": "nope"},
    ]})  # fmt: skip
    first, second = answer["bulkImportOrders"]["results"]
    assert (first["status"], first["order"]["status"]) == ("CREATED", "CANCELLED")
    assert second["status"] == "FAILED"
    assert [(e["code"], e["field"]) for e in second["errors"]] == [
        ("NOT_FOUND", "orders.1.statusRemoteId")
    ]
