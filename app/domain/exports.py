"""What an exported order holds: the import shape (JSON Lines) and the seed's XML item shape.

Pure: the rows come in already read (attribute access only), and plain JSON-ready values come
out. The JSON Lines record is exactly an `ImportOrderInput`, so `orders-api import` on another
instance rebuilds the order; the XML item follows the B2B seed's element names where they map.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

EXPORT_SOURCE = "ORDERS-API"  # the import identity of an order that came from no other system


@dataclass(frozen=True, slots=True)
class OrderBundle:
    """One order and every row it points at, as the exporter read them."""

    order: Any
    company: Any
    client: Any
    agent: Any | None
    season: Any | None
    payment_method: Any | None
    shipping_address: Any | None
    billing_address: Any | None
    discounts: Sequence[Any]  # header discounts, in sequence
    lines: Sequence[Any]  # in position
    line_discounts: Mapping[int, Sequence[Any]] = field(default_factory=dict)  # by line id
    products: Mapping[int, Any] = field(default_factory=dict)  # by product id


def text(value: Any) -> Any:
    """JSON-ready: money as exact decimal text, instants in UTC ISO 8601, enums by value."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value


def _dropped_nones(values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: text(value) for name, value in values.items() if value is not None}


def _import_discount(row: Any) -> dict[str, Any]:
    return _dropped_nones(
        {
            "rate": row.rate,
            "typeCode": row.type_code,
            "typeName": row.type_name,
            "externalId": row.external_id,
        }
    )


def import_record(bundle: OrderBundle) -> dict[str, Any]:
    """The order as one `ImportOrderInput`: importing it elsewhere gives the same order.

    Amounts are sent too, so the importer checks they come out the same. An order created here
    (no source) is identified by this API as its source and its number as its external id.
    """
    order, lines = bundle.order, []
    for line in bundle.lines:
        lines.append(
            _dropped_nones(
                {
                    "productCode": bundle.products[line.product_id].code,
                    "quantity": line.quantity,
                    "unitPrice": line.unit_price,
                    "units": line.units,
                    "deliveredQuantity": line.delivered_quantity,
                    "estimatedDeliveryOn": line.estimated_delivery_on,
                    "observations": line.observations,
                    "externalId": line.external_id,
                }
            )
            | {"discounts": [_import_discount(d) for d in bundle.line_discounts.get(line.id, ())]}
        )
    record = {
        "companyCode": bundle.company.code,
        "source": order.source or EXPORT_SOURCE,
        "externalId": order.external_id or order.number,
        "number": order.number,
        "series": order.series,
        "clientCode": bundle.client.code,
        "agentCode": bundle.agent.code if bundle.agent else None,
        "seasonCode": bundle.season.code if bundle.season else None,
        "paymentMethodCode": bundle.payment_method.code if bundle.payment_method else None,
        "shippingAddressExternalId": _external_id(bundle.shipping_address),
        "billingAddressExternalId": _external_id(bundle.billing_address),
        "status": order.status,
        "type": order.type,
        "description": order.description,
        "destination": order.destination,
        "observations": order.observations,
        "orderedAt": order.ordered_at,
        "estimatedDeliveryOn": order.estimated_delivery_on,
        "confirmedAt": order.confirmed_at,
        "shippedAt": order.shipped_at,
        "deliveredAt": order.delivered_at,
        "cancelledAt": order.cancelled_at,
        "cancellationReason": order.cancellation_reason,
        "cancellationNote": order.cancellation_note,
        "shippingAmount": order.shipping_amount,
        "grossAmount": order.gross_amount,
        "taxableBase": order.taxable_base,
        "taxAmount": order.tax_amount,
        "totalAmount": order.total_amount,
    }
    return _dropped_nones(record) | {
        "discounts": [_import_discount(d) for d in bundle.discounts],
        "lines": lines,
    }


def _external_id(address: Any | None) -> str | None:
    return None if address is None else address.external_id


def _xml_discount(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "idRemote": row.external_id,
        "discountType": {"code": row.type_code, "name": row.type_name},
        "sequence": row.sequence,
        "discount": row.rate,
        "amountDiscount": row.amount,
        "isLine": row.order_line_id is not None,
        "isHeader": row.order_line_id is None,
    }


def _xml_address(address: Any | None) -> dict[str, Any] | None:
    if address is None:
        return None
    return {
        "id": address.id,
        "idRemote": address.external_id,
        "addressLine": address.address_line,
        "city": address.city,
        "region": address.region,
        "zipCode": address.zip_code,
        "country": address.country,
    }


def _xml_line(bundle: OrderBundle, line: Any) -> dict[str, Any]:
    product = bundle.products[line.product_id]
    return {
        "id": line.id,
        "idRemote": line.external_id,
        "position": line.position,
        "lineStatus": line.status,
        "discount": [_xml_discount(d) for d in bundle.line_discounts.get(line.id, ())],
        "observations": line.observations,
        "deliveryDate": line.estimated_delivery_on,
        "cancellationDate": line.cancelled_at,
        "grossAmount": line.gross_amount,
        "discountAmount": line.discount_amount,
        "lineAmount": line.amount,
        "quantity": line.quantity,
        "quantityServed": line.delivered_quantity,
        "quantityReturned": line.returned_quantity,
        "quantityPending": line.quantity - line.delivered_quantity,
        "lineDetail": {
            "product": {
                "id": product.id,
                "idRemote": product.external_id,
                "code": product.code,
                "name": product.name,
            },
            "units": line.units,
            "quantity": line.quantity,
            "price": line.unit_price,
        },
    }


def xml_item(bundle: OrderBundle) -> dict[str, Any]:
    """The order as the seed's `<data><item>`: lists become `<item>` children, None is left out."""
    order, company, client, agent, season = (
        bundle.order, bundle.company, bundle.client, bundle.agent, bundle.season,
    )  # fmt: skip
    method = bundle.payment_method
    return {
        "id": order.id,
        "idRemote": order.external_id,
        "source": order.source,
        "reference": order.series,
        "numOrder": order.number,
        "company": {"id": company.id, "idRemote": company.external_id, "code": company.code,
                    "companyName": company.name},
        "client": {"id": client.id, "idRemote": client.external_id, "code": client.code,
                   "contactName": client.name, "taxId": client.tax_id},
        "agent": None if agent is None else {"id": agent.id, "idRemote": agent.external_id,
                                             "code": agent.code, "name": agent.name},
        "status": order.status,
        "type": order.type,
        "season": None if season is None else {"id": season.id, "idRemote": season.external_id,
                                               "code": season.code,
                                               "description": season.description},
        "paymentMethod": None if method is None else {"id": method.id, "code": method.code,
                                                      "name": method.name},
        "shippingAddress": _xml_address(bundle.shipping_address),
        "billingAddress": _xml_address(bundle.billing_address),
        "discount": [_xml_discount(d) for d in bundle.discounts],
        "lines": [_xml_line(bundle, line) for line in bundle.lines],
        "dateOrder": order.ordered_at,
        "dateModified": order.updated_at,
        "dateDelivery": order.estimated_delivery_on,
        "dateConfirmed": order.confirmed_at,
        "dateShipped": order.shipped_at,
        "dateDelivered": order.delivered_at,
        "dateCancelled": order.cancelled_at,
        "cancellationReason": order.cancellation_reason,
        "cancellationNote": order.cancellation_note,
        "description": order.description,
        "destination": order.destination,
        "observation": order.observations,
        "currency": order.currency,
        "taxRate": order.tax_rate,
        "grossAmount": order.gross_amount,
        "discountAmount": order.discount_amount,
        "baseAmount": order.taxable_base,
        "shippingAmount": order.shipping_amount,
        "taxAmount": order.tax_amount,
        "totalAmount": order.total_amount,
        "totalQuantity": order.total_quantity,
        "quantityServed": order.delivered_quantity,
        "quantityReturned": order.returned_quantity,
        "quantityPending": order.total_quantity - order.delivered_quantity,
        "version": order.version,
        "createdAt": order.created_at,
        "updatedAt": order.updated_at,
    }  # fmt: skip
