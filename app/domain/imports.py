"""Rules of the bulk operations: payload limits, imported order content, and change detection.

Orders imported from another system arrive as text (dates as the ERP wrote them) and as history
(any status, delivered quantities already known). These rules check them without a database, and
reduce an order to a canonical content whose fingerprint tells UNCHANGED from UPDATED.
"""

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, NamedTuple

from app.domain import money, storable
from app.domain.catalog import name_errors
from app.domain.deliveries import LineQuantities, line_status
from app.domain.errors import DomainError, InputPath, Invalid, LimitExceeded, NotUnique
from app.domain.new_order import MAX_LINES
from app.domain.vocabulary import LineStatus, OrderStatus

MAX_ITEMS = 1000  # orders per bulkImportOrders call, items per batchUpdateOrders call
MAX_SUGGESTIONS = 200  # products in one client's quick-order list
MAX_QUANTITY = money.MAX_QUANTITY
MAX_AMOUNT = money.MAX_AMOUNT
RATE_PLACES = money.RATE_PLACES


class ImportOutcome(StrEnum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    UNCHANGED = "UNCHANGED"
    FAILED = "FAILED"


def size_errors(count: int, *, path: InputPath, noun: str) -> list[DomainError]:
    """A bulk call carries at least one item and at most MAX_ITEMS."""
    if count == 0:
        return [Invalid(f"send at least one {noun}", path=path)]
    if count > MAX_ITEMS:
        return [
            LimitExceeded(
                f"at most {MAX_ITEMS} {noun}s per call, got {count}; send them in several calls",
                path=path,
            )
        ]
    return []


def under(prefix: InputPath, errors: Iterable[DomainError]) -> list[DomainError]:
    """The errors with paths from the whole input: ("lines", 1) -> ("orders", 3, "lines", 1)."""
    return [type(error)(error.message, path=(*prefix, *error.path)) for error in errors]


def repeated(keys: Sequence[Hashable | None]) -> dict[int, list[int]]:
    """For every index whose key occurs again: the other indexes with it (None never repeats)."""
    seen: dict[Hashable, list[int]] = defaultdict(list)
    for index, key in enumerate(keys):
        if key is not None:
            seen[key].append(index)
    return {
        index: [other for other in indexes if other != index]
        for indexes in seen.values()
        if len(indexes) > 1
        for index in indexes
    }


def repeat_errors(
    keys: Sequence[Hashable | None], *, field: str, what: str, at: str
) -> dict[int, DomainError]:
    """NOT_UNIQUE for each item whose key another item of the same call repeats, naming both."""
    return {
        index: NotUnique(
            f"{what} is also at {', '.join(f'{at}.{other}' for other in others)}; send it once",
            path=(field,),
        )
        for index, others in repeated(keys).items()
    }


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_day(text: str | None, path: InputPath, errors: list[DomainError]) -> date | None:
    """A calendar date written YYYY-MM-DD; anything else is added to `errors`."""
    if text is None:
        return None
    try:
        day = date.fromisoformat(text.strip()) if _DAY.fullmatch(text.strip()) else None
    except ValueError:
        day = None
    if day is None:
        errors.append(Invalid(f"{text!r} is not a date; write YYYY-MM-DD", path=path))
    elif not storable.day_in_range(day):
        errors.append(Invalid(f"{text!r} is out of range; give {storable.DAY_RANGE}", path=path))
    else:
        return day
    return None


def parse_instant(text: str | None, path: InputPath, errors: list[DomainError]) -> datetime | None:
    """YYYY-MM-DD (midnight UTC) or an ISO 8601 date-time with its zone, e.g. ...T10:30:00-05:00."""
    if text is None:
        return None
    value = text.strip()
    if _DAY.fullmatch(value):
        day = parse_day(value, path, errors)
        return None if day is None else datetime(day.year, day.month, day.day, tzinfo=UTC)
    try:
        instant = datetime.fromisoformat(value) if _DAY.match(value) else None
    except ValueError:
        instant = None
    if instant is None:
        message = f"{text!r} is not a date; write YYYY-MM-DD or e.g. 2025-12-03T10:30:00-05:00"
    elif instant.tzinfo is None:
        message = f"{text!r} has no zone; add one, e.g. Z or -05:00"
    elif not storable.instant_in_range(instant):
        message = f"{text!r} is out of range; give {storable.INSTANT_RANGE}"
    else:
        return instant.astimezone(UTC)
    errors.append(Invalid(message, path=path))
    return None


def amount_errors(amount: Decimal, path: InputPath) -> list[DomainError]:
    """A price or amount: finite, not negative, in cents, and storable."""
    if not amount.is_finite() or amount < 0:
        return [Invalid("must be a number not below 0", path=path)]
    if amount != amount.quantize(money.CENT):
        return [Invalid("at most 2 decimal places", path=path)]
    if amount >= MAX_AMOUNT:
        return [Invalid(f"must be below {MAX_AMOUNT:,.0f}", path=path)]
    return []


def quantity_errors(quantity: int, path: InputPath) -> list[DomainError]:
    if not 0 < quantity <= MAX_QUANTITY:
        return [Invalid(f"must be from 1 to {MAX_QUANTITY:,}", path=path)]
    return []


_UNDELIVERED = frozenset({OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.SHIPPED})


def delivered_quantities(
    status: OrderStatus, lines: Sequence[tuple[int, int | None]]
) -> tuple[list[int], list[DomainError]]:
    """Delivered units per line, given as (ordered, delivered or None), checked against the status.

    Left out, a line of a DELIVERED order counts as fully delivered and any other as undelivered.
    Nothing is delivered before PARTIALLY_DELIVERED; a DELIVERED order has everything delivered.
    """
    errors: list[DomainError] = []
    delivered: list[int] = []
    for i, (ordered, given) in enumerate(lines):
        value = (ordered if status is OrderStatus.DELIVERED else 0) if given is None else given
        path = ("lines", i, "delivered_quantity")
        if not 0 <= value <= max(ordered, 0):
            errors.append(Invalid(f"must be from 0 to the {ordered} ordered", path=path))
        elif status in _UNDELIVERED and value:
            errors.append(Invalid(f"nothing is delivered on a {status} order", path=path))
        elif status is OrderStatus.DELIVERED and value != ordered:
            errors.append(Invalid("a DELIVERED order has every unit delivered", path=path))
        delivered.append(value)
    if not errors:
        errors.extend(_status_errors(status, sum(q for q, _ in lines), sum(delivered)))
    return delivered, errors


def _status_errors(status: OrderStatus, ordered: int, delivered: int) -> list[DomainError]:
    if status is OrderStatus.PARTIALLY_DELIVERED and not 0 < delivered < ordered:
        message = "a PARTIALLY_DELIVERED order has some units delivered and some pending"
        return [Invalid(message, path=("status",))]
    if status is OrderStatus.CANCELLED and ordered and delivered == ordered:
        return [Invalid("an order delivered in full cannot be CANCELLED", path=("status",))]
    return []


def imported_line_status(status: OrderStatus, ordered: int, delivered: int) -> LineStatus:
    """As the lifecycle would have left it: a cancelled order's undelivered lines are CANCELLED."""
    if status is OrderStatus.CANCELLED and delivered == 0:
        return LineStatus.CANCELLED
    return line_status(LineQuantities(0, "", 1, ordered, delivered, 0))


INSTANTS = ("ordered_at", "confirmed_at", "shipped_at", "delivered_at", "cancelled_at")


@dataclass(frozen=True, slots=True)
class Checked:
    """What the checks made of an imported order's text: its dates and delivered units."""

    instants: dict[str, datetime | None]  # INSTANTS, in UTC
    estimated_delivery_on: date | None
    line_days: list[date | None]  # each line's estimated delivery
    delivered: list[int]  # each line's delivered units


def check_order(given: Any) -> tuple[Checked, list[DomainError]]:
    """Every check of an imported order that needs no database, all reported at once.

    `given` is the order as sent: the fields of ImportOrderInput, lines and discounts included.
    """
    # the identity an import is idempotent on: a blank one would match other blank ones
    errors = [*name_errors(given.source, "source"), *name_errors(given.external_id, "external_id")]
    instants = {name: parse_instant(getattr(given, name), (name,), errors) for name in INSTANTS}
    estimated = parse_day(given.estimated_delivery_on, ("estimated_delivery_on",), errors)
    days = [
        parse_day(line.estimated_delivery_on, ("lines", j, "estimated_delivery_on"), errors)
        for j, line in enumerate(given.lines)
    ]
    if not 0 < len(given.lines) <= MAX_LINES:
        errors.append(Invalid(f"an order has 1 to {MAX_LINES} lines", path=("lines",)))
    for j, line in enumerate(given.lines):
        errors.extend(quantity_errors(line.quantity, ("lines", j, "quantity")))
        if line.units is not None:
            errors.extend(quantity_errors(line.units, ("lines", j, "units")))
        if line.unit_price is not None:
            errors.extend(amount_errors(line.unit_price, ("lines", j, "unit_price")))
        errors.extend(
            money.rate_errors([d.rate for d in line.discounts], ("lines", j, "discounts"))
        )
    wanted = [(line.quantity, line.delivered_quantity) for line in given.lines]
    delivered, wrong = delivered_quantities(OrderStatus(given.status), wanted)
    errors.extend(wrong)
    errors.extend(money.rate_errors([d.rate for d in given.discounts], ("discounts",)))
    errors.extend(amount_errors(given.shipping_amount, ("shipping_amount",)))
    return Checked(instants, estimated, days, delivered), errors


def text_errors(values: Mapping[str, str | None], limits: Mapping[str, int]) -> list[DomainError]:
    """Text longer than its column holds, reported on the field rather than failing the write."""
    return [
        Invalid(f"at most {limits[name]} characters", path=(name,))
        for name, value in values.items()
        if value is not None and name in limits and len(value) > limits[name]
    ]


_WHO = frozenset({"created_by", "updated_by"})


def compared_fields(
    order: Mapping[str, Any], line: Mapping[str, Any], discount: Mapping[str, Any] | None
) -> dict[str, tuple[str, ...]]:
    """What a re-import compares: every column a payload's rows set, except who set them.

    Taken from the rows themselves, so a column the import starts to set is compared too.
    """
    return {
        "order": tuple(name for name in order if name not in _WHO),
        "line": tuple(line),
        "discount": tuple(discount or ()),
    }


def content(
    order: Mapping[str, Any],
    lines: Sequence[Mapping[str, Any]],
    line_discounts: Sequence[Sequence[Mapping[str, Any]]],
    header_discounts: Sequence[Mapping[str, Any]],
    *,
    fields: Mapping[str, Sequence[str]],
) -> dict[str, Any]:
    """An order reduced to JSON values: the same for a payload and for the rows it was stored as.

    Decimals lose trailing zeros (10 and 10.00 agree), instants are UTC, enums their values.
    """
    found = {name: _plain(order.get(name)) for name in fields["order"]}
    found["discounts"] = [_pick(row, fields["discount"]) for row in header_discounts]
    found["lines"] = [
        _pick(line, fields["line"])
        | {"discounts": [_pick(row, fields["discount"]) for row in rows]}
        for line, rows in zip(lines, line_discounts, strict=True)
    ]
    return found


def fingerprint(found: Mapping[str, Any]) -> str:
    """A short digest of a content: equal contents, equal fingerprints."""
    text = json.dumps(found, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """The top-level fields whose values differ, in the order of `after`."""
    return [name for name in after if before.get(name) != after[name]]


def _pick(row: Mapping[str, Any], names: Sequence[str]) -> dict[str, Any]:
    return {name: _plain(row.get(name)) for name in names}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value


class Suggestion(NamedTuple):
    """One item of a quick-order list, its product looked up (None when the code names nothing)."""

    product_code: str
    product_id: int | None
    units: int
    quantity: int
    display_in_group: Any


def suggestion_errors(items: Sequence[Suggestion]) -> list[DomainError]:
    """A quick-order list: positive numbers, each (product, units) once, a list of displays."""
    errors: list[DomainError] = []
    if len(items) > MAX_SUGGESTIONS:
        message = f"at most {MAX_SUGGESTIONS} suggestions per client, got {len(items)}"
        errors.append(LimitExceeded(message, path=("items",)))
    for i, item in enumerate(items):
        errors.extend(quantity_errors(item.units, ("items", i, "units")))
        errors.extend(quantity_errors(item.quantity, ("items", i, "quantity")))
        if not isinstance(item.display_in_group, list):
            errors.append(Invalid("must be a list", path=("items", i, "display_in_group")))
    keys = [None if item.product_id is None else (item.product_id, item.units) for item in items]
    for i, others in repeated(keys).items():
        if others[0] < i:  # the first stays; each repeat is refused
            item = items[i]
            message = (
                f"{item.product_code} in units of {item.units} is already at items.{others[0]}"
            )
            errors.append(NotUnique(message, path=("items", i, "product_code")))
    return errors
