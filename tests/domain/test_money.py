from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.errors import ErrorCode
from app.domain.money import (
    AMOUNT_TOLERANCE,
    DEFAULT_TAX_RATE,
    LineAmounts,
    apply_in_sequence,
    compute_totals,
    line_amounts,
    matches_computed,
    rate_errors,
    split_tax_included,
    to_cents,
)

D = Decimal


# --- the seed order (pedido PED-2024-001: 100 x 15.50 and 50 x 32.00) ---


def seed_line_nets() -> list[Decimal]:
    return [line_amounts(100, D("15.50"), []).net, line_amounts(50, D("32.00"), []).net]


def test_seed_lines_add_up_to_3150():
    assert seed_line_nets() == [D("1550.00"), D("1600.00")]
    assert compute_totals(seed_line_nets(), [], tax_rate=DEFAULT_TAX_RATE).gross == D("3150.00")


def test_seed_lines_taxed_at_18_percent_on_top():
    totals = compute_totals(seed_line_nets(), [], tax_rate=DEFAULT_TAX_RATE)

    assert (totals.taxable_base, totals.tax, totals.total) == (
        D("3150.00"),
        D("567.00"),
        D("3717.00"),
    )


def test_seed_document_amounts_are_a_tax_included_split_of_its_total():
    # The seed says baseImponible 2869.49, igv 516.51, total 3386.00: 3386.00 / 1.18 = 2869.49.
    assert split_tax_included(D("3386.00"), DEFAULT_TAX_RATE) == (D("2869.49"), D("516.51"))
    assert to_cents(D("2869.49") * DEFAULT_TAX_RATE) == D("516.51")


def test_seed_document_total_is_not_derived_from_its_lines():
    # Neither reading of 3150.00 of lines gives the seed's 3386.00, so those amounts, sent as they
    # are with those lines, are refused by the 0.01 check.
    on_top = compute_totals(seed_line_nets(), [], tax_rate=DEFAULT_TAX_RATE)
    included_base, included_tax = split_tax_included(on_top.gross, DEFAULT_TAX_RATE)

    assert (included_base, included_tax) == (D("2669.49"), D("480.51"))
    assert not matches_computed(D("3386.00"), on_top.total)
    assert not matches_computed(D("2869.49"), included_base)


# --- discounts ---


def test_discounts_apply_in_sequence_ten_then_five_percent_take_14_5_percent():
    left, steps = apply_in_sequence(D("1000.00"), [D("0.10"), D("0.05")])

    assert steps == [D("100.00"), D("45.00")]
    assert left == D("855.00")


def test_line_discounts_in_sequence():
    assert line_amounts(10, D("20.00"), [D("0.10"), D("0.05")]) == LineAmounts(
        gross=D("200.00"),
        discount=D("29.00"),
        net=D("171.00"),
        discount_steps=(D("20.00"), D("9.00")),
    )


def test_header_discounts_apply_after_line_discounts_and_before_tax_and_shipping_is_not_taxed():
    totals = compute_totals(
        [D("171.00"), D("29.00")],
        [D("0.10"), D("0.05")],
        tax_rate=DEFAULT_TAX_RATE,
        shipping=D("15"),
    )

    assert totals.gross == D("200.00")
    assert totals.discount_steps == (D("20.00"), D("9.00"))
    assert totals.discount == D("29.00")
    assert totals.taxable_base == D("171.00")
    assert totals.tax == D("30.78")
    assert totals.shipping == D("15.00")
    assert totals.total == D("216.78")


def test_the_tolerance_is_one_cent():
    assert D("0.01") == AMOUNT_TOLERANCE


def test_no_discount_and_full_discount():
    assert apply_in_sequence(D("10.00"), []) == (D("10.00"), [])
    assert apply_in_sequence(D("10.00"), [D("1")]) == (D("0.00"), [D("10.00")])


def test_rates_outside_0_to_1_are_reported_with_their_input_path():
    errors = rate_errors([D("0.10"), D("10"), D("-0.01")], ("discounts",))

    assert [(e.code, e.path) for e in errors] == [
        (ErrorCode.INVALID, ("discounts", 1, "rate")),
        (ErrorCode.INVALID, ("discounts", 2, "rate")),
    ]


def test_rates_are_fractions_with_four_places_at_most():
    rates = [Decimal("0.1"), Decimal("1.5"), Decimal("NaN"), Decimal("0.12345"), Decimal("1")]

    described = [(e.code.value, e.path, e.message) for e in rate_errors(rates, ("discounts",))]
    assert described == [
        (
            "INVALID",
            ("discounts", 1, "rate"),
            "a rate must be between 0 and 1 (0.10 means 10 %), got 1.5",
        ),
        (
            "INVALID",
            ("discounts", 2, "rate"),
            "a rate must be between 0 and 1 (0.10 means 10 %), got NaN",
        ),
        ("INVALID", ("discounts", 3, "rate"), "a rate has at most 4 decimal places"),
    ]


def test_an_unchecked_rate_out_of_range_is_a_bug():
    with pytest.raises(ValueError, match="out of range"):
        apply_in_sequence(D("10.00"), [D("15")])


# --- rounding ---


@pytest.mark.parametrize(
    ("amount", "cents"),
    [
        ("0.005", "0.01"),
        ("0.015", "0.02"),
        ("0.025", "0.03"),  # half up, not banker's rounding (which gives 0.02)
        ("2.675", "2.68"),
        ("0.0049999", "0.00"),
        ("-0.005", "-0.01"),
        ("10", "10.00"),
    ],
)
def test_to_cents_rounds_half_up(amount, cents):
    assert str(to_cents(D(amount))) == cents


def test_discount_step_rounds_half_up():
    # 10.05 x 10 % = 1.005 -> 1.01 taken, 9.04 left
    assert apply_in_sequence(D("10.05"), [D("0.10")]) == (D("9.04"), [D("1.01")])


def test_tax_rounds_half_up():
    # 0.25 x 18 % = 0.045 -> 0.05
    assert compute_totals([D("0.25")], [], tax_rate=DEFAULT_TAX_RATE).tax == D("0.05")


def test_unit_prices_with_more_places_round_on_the_line():
    assert line_amounts(3, D("0.3333"), []).gross == D("1.00")


@pytest.mark.parametrize(
    ("sent", "ok"),
    [("100.00", True), ("100.01", True), ("99.99", True), ("100.011", False), ("99.98", False)],
)
def test_amounts_a_client_sends_are_accepted_within_a_cent(sent, ok):
    assert matches_computed(D(sent), D("100.00")) is ok


# --- properties ---

money = st.decimals(min_value=0, max_value=D("1000000"), places=2, allow_nan=False)
prices = st.decimals(min_value=0, max_value=D("100000"), places=4, allow_nan=False)
rates = st.decimals(min_value=0, max_value=1, places=4, allow_nan=False)
quantities = st.integers(min_value=0, max_value=100_000)
lines = st.lists(st.tuples(quantities, prices, st.lists(rates, max_size=4)), max_size=20)


def has_cents(value: Decimal) -> bool:
    return value.as_tuple().exponent == -2


@given(lines, st.lists(rates, max_size=4), rates, money)
def test_totals_add_up_and_are_always_in_cents(line_specs, header_rates, tax_rate, shipping):
    amounts = [line_amounts(q, price, line_rates) for q, price, line_rates in line_specs]

    totals = compute_totals(
        [a.net for a in amounts], header_rates, tax_rate=tax_rate, shipping=shipping
    )

    assert totals.gross == sum((a.net for a in amounts), start=D("0"))
    assert totals.gross - totals.discount == totals.taxable_base
    assert sum(totals.discount_steps, start=D("0")) == totals.discount
    assert totals.total == totals.taxable_base + totals.tax + totals.shipping
    every_amount = [totals.gross, totals.discount, totals.taxable_base, totals.tax]
    every_amount += [totals.shipping, totals.total, *totals.discount_steps]
    for a in amounts:
        every_amount += [a.gross, a.discount, a.net, *a.discount_steps]
    assert all(has_cents(value) for value in every_amount)


@given(quantities, prices, st.lists(rates, max_size=5))
def test_a_discount_is_never_negative_nor_above_the_gross(quantity, price, line_rates):
    amounts = line_amounts(quantity, price, line_rates)

    assert D("0") <= amounts.discount <= amounts.gross
    assert all(step >= 0 for step in amounts.discount_steps)
    assert amounts.net == amounts.gross - amounts.discount


@given(money, st.lists(rates, max_size=5))
def test_rates_in_sequence_equal_the_product_formula_within_rounding(amount, discount_rates):
    left, steps = apply_in_sequence(amount, discount_rates)

    exact = amount
    for rate in discount_rates:
        exact *= 1 - rate
    # each step rounds by at most half a cent
    assert abs(left - exact) <= D("0.005") * len(discount_rates)
    assert len(steps) == len(discount_rates)


@given(money, rates)
def test_a_tax_included_split_adds_back_up_to_the_total(total, tax_rate):
    base, tax = split_tax_included(total, tax_rate)

    assert base + tax == total
    assert has_cents(base)
    assert has_cents(tax)
    assert matches_computed(tax, to_cents(base * tax_rate))


def test_more_discounts_than_a_cascade_holds_are_refused_whole():
    from app.domain.errors import LimitExceeded
    from app.domain.money import MAX_DISCOUNTS, rate_errors

    [error] = rate_errors([Decimal("0.01")] * (MAX_DISCOUNTS + 1), ("lines", 0, "discounts"))

    assert isinstance(error, LimitExceeded)
    assert (error.path, error.message) == (
        ("lines", 0, "discounts"),
        "at most 10 discounts, got 11",
    )
    assert rate_errors([Decimal("0.01")] * MAX_DISCOUNTS, ("discounts",)) == []
