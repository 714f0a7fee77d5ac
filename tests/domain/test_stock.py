"""The stock policy, pure: what is short, and how OUT_OF_STOCK is told to the client."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.errors import ErrorCode
from app.domain.stock import (
    InsufficientStock,
    Shortage,
    StockLine,
    out_of_stock_errors,
    requested_per_product,
    shortages,
)
from graphql_schema.errors import input_path

LINES = [StockLine(1, "SHOE-1", 4), StockLine(2, "BAG-2", 1), StockLine(1, "SHOE-1", 3)]


def told(errors):
    return [(e.code, input_path(e.path), e.message) for e in errors]


def test_lines_of_the_same_product_are_summed():
    assert requested_per_product(LINES) == {1: 7, 2: 1}
    assert requested_per_product([]) == {}


@pytest.mark.parametrize(
    ("available", "expected"),
    [
        ({1: 7, 2: 1}, []),  # exactly enough is enough
        ({1: 6, 2: 5}, [Shortage(1, 7, 6)]),
        ({2: 0}, [Shortage(1, 7, 0), Shortage(2, 1, 0)]),  # never stocked reads as 0
        ({1: -2, 2: 1}, [Shortage(1, 7, 0)]),  # never told as negative
    ],
)
def test_shortages(available, expected):
    assert shortages({2: 1, 1: 7}, available) == expected


@given(
    st.dictionaries(st.integers(1, 20), st.integers(1, 50), max_size=8),
    st.dictionaries(st.integers(1, 20), st.integers(0, 50), max_size=8),
)
def test_a_product_is_short_exactly_when_more_is_asked_than_is_available(requested, available):
    short = shortages(requested, available)
    assert [s.product_id for s in short] == sorted(
        p for p, q in requested.items() if q > available.get(p, 0)
    )
    assert all(s.requested == requested[s.product_id] for s in short)
    assert all(s.available == available.get(s.product_id, 0) for s in short)


def test_each_short_product_is_named_at_its_first_line_with_what_is_available():
    short = shortages(requested_per_product(LINES), {1: 5, 2: 0})
    assert told(out_of_stock_errors(LINES, short)) == [
        (ErrorCode.OUT_OF_STOCK, "lines.0.quantity", "product SHOE-1: 7 requested, 5 available"),
        (ErrorCode.OUT_OF_STOCK, "lines.1.quantity", "product BAG-2: 1 requested, 0 available"),
    ]


def test_the_first_line_is_counted_from_the_input_order():
    lines = [StockLine(2, "BAG-2", 1), StockLine(3, "HAT-3", 1), StockLine(3, "HAT-3", 9)]
    [error] = out_of_stock_errors(lines, [Shortage(3, 10, 4)])
    assert input_path(error.path) == "lines.1.quantity"
    assert error.message == "product HAT-3: 10 requested, 4 available"


def test_a_change_without_lines_points_at_its_own_path():
    errors = out_of_stock_errors(LINES, [Shortage(2, 1, 0)], path=("id",))
    assert told(errors) == [
        (ErrorCode.OUT_OF_STOCK, "id", "product BAG-2: 1 requested, 0 available")
    ]


def test_a_product_without_a_line_is_named_by_its_id():
    [error] = out_of_stock_errors(LINES, [Shortage(9, 2, 1)])
    assert (input_path(error.path), error.message) == (
        "lines",
        "product 9: 2 requested, 1 available",
    )


def test_no_shortage_no_error():
    assert out_of_stock_errors(LINES, []) == []


def test_insufficient_stock_carries_its_shortages():
    refusal = InsufficientStock([Shortage(1, 7, 5), Shortage(2, 1, 0)])
    assert refusal.shortages == [Shortage(1, 7, 5), Shortage(2, 1, 0)]
    assert str(refusal) == "1: 5, 2: 0"
