"""The bulk operations' pure rules: limits, import checks, change detection. No database."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from app.domain import imports, new_order, storable
from app.domain.errors import DomainError, Invalid, LimitExceeded, NotFound, NotUnique
from app.domain.imports import Suggestion
from app.domain.vocabulary import LineStatus, OrderStatus

PARTLY = "a PARTIALLY_DELIVERED order has some units delivered and some pending"


def described(errors: list[DomainError]) -> list[tuple[str, tuple[Any, ...], str]]:
    return [(error.code.value, error.path, error.message) for error in errors]


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (0, [("INVALID", ("orders",), "send at least one order")]),
        (1, []),
        (1000, []),
        (1001, [("LIMIT_EXCEEDED", ("orders",),
                 "at most 1000 orders per call, got 1001; send them in several calls")]),
    ],
)  # fmt: skip
def test_a_bulk_call_carries_one_to_a_thousand_items(count, expected):
    assert described(imports.size_errors(count, path=("orders",), noun="order")) == expected


def test_errors_are_placed_under_their_item_keeping_their_kind():
    placed = imports.under(("orders", 3), [NotFound("gone", path=("lines", 1, "product_code"))])

    assert [(type(e), e.path, e.message) for e in placed] == [
        (NotFound, ("orders", 3, "lines", 1, "product_code"), "gone")
    ]


def test_repeats_name_every_other_place_and_none_never_repeats():
    keys = ["a", "b", "a", None, None, "a"]

    assert imports.repeated(keys) == {0: [2, 5], 2: [0, 5], 5: [0, 2]}
    errors = imports.repeat_errors(keys, field="external_id", what="this id", at="orders")
    assert {i: (type(e), e.path, e.message) for i, e in errors.items()} == {
        0: (NotUnique, ("external_id",), "this id is also at orders.2, orders.5; send it once"),
        2: (NotUnique, ("external_id",), "this id is also at orders.0, orders.5; send it once"),
        5: (NotUnique, ("external_id",), "this id is also at orders.0, orders.2; send it once"),
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2025-12-03", date(2025, 12, 3)), (" 2024-02-29 ", date(2024, 2, 29)), (None, None)],
)
def test_a_day_is_written_year_month_day(text, expected):
    errors: list[DomainError] = []
    assert imports.parse_day(text, ("on",), errors) == expected
    assert errors == []


@pytest.mark.parametrize("text", ["2025-02-30", "20251203", "2025-1-3", "03/12/2025", ""])
def test_anything_else_is_not_a_day(text):
    errors: list[DomainError] = []

    assert imports.parse_day(text, ("on",), errors) is None
    assert described(errors) == [("INVALID", ("on",), f"{text!r} is not a date; write YYYY-MM-DD")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-12-03", datetime(2025, 12, 3, tzinfo=UTC)),
        ("2025-12-03T10:30:00-05:00", datetime(2025, 12, 3, 15, 30, tzinfo=UTC)),
        ("2025-12-03T10:30:00Z", datetime(2025, 12, 3, 10, 30, tzinfo=UTC)),
        ("2025-12-03 10:30:00.250+01:00", datetime(2025, 12, 3, 9, 30, 0, 250000, tzinfo=UTC)),
    ],
)
def test_an_instant_is_a_day_or_a_zoned_date_time_kept_in_utc(text, expected):
    errors: list[DomainError] = []

    instant = imports.parse_instant(text, ("at",), errors)

    assert (instant, instant.tzinfo, errors) == (expected, UTC, [])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-12-03T10:30:00", "'2025-12-03T10:30:00' has no zone; add one, e.g. Z or -05:00"),
        ("yesterday", "'yesterday' is not a date; write YYYY-MM-DD or e.g."
                      " 2025-12-03T10:30:00-05:00"),
        ("2025-13-03T10:00Z", "'2025-13-03T10:00Z' is not a date; write YYYY-MM-DD or e.g."
                              " 2025-12-03T10:30:00-05:00"),
        ("2025-02-30", "'2025-02-30' is not a date; write YYYY-MM-DD"),
    ],
)  # fmt: skip
def test_an_instant_without_zone_or_calendar_sense_is_refused(text, message):
    errors: list[DomainError] = []

    assert imports.parse_instant(text, ("at",), errors) is None
    assert described(errors) == [("INVALID", ("at",), message)]


def _out_of_range(text: str) -> str:
    return f"{text!r} is out of range; give " + (
        storable.INSTANT_RANGE if "T" in text else storable.DAY_RANGE
    )


@pytest.mark.parametrize(
    "text",
    [
        "9999-12-31T23:00:00-05:00",  # past year 9999 once in UTC
        "0001-01-01T00:30:00+01:00",  # before year 1 once in UTC
        "9999-12-30",
        "0001-01-01",
        "1900-12-31T23:59:59Z",
        "8999-12-31T23:30:00-05:00",  # year 9000 in UTC
        "9000-01-01",
    ],
)
def test_an_instant_outside_the_business_years_is_refused_not_overflowed(text):
    errors: list[DomainError] = []

    assert imports.parse_instant(text, ("at",), errors) is None
    assert described(errors) == [("INVALID", ("at",), _out_of_range(text))]


@pytest.mark.parametrize("text", ["1901-01-01", "8999-12-31", "8999-12-31T20:30:00-02:00"])
def test_the_first_and_last_business_years_are_accepted(text):
    errors: list[DomainError] = []

    assert imports.parse_instant(text, ("at",), errors) is not None
    assert errors == []


@pytest.mark.parametrize("text", ["0001-01-01", "1900-12-31", "9000-01-01", "9999-12-31"])
def test_a_day_outside_the_business_years_is_refused(text):
    errors: list[DomainError] = []

    assert imports.parse_day(text, ("on",), errors) is None
    assert described(errors) == [("INVALID", ("on",), _out_of_range(text))]


@pytest.mark.parametrize(
    ("ordered_at", "expected"),
    [
        (datetime(2025, 3, 1, 22, tzinfo=timezone(timedelta(hours=-5))), date(2025, 3, 8)),
        (datetime(9999, 12, 20, tzinfo=UTC), date(9999, 12, 27)),
        (datetime(9999, 12, 30, tzinfo=UTC), date.max),
    ],
)
def test_the_default_delivery_is_a_week_later_and_never_past_the_calendar(ordered_at, expected):
    assert new_order.default_estimated_delivery(ordered_at) == expected


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (Decimal("NaN"), "must be a number not below 0"),
        (Decimal("-0.01"), "must be a number not below 0"),
        (Decimal("1.005"), "at most 2 decimal places"),
        (Decimal("1e12"), "must be below 1,000,000,000,000"),
    ],
)
def test_an_amount_is_cents_that_fit_the_column(amount, message):
    assert described(imports.amount_errors(amount, ("unit_price",))) == [
        ("INVALID", ("unit_price",), message)
    ]
    assert imports.amount_errors(Decimal("999999999999.99"), ("x",)) == []


@pytest.mark.parametrize(
    ("status", "given", "delivered", "errors"),
    [
        (OrderStatus.PENDING, [None, None], [0, 0], []),
        (OrderStatus.DELIVERED, [None, None], [4, 2], []),
        (OrderStatus.DELIVERED, [4, None], [4, 2], []),
        (OrderStatus.PARTIALLY_DELIVERED, [4, 1], [4, 1], []),
        (OrderStatus.CANCELLED, [1, None], [1, 0], []),
        (OrderStatus.CONFIRMED, [0, 1], [0, 1], [
            (("lines", 1, "delivered_quantity"), "nothing is delivered on a CONFIRMED order")]),
        (OrderStatus.DELIVERED, [3, None], [3, 2], [
            (("lines", 0, "delivered_quantity"), "a DELIVERED order has every unit delivered")]),
        (OrderStatus.SHIPPED, [5, -1], [5, -1], [
            (("lines", 0, "delivered_quantity"), "must be from 0 to the 4 ordered"),
            (("lines", 1, "delivered_quantity"), "must be from 0 to the 2 ordered")]),
        (OrderStatus.PARTIALLY_DELIVERED, [4, 2], [4, 2], [
            (("status",), PARTLY)]),
        (OrderStatus.PARTIALLY_DELIVERED, [None, None], [0, 0], [
            (("status",), PARTLY)]),
        (OrderStatus.CANCELLED, [4, 2], [4, 2], [
            (("status",), "an order delivered in full cannot be CANCELLED")]),
    ],
)  # fmt: skip
def test_delivered_quantities_follow_from_the_status(status, given, delivered, errors):
    lines = list(zip([4, 2], given, strict=True))

    found, wrong = imports.delivered_quantities(status, lines)

    assert found == delivered
    assert [(e.path, e.message) for e in wrong] == errors


@pytest.mark.parametrize(
    ("status", "ordered", "delivered", "line"),
    [
        (OrderStatus.PENDING, 3, 0, LineStatus.OPEN),
        (OrderStatus.PARTIALLY_DELIVERED, 3, 1, LineStatus.PARTIALLY_DELIVERED),
        (OrderStatus.DELIVERED, 3, 3, LineStatus.DELIVERED),
        (OrderStatus.CANCELLED, 3, 0, LineStatus.CANCELLED),
        (OrderStatus.CANCELLED, 3, 2, LineStatus.PARTIALLY_DELIVERED),
    ],
)
def test_an_imported_line_has_the_status_the_lifecycle_would_have_left(
    status, ordered, delivered, line
):
    assert imports.imported_line_status(status, ordered, delivered) is line


@dataclass
class Rate:
    rate: Decimal


@dataclass
class Line:
    quantity: int = 2
    units: int | None = None
    unit_price: Decimal | None = None
    delivered_quantity: int | None = None
    estimated_delivery_on: str | None = None
    discounts: list[Rate] = field(default_factory=list)


@dataclass
class Order:
    """The fields of ImportOrderInput that check_order reads."""

    source: str = "ERP"
    external_id: str = "E-1"
    ordered_at: str = "2025-03-01"
    confirmed_at: str | None = None
    shipped_at: str | None = None
    delivered_at: str | None = None
    cancelled_at: str | None = None
    estimated_delivery_on: str | None = None
    status: OrderStatus = OrderStatus.PENDING
    shipping_amount: Decimal = Decimal("0")
    discounts: list[Rate] = field(default_factory=list)
    lines: list[Line] = field(default_factory=lambda: [Line()])


def test_check_order_parses_what_it_checks():
    order = Order(
        status=OrderStatus.DELIVERED,
        delivered_at="2025-03-04T09:00:00-05:00",
        lines=[Line(estimated_delivery_on="2025-03-03"), Line(quantity=5)],
    )

    checked, errors = imports.check_order(order)

    assert errors == []
    assert checked.instants == {
        "ordered_at": datetime(2025, 3, 1, tzinfo=UTC),
        "confirmed_at": None,
        "shipped_at": None,
        "delivered_at": datetime(2025, 3, 4, 14, tzinfo=UTC),
        "cancelled_at": None,
    }
    assert (checked.estimated_delivery_on, checked.line_days) == (None, [date(2025, 3, 3), None])
    assert checked.delivered == [2, 5]


def test_check_order_reports_every_problem_at_once():
    order = Order(
        ordered_at="soon",
        shipping_amount=Decimal("-1"),
        discounts=[Rate(Decimal("2"))],
        lines=[
            Line(quantity=0, units=0, unit_price=Decimal("0.001"), discounts=[Rate(Decimal("-1"))]),
            Line(delivered_quantity=1, estimated_delivery_on="2025-02-30"),
        ],
    )

    _, errors = imports.check_order(order)

    assert [(type(e), e.path) for e in errors] == [
        (Invalid, ("ordered_at",)),
        (Invalid, ("lines", 1, "estimated_delivery_on")),
        (Invalid, ("lines", 0, "quantity")),
        (Invalid, ("lines", 0, "units")),
        (Invalid, ("lines", 0, "unit_price")),
        (Invalid, ("lines", 0, "discounts", 0, "rate")),
        (Invalid, ("lines", 1, "delivered_quantity")),
        (Invalid, ("discounts", 0, "rate")),
        (Invalid, ("shipping_amount",)),
    ]


@pytest.mark.parametrize(("source", "external_id"), [("", "E-1"), ("ERP", " "), ("", "")])
def test_an_order_needs_a_source_and_an_external_id_to_be_known_by(source, external_id):
    _, errors = imports.check_order(Order(source=source, external_id=external_id))

    blank = [("source", source), ("external_id", external_id)]
    assert described(errors) == [
        ("INVALID", (name,), "must not be blank") for name, value in blank if not value.strip()
    ]


def test_an_order_has_one_to_five_hundred_lines():
    assert [e.path for e in imports.check_order(Order(lines=[]))[1]] == [("lines",)]
    assert [e.path for e in imports.check_order(Order(lines=[Line()] * 501))[1]] == [("lines",)]


def _content(**changes: Any) -> dict[str, Any]:
    order = {"number": "N-1", "status": OrderStatus.PENDING, "gross_amount": Decimal("20"),
             "ordered_at": datetime(2025, 3, 1, 10, tzinfo=UTC), "client_id": 7}  # fmt: skip
    line = {"position": 1, "unit_price": Decimal("10"), "quantity": 2,
            "estimated_delivery_on": date(2025, 3, 8)}  # fmt: skip
    discount = {"sequence": 1, "rate": Decimal("0.1"), "amount": Decimal("2")}
    fields = imports.compared_fields(order | {"created_by": "key"}, line, discount)
    order |= changes.pop("order", {})
    line |= changes.pop("line", {})
    return imports.content(order, [line], [[discount]], changes.pop("header", []), fields=fields)


def test_a_re_import_compares_the_columns_an_import_sets_but_not_who_set_them():
    fields = imports.compared_fields({"number": "N", "created_by": "k"}, {"quantity": 1}, None)

    assert fields == {"order": ("number",), "line": ("quantity",), "discount": ()}


def test_content_is_the_same_for_the_payload_and_the_rows_it_was_stored_as():
    stored = _content(
        order={
            "gross_amount": Decimal("20.00"),
            "ordered_at": datetime(2025, 3, 1, 5, tzinfo=timezone(timedelta(hours=-5))),
        },
        line={"unit_price": Decimal("10.00")},
    )

    assert stored == _content()
    assert imports.fingerprint(stored) == imports.fingerprint(_content())
    assert imports.changed_fields(stored, _content()) == []


def test_a_changed_field_or_line_changes_the_fingerprint_and_is_named():
    before = _content()
    after = _content(order={"status": OrderStatus.CONFIRMED}, line={"quantity": 3})

    assert imports.fingerprint(before) != imports.fingerprint(after)
    assert imports.changed_fields(before, after) == ["status", "lines"]
    header = [{"sequence": 1, "rate": Decimal("0.05"), "amount": Decimal("1")}]
    assert imports.changed_fields(before, _content(header=header)) == ["discounts"]


def test_text_longer_than_its_column_is_named():
    values = {"number": "N" * 33, "series": None, "note": "x" * 500, "source": "ERP"}

    assert described(imports.text_errors(values, {"number": 32, "series": 32, "source": 32})) == [
        ("INVALID", ("number",), "at most 32 characters")
    ]


def test_a_quick_order_list_has_positive_numbers_each_product_display_once():
    items = [
        Suggestion("529", 1, 1, 4, []),
        Suggestion("530", 2, 6, 0, [1]),
        Suggestion("529", 1, 1, 2, []),
        Suggestion("529", 1, 6, 1, []),
        Suggestion("NOPE", None, 1, 1, {}),
        Suggestion("NOPE", None, 1, 1, []),
    ]

    assert described(imports.suggestion_errors(items)) == [
        ("INVALID", ("items", 1, "quantity"), "must be from 1 to 1,000,000,000"),
        ("INVALID", ("items", 4, "display_in_group"), "must be a list"),
        ("NOT_UNIQUE", ("items", 2, "product_code"), "529 in units of 1 is already at items.0"),
    ]


def test_a_quick_order_list_is_bounded():
    items = [Suggestion(str(n), n, 1, 1, []) for n in range(imports.MAX_SUGGESTIONS + 1)]

    [error] = imports.suggestion_errors(items)

    assert (type(error), error.path) == (LimitExceeded, ("items",))
