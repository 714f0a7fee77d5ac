"""The export shapes, from rows already read: no database."""

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from types import SimpleNamespace

from app.domain.exports import EXPORT_SOURCE, OrderBundle, import_record, text, xml_item
from app.domain.vocabulary import LineStatus, OrderStatus, OrderType

LIMA = timezone(timedelta(hours=-5))


def bundle(**order_fields: object) -> OrderBundle:
    order = SimpleNamespace(
        id=7, number="PED-1", series=None, source=None, external_id=None,
        status=OrderStatus.PENDING, type=OrderType.DOMESTIC, description=None,
        destination=None, observations=None,
        ordered_at=datetime(2025, 3, 1, 10, 30, tzinfo=LIMA),
        estimated_delivery_on=date(2025, 3, 8),
        confirmed_at=None, shipped_at=None, delivered_at=None, cancelled_at=None,
        cancellation_reason=None, cancellation_note=None, shipping_amount=Decimal("0.00"),
        gross_amount=Decimal("20.00"), discount_amount=Decimal("0.00"),
        taxable_base=Decimal("20.00"),
        tax_amount=Decimal("3.60"), total_amount=Decimal("23.60"), currency="PEN",
        tax_rate=Decimal("0.1800"), total_quantity=2, delivered_quantity=0, returned_quantity=0,
        version=1, created_at=datetime(2025, 3, 1, tzinfo=UTC),
        updated_at=datetime(2025, 3, 1, tzinfo=UTC),
    )  # fmt: skip
    for name, value in order_fields.items():
        setattr(order, name, value)
    line = SimpleNamespace(
        id=70, position=1, product_id=5, quantity=2, unit_price=Decimal("10.00"), units=1,
        delivered_quantity=0, returned_quantity=0, estimated_delivery_on=None, observations=None,
        external_id=None, status=LineStatus.OPEN, cancelled_at=None, gross_amount=Decimal("20.00"),
        discount_amount=Decimal("0.00"), amount=Decimal("20.00"),
    )  # fmt: skip
    named = SimpleNamespace(id=1, code="C", name="N", external_id=None, tax_id=None)
    product = SimpleNamespace(id=5, code="P1", name="Product", external_id=None)
    return OrderBundle(order=order, company=named, client=named, agent=None, season=None,
                       payment_method=None, shipping_address=None, billing_address=None,
                       discounts=[], lines=[line], products={5: product})  # fmt: skip


def test_an_order_made_here_is_identified_by_this_api_and_its_number():
    record = import_record(bundle())
    assert (record["source"], record["externalId"]) == (EXPORT_SOURCE, "PED-1")
    assert import_record(bundle(source="SAP", external_id="X1"))["source"] == "SAP"


def test_the_import_record_leaves_out_what_is_unset_and_writes_exact_text():
    record = import_record(bundle())
    assert "series" not in record
    assert "agentCode" not in record
    assert record["orderedAt"] == "2025-03-01T15:30:00+00:00"  # UTC, the instant kept
    assert record["totalAmount"] == "23.60"
    assert record["lines"] == [
        {"productCode": "P1", "quantity": 2, "unitPrice": "10.00", "units": 1,
         "deliveredQuantity": 0, "discounts": []}
    ]  # fmt: skip


def test_the_xml_item_names_follow_the_seed():
    item = xml_item(bundle())
    assert item["numOrder"] == "PED-1"
    assert item["lines"][0]["lineDetail"]["product"]["code"] == "P1"
    assert item["quantityPending"] == 2
    assert text(item["dateDelivery"]) == "2025-03-08"
