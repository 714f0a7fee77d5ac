"""Line and amount checks of a new or updated order, without a database."""

from decimal import Decimal

from app.domain import money
from app.domain.errors import ErrorCode
from app.domain.new_order import (
    LineRequest,
    line_errors,
    stored_amount_errors,
    total_quantity_errors,
)

D = Decimal


def line(quantity: int = 1, unit_price: str = "10.00", product_company_id: int = 1) -> LineRequest:
    return LineRequest(
        product_id=7,
        product_company_id=product_company_id,
        quantity=quantity,
        unit_price=D(unit_price),
        discount_rates=[],
    )


def found(errors):
    return [(e.code, e.path, e.message) for e in errors]


# --- the sum of the quantities: total_quantity is an INTEGER column ---


def test_quantities_that_add_up_to_the_integer_column_are_accepted():
    assert money.MAX_TOTAL_QUANTITY == 2_147_483_647
    assert total_quantity_errors([1_000_000_000, 1_000_000_000, 147_483_647], ("lines",)) == []


def test_quantities_that_add_up_past_the_integer_column_are_invalid_on_the_lines():
    lines = [line(1_000_000_000), line(1_000_000_000), line(147_483_648)]

    assert found(line_errors(lines, company_id=1)) == [
        (
            ErrorCode.INVALID,
            ("lines",),
            "the lines' quantities must add up to at most 2,147,483,647",
        )
    ]


def test_a_quantity_refused_on_its_own_is_not_counted_in_the_sum():
    lines = [line(1_000_000_000), line(1_000_000_000), line(2_000_000_000)]

    assert [e.path for e in line_errors(lines, company_id=1)] == [("lines", 2, "quantity")]


# --- lines without a known company ---


def test_without_a_company_the_lines_are_checked_but_not_their_products():
    lines = [line(0, product_company_id=2), line(1, unit_price="-1")]

    assert [e.path for e in line_errors(lines, company_id=None)] == [
        ("lines", 0, "quantity"),
        ("lines", 1, "unit_price"),
    ]


def test_a_discount_rate_is_reported_on_its_rate():
    request = LineRequest(
        product_id=7, product_company_id=1, quantity=1, unit_price=D("1"), discount_rates=[D("2")]
    )

    assert [e.path for e in line_errors([request], company_id=1)] == [
        ("lines", 0, "discounts", 0, "rate")
    ]


# --- amounts that the inputs multiply or add up to ---


def totals_of(*grosses: str) -> money.Totals:
    return money.compute_totals([D(g) for g in grosses], tax_rate=money.DEFAULT_TAX_RATE)


def test_amounts_below_the_column_bound_are_accepted():
    # 847,457,627,118.63 + 18 % = 999,999,999,999.98
    assert stored_amount_errors([D("847457627118.63")], totals_of("847457627118.63")) == []


def test_a_line_amount_past_the_column_is_invalid_on_its_quantity():
    grosses = [D("10.00"), D("1999999999999.98")]

    assert found(stored_amount_errors(grosses, totals_of(*map(str, grosses)))) == [
        (
            ErrorCode.INVALID,
            ("lines", 1, "quantity"),
            "quantity x unit price must be below 1,000,000,000,000",
        )
    ]


def test_an_order_total_past_the_column_is_invalid_on_the_lines():
    # each amount fits, but 900,000,000,000.00 + 18 % tax does not
    assert found(stored_amount_errors([D("900000000000.00")], totals_of("900000000000.00"))) == [
        (
            ErrorCode.INVALID,
            ("lines",),
            "the order's amounts (tax included) must stay below 1,000,000,000,000",
        )
    ]


def test_a_gross_past_the_column_is_invalid_even_when_discounts_bring_the_total_down():
    grosses = [D("600000000000.00"), D("600000000000.00")]
    totals = money.compute_totals(grosses, [D("0.5")], tax_rate=money.DEFAULT_TAX_RATE)

    assert totals.total < money.MAX_AMOUNT
    assert [e.path for e in stored_amount_errors(grosses, totals)] == [("lines",)]
