import contextlib
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain import deliveries
from app.domain.deliveries import (
    Item,
    LineMovement,
    LineQuantities,
    apply_delivery,
    apply_return,
    line_status,
    pending_units,
    plan_complete_delivery,
    plan_delivery,
    plan_return,
)
from app.domain.errors import DomainErrors, ErrorCode, Invalid
from app.domain.lifecycle import status_after_delivery
from app.domain.vocabulary import LineStatus, OrderStatus


def line(line_id, code, units, ordered, delivered=0, returned=0):
    return LineQuantities(line_id, code, units, ordered, delivered, returned)


def nilo_order():
    return [line(1, "12345", 1, 10), line(2, "67890", 6, 4)]


def violations(raised):
    return [(e.code, e.path) for e in raised.value.errors]


# --- deliveries ---


def test_partial_delivery_of_two_products_as_in_nilos_example():
    lines = nilo_order()
    items = [Item("12345", 1, 5), Item("67890", 6, 2)]

    plan = plan_delivery(lines, items)

    assert plan == [LineMovement(1, 5), LineMovement(2, 2)]
    after = apply_delivery(lines, plan)
    assert [(x.delivered, x.pending) for x in after] == [(5, 5), (2, 2)]
    assert [line_status(x) for x in after] == [LineStatus.PARTIALLY_DELIVERED] * 2
    assert pending_units(after) == 7
    assert status_after_delivery(pending_units(after)) is OrderStatus.PARTIALLY_DELIVERED


def test_delivering_the_rest_completes_the_order():
    lines = apply_delivery(nilo_order(), [LineMovement(1, 5), LineMovement(2, 2)])

    after = apply_delivery(lines, plan_delivery(lines, [Item("12345", 1, 5), Item("67890", 6, 2)]))

    assert [line_status(x) for x in after] == [LineStatus.DELIVERED] * 2
    assert status_after_delivery(pending_units(after)) is OrderStatus.DELIVERED


def test_complete_delivery_takes_everything_pending():
    lines = [line(1, "12345", 1, 10, delivered=4), line(2, "67890", 6, 4, delivered=4)]

    assert plan_complete_delivery(lines) == [LineMovement(1, 6)]
    assert pending_units(apply_delivery(lines, plan_complete_delivery(lines))) == 0


def test_complete_delivery_of_a_fully_delivered_order_is_refused():
    with pytest.raises(DomainErrors) as raised:
        plan_complete_delivery([line(1, "12345", 1, 3, delivered=3)])

    assert violations(raised) == [(ErrorCode.INVALID, ("id",))]


def test_over_delivery_is_refused_naming_what_is_pending():
    lines = [line(1, "12345", 1, 10, delivered=8)]

    with pytest.raises(DomainErrors) as raised:
        plan_delivery(lines, [Item("12345", 1, 3)])

    assert violations(raised) == [(ErrorCode.INVALID, ("items", 0, "quantity"))]
    assert (
        raised.value.errors[0].message
        == "cannot deliver 3 of product 12345 (units 1): only 2 pending"
    )


def test_the_same_product_twice_in_one_request_counts_cumulatively():
    with pytest.raises(DomainErrors) as raised:
        plan_delivery(nilo_order(), [Item("12345", 1, 6), Item("12345", 1, 6)])

    assert violations(raised) == [(ErrorCode.INVALID, ("items", 1, "quantity"))]


def test_units_select_the_packaging_and_a_missing_units_matches_any():
    lines = [line(1, "12345", 1, 3), line(2, "12345", 6, 4)]

    assert plan_delivery(lines, [Item("12345", 6, 4)]) == [LineMovement(2, 4)]
    # without units the product's lines fill in order
    assert plan_delivery(lines, [Item("12345", None, 5)]) == [
        LineMovement(1, 3),
        LineMovement(2, 2),
    ]
    with pytest.raises(DomainErrors) as raised:
        plan_delivery(lines, [Item("12345", 12, 1)])
    assert violations(raised) == [(ErrorCode.INVALID, ("items", 0, "productCode"))]
    assert raised.value.errors[0].message == "this order has no line for product 12345 (units 12)"


def test_several_violations_are_reported_together_and_nothing_is_planned():
    items = [
        Item("12345", 1, 5),  # fine on its own
        Item("99999", 1, 1),  # unknown product
        Item("67890", 6, 0),  # not positive
        Item("67890", 6, 9),  # more than pending
        Item("00000", None, -1),  # unknown and negative: both reported
    ]

    with pytest.raises(DomainErrors) as raised:
        plan_delivery(nilo_order(), items)

    assert violations(raised) == [
        (ErrorCode.INVALID, ("items", 1, "productCode")),
        (ErrorCode.INVALID, ("items", 2, "quantity")),
        (ErrorCode.INVALID, ("items", 3, "quantity")),
        (ErrorCode.INVALID, ("items", 4, "quantity")),
        (ErrorCode.INVALID, ("items", 4, "productCode")),
    ]


def test_an_empty_request_is_refused():
    with pytest.raises(DomainErrors) as raised:
        plan_delivery(nilo_order(), [])

    assert violations(raised) == [(ErrorCode.INVALID, ("items",))]


# --- returns ---


def test_return_within_what_was_delivered():
    lines = [line(1, "12345", 1, 10, delivered=5)]

    plan = plan_return(lines, [Item("12345", 1, 2)])

    assert plan == [LineMovement(1, 2)]
    assert apply_return(lines, plan)[0].returned == 2


def test_returns_are_cumulative_and_never_exceed_deliveries():
    lines = [line(1, "12345", 1, 10, delivered=5, returned=3)]

    with pytest.raises(DomainErrors) as raised:
        plan_return(lines, [Item("12345", 1, 3)])

    assert violations(raised) == [(ErrorCode.INVALID, ("items", 0, "quantity"))]
    assert "only 2 delivered and not returned" in raised.value.errors[0].message


def test_nothing_delivered_means_nothing_to_return():
    with pytest.raises(DomainErrors) as raised:
        plan_return(nilo_order(), [Item("12345", 1, 1), Item("67890", 6, 1)])

    assert violations(raised) == [
        (ErrorCode.INVALID, ("items", 0, "quantity")),
        (ErrorCode.INVALID, ("items", 1, "quantity")),
    ]


def test_returns_do_not_reopen_a_delivered_line():
    lines = [line(1, "12345", 1, 4, delivered=4)]

    after = apply_return(lines, plan_return(lines, [Item("12345", 1, 4)]))

    assert pending_units(after) == 0
    assert line_status(after[0]) is LineStatus.DELIVERED


@given(st.integers(1, 50), st.lists(st.integers(-2, 20), max_size=12))
def test_any_sequence_of_return_requests_never_returns_more_than_delivered(delivered, requests):
    lines = [line(1, "12345", 1, 50, delivered=delivered)]
    for quantity in requests:
        with contextlib.suppress(DomainErrors):  # a refused request changes nothing
            lines = apply_return(lines, plan_return(lines, [Item("12345", 1, quantity)]))
        assert 0 <= lines[0].returned <= lines[0].delivered == delivered


@given(st.integers(1, 50), st.lists(st.integers(-2, 20), max_size=12))
def test_any_sequence_of_deliveries_never_delivers_more_than_ordered(ordered, requests):
    lines = [line(1, "12345", 1, ordered)]
    for quantity in requests:
        with contextlib.suppress(DomainErrors):
            lines = apply_delivery(lines, plan_delivery(lines, [Item("12345", 1, quantity)]))
        assert 0 <= lines[0].delivered <= ordered
        assert pending_units(lines) == ordered - lines[0].delivered


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        (None, date(2026, 3, 10)),
        (date(2026, 3, 1), date(2026, 3, 1)),  # the order's own day
        (date(2026, 2, 28), date(2026, 2, 28)),  # a day earlier in the client's zone
        (date(2026, 3, 11), date(2026, 3, 11)),  # tomorrow in UTC may be today there
    ],
)
def test_a_movement_day_between_the_order_and_today_is_taken(sent, expected):
    day = deliveries.movement_day(
        sent, ordered_on=date(2026, 3, 1), today=date(2026, 3, 10), path=("delivered_on",)
    )

    assert day == expected


@pytest.mark.parametrize(
    ("sent", "message"),
    [
        (date(2026, 2, 27), "must not be before the order date 2026-03-01"),
        (date(1900, 1, 1), "must not be before the order date 2026-03-01"),
        (date(2026, 3, 12), "must not be in the future (today is 2026-03-10)"),
    ],
)
def test_a_movement_day_before_the_order_or_in_the_future_is_refused(sent, message):
    with pytest.raises(Invalid) as refused:
        deliveries.movement_day(
            sent, ordered_on=date(2026, 3, 1), today=date(2026, 3, 10), path=("delivered_on",)
        )

    assert refused.value.message == message
    assert refused.value.path == ("delivered_on",)
