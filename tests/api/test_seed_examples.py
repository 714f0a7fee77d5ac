"""The seed documents' own examples (shared/seeds), replayed through the API."""

from typing import Any

import pytest

from tests.api.test_create_order import (
    ERRORS,
    Shop,
    create_order_input,
    line_input,
    make_shop,
    mutate,
)

# 003: POST /pedido sends these amounts with its order (IGV at 18 %)
SEED_AMOUNTS = {"taxableBase": "2869.49", "taxAmount": "516.51", "totalAmount": "3386.00"}
# 002 (Nilo): a partial delivery, and a return, of products by code and packaging
NILO_DELIVERY = [
    {"productCode": "12345", "units": 1, "quantity": 5},
    {"productCode": "67890", "units": 6, "quantity": 2},
]
NILO_RETURN = [{"productCode": "12345", "units": 1, "quantity": 2}]
CANCELLED = f"order {{ status cancellationReason cancellationNote lines {{ status }} }} {ERRORS}"


@pytest.fixture
async def shop(factory: Any) -> Shop:
    """Peru's IGV: the default 18 %."""
    return await make_shop(factory)


async def products(factory: Any, shop: Shop, *codes: str) -> list[Any]:
    return [await factory.product(shop.company, code=code) for code in codes]


async def test_a_taxable_base_of_2869_49_carries_igv_516_51_and_totals_3386(gql, factory, shop):
    a, b, c = await products(factory, shop, "20", "25", "30")
    lines = [
        line_input(a, 100, unitPrice="15.50"),  # 1550.00
        line_input(b, 50, unitPrice="26.38"),  # 1319.00
        line_input(c, 1, unitPrice="0.49"),  # 0.49
    ]
    order_input = create_order_input(shop, lines, number="PED-2024-001", series="A001")

    payload = await mutate(gql, "createOrder", order_input | SEED_AMOUNTS)

    assert payload["errors"] == []
    order = payload["order"]
    assert {name: order[name] for name in SEED_AMOUNTS} == SEED_AMOUNTS
    assert (order["number"], order["series"], order["grossAmount"]) == (
        "PED-2024-001",
        "A001",
        "2869.49",
    )


async def test_the_seed_lines_do_not_give_the_seed_amounts(gql, factory, shop):
    """003 sends 100 x 15.50 + 50 x 32.00 (3150.00, IGV 567.00, total 3717.00) with them."""
    a, b = await products(factory, shop, "20", "25")
    lines = [line_input(a, 100, unitPrice="15.50"), line_input(b, 50, unitPrice="32.00")]
    order_input = create_order_input(shop, lines, number="PED-2024-001") | SEED_AMOUNTS

    payload = await mutate(gql, "createOrder", order_input)

    assert payload == {
        "order": None,
        "errors": [
            {
                "code": "INVALID",
                "field": "taxableBase",
                "message": "sent 2869.49, but the lines give 3150.00",
            },
            {
                "code": "INVALID",
                "field": "taxAmount",
                "message": "sent 516.51, but the lines give 567.00",
            },
            {
                "code": "INVALID",
                "field": "totalAmount",
                "message": "sent 3386.00, but the lines give 3717.00",
            },
        ],
    }


async def confirmed(gql: Any, shop: Shop, lines: list[Any]) -> str:
    """An order placed on 2025-12-01, the seed's week, so its 2025-12-03 moves are in its life."""
    placed = create_order_input(shop, lines, orderedAt="2025-12-01T09:00:00-05:00")
    created = await mutate(gql, "createOrder", placed, f"order {{ id }} {ERRORS}")
    order_id = created["order"]["id"]
    await mutate(gql, "confirmOrder", {"id": order_id, "estimatedDeliveryOn": "2025-12-03"})
    return order_id


async def test_nilo_partial_delivery_of_two_products(gql, factory, shop):
    single, six_pack = await products(factory, shop, "12345", "67890")
    order_id = await confirmed(
        gql, shop, [line_input(single, 10), line_input(six_pack, 4, units=6)]
    )
    partial = {
        "id": order_id,
        "complete": False,
        "date": "2025-12-03",
        "items": NILO_DELIVERY,
    }

    selection = (
        "order { status lines { product { code } units deliveredQuantity pendingQuantity }"
        " deliveries { deliveredOn items { product { code } units quantity } } } " + ERRORS
    )
    payload = await mutate(gql, "deliverOrder", partial, selection)

    assert payload == {
        "order": {
            "status": "PARTIALLY_DELIVERED",
            "lines": [
                {
                    "product": {"code": "12345"},
                    "units": 1,
                    "deliveredQuantity": 5,
                    "pendingQuantity": 5,
                },
                {
                    "product": {"code": "67890"},
                    "units": 6,
                    "deliveredQuantity": 2,
                    "pendingQuantity": 2,
                },
            ],
            "deliveries": [
                {
                    "deliveredOn": "2025-12-03",
                    "items": [
                        {"product": {"code": "12345"}, "units": 1, "quantity": 5},
                        {"product": {"code": "67890"}, "units": 6, "quantity": 2},
                    ],
                }
            ],
        },
        "errors": [],
    }


async def test_nilo_return_after_the_partial_delivery(gql, factory, shop):
    single, six_pack = await products(factory, shop, "12345", "67890")
    order_id = await confirmed(
        gql, shop, [line_input(single, 10), line_input(six_pack, 4, units=6)]
    )
    await mutate(gql, "deliverOrder", {"id": order_id, "items": NILO_DELIVERY})

    returned = {"id": order_id, "date": "2025-12-03", "items": NILO_RETURN}
    selection = (
        "order { status returnedQuantity lines { returnedQuantity }"
        " returns { returnedOn items { product { code } units quantity } } } " + ERRORS
    )
    payload = await mutate(gql, "returnOrderItems", returned, selection)

    assert payload == {
        "order": {
            "status": "PARTIALLY_DELIVERED",
            "returnedQuantity": 2,
            "lines": [{"returnedQuantity": 2}, {"returnedQuantity": 0}],
            "returns": [
                {
                    "returnedOn": "2025-12-03",
                    "items": [{"product": {"code": "12345"}, "units": 1, "quantity": 2}],
                }
            ],
        },
        "errors": [],
    }


async def test_nilo_cancellation_out_of_stock(gql, factory, shop):
    [product] = await products(factory, shop, "12345")
    order_id = await confirmed(gql, shop, [line_input(product, 10)])

    payload = await mutate(
        gql, "cancelOrder", {"id": order_id, "reason": "OUT_OF_STOCK"}, CANCELLED
    )

    assert payload == {
        "order": {
            "status": "CANCELLED",
            "cancellationReason": "OUT_OF_STOCK",
            "cancellationNote": None,
            "lines": [{"status": "CANCELLED"}],
        },
        "errors": [],
    }
