"""Rules for the content of an order being created or updated: defaults, parties, lines, amounts.

Every check returns its violations instead of raising, so one pass reports them all together.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from app.domain import money
from app.domain.errors import DomainError, InputPath, Invalid, NotFound
from app.domain.vocabulary import OrderType, PartnerRole

DELIVERY_LEAD = timedelta(days=7)
CUSTOMS_NOTE = "Customs handling: cross-border shipment; export documents travel with the goods."
MAX_LINES = 500


def default_estimated_delivery(ordered_at: datetime) -> date:
    """One week after the order date, as the seeds' services do.

    Kept at the calendar's last day rather than overflowing: an order date near it is not
    refused by every caller (createOrder takes any DateTime).
    """
    day = ordered_at.date()
    return day + DELIVERY_LEAD if day <= date.max - DELIVERY_LEAD else date.max


def observations_for(order_type: OrderType, observations: str | None) -> str | None:
    """INTERNATIONAL orders get the customs note added to their observations when created."""
    if order_type is not OrderType.INTERNATIONAL:
        return observations
    if observations and CUSTOMS_NOTE in observations:
        return observations
    return f"{observations}\n{CUSTOMS_NOTE}" if observations else CUSTOMS_NOTE


@dataclass(frozen=True, slots=True)
class PartyView:
    """What the rules need to know of a client or agent row."""

    id: int
    company_id: int
    roles: Sequence[str]


@dataclass(frozen=True, slots=True)
class AddressView:
    id: int
    partner_id: int
    is_shipping: bool
    is_billing: bool


def party_errors(
    party: PartyView | None, role: PartnerRole, *, company_id: int, path: InputPath
) -> list[DomainError]:
    """The client must be a CLIENT and the agent a REPRESENTATIVE, both of the order's company."""
    noun = "client" if role is PartnerRole.CLIENT else "agent"
    if party is None:
        return [NotFound(f"no {noun} with this id", path=path)]
    if party.company_id != company_id:
        return [Invalid(f"the {noun} belongs to another company", path=path)]
    if role.value not in party.roles:
        return [Invalid(f"this partner does not have the {role.value} role", path=path)]
    return []


def address_errors(
    address: AddressView | None, *, client_id: int, shipping: bool, path: InputPath
) -> list[DomainError]:
    """An address must be the client's own and flagged for its use (shipping or billing)."""
    use = "shipping" if shipping else "billing"
    if address is None:
        return [NotFound("no address with this id", path=path)]
    if address.partner_id != client_id:
        return [Invalid("the address is not one of the client's", path=path)]
    if not (address.is_shipping if shipping else address.is_billing):
        return [Invalid(f"the address is not flagged for {use}", path=path)]
    return []


@dataclass(frozen=True, slots=True)
class LineRequest:
    """A line as requested, with the product already looked up (None when it does not exist)."""

    product_id: int | None
    product_company_id: int | None
    quantity: int
    unit_price: Decimal
    discount_rates: Sequence[Decimal]
    units: int | None = None


def line_errors(
    lines: Sequence[LineRequest], *, company_id: int | None, path: InputPath = ("lines",)
) -> list[DomainError]:
    """Every line's own problems; products are checked only when the company is known (not None)."""
    errors: list[DomainError] = []
    if not lines:
        errors.append(Invalid("an order needs at least one line", path=path))
    if len(lines) > MAX_LINES:
        errors.append(Invalid(f"at most {MAX_LINES} lines per order", path=path))
    errors.extend(total_quantity_errors([line.quantity for line in lines], path))
    for i, line in enumerate(lines):
        at = (*path, i)
        unknown = line.product_id is None or line.product_company_id != company_id
        if company_id is not None and unknown:
            errors.append(
                NotFound("no product with this id in the company", path=(*at, "product_id"))
            )
        if line.quantity <= 0:
            errors.append(Invalid("the quantity must be greater than 0", path=(*at, "quantity")))
        elif line.quantity > money.MAX_QUANTITY:
            message = f"the quantity must be at most {money.MAX_QUANTITY:,}"
            errors.append(Invalid(message, path=(*at, "quantity")))
        if line.units is not None and line.units <= 0:
            errors.append(Invalid("units must be greater than 0", path=(*at, "units")))
        errors.extend(price_errors(line.unit_price, (*at, "unit_price")))
        errors.extend(money.rate_errors(line.discount_rates, (*at, "discounts")))
    return errors


def total_quantity_errors(quantities: Sequence[int], path: InputPath) -> list[DomainError]:
    """Each quantity fits its column, but the order's total_quantity (INTEGER) holds their sum."""
    total = sum(q for q in quantities if 0 < q <= money.MAX_QUANTITY)  # the others get their own
    if total > money.MAX_TOTAL_QUANTITY:
        message = f"the lines' quantities must add up to at most {money.MAX_TOTAL_QUANTITY:,}"
        return [Invalid(message, path=path)]
    return []


def stored_amount_errors(
    line_grosses: Sequence[Decimal], totals: money.Totals, path: InputPath = ("lines",)
) -> list[DomainError]:
    """Amounts computed from storable inputs may still not fit NUMERIC(14, 2): refuse them here.

    A line's largest amount is its gross (quantity x unit price), reported on its quantity, the one
    part a client always sends. The order's largest are its gross and its total (tax and shipping
    added); they are reported on the lines only when no single line is already too large.
    """
    errors: list[DomainError] = [
        Invalid(
            f"quantity x unit price must be below {money.MAX_AMOUNT:,.0f}",
            path=(*path, i, "quantity"),
        )
        for i, gross in enumerate(line_grosses)
        if gross >= money.MAX_AMOUNT
    ]
    if not errors and max(totals.gross, totals.total) >= money.MAX_AMOUNT:
        message = f"the order's amounts (tax included) must stay below {money.MAX_AMOUNT:,.0f}"
        errors.append(Invalid(message, path=path))
    return errors


def price_errors(amount: Decimal, path: InputPath) -> list[DomainError]:
    """Finite, not negative, storable, in cents.

    Checked in that order: rounding a huge or infinite number would itself fail.
    """
    if not amount.is_finite():
        return [Invalid("must be a finite number", path=path)]
    if amount < 0:
        return [Invalid("must not be negative", path=path)]
    if amount >= money.MAX_AMOUNT:
        return [Invalid(f"must be below {money.MAX_AMOUNT:,.0f}", path=path)]
    if amount != amount.quantize(money.CENT):
        return [Invalid("at most 2 decimal places", path=path)]
    return []


def sent_amount_errors(
    sent: dict[str, Decimal | None], computed: money.Totals
) -> list[DomainError]:
    """Amounts a client sends are checked against ours, to the cent."""
    ours = {
        "gross_amount": computed.gross,
        "discount_amount": computed.discount,
        "taxable_base": computed.taxable_base,
        "tax_amount": computed.tax,
        "total_amount": computed.total,
    }
    return [
        Invalid(f"sent {value}, but the lines give {ours[name]}", path=(name,))
        for name, value in sent.items()
        if value is not None
        and (not value.is_finite() or not money.matches_computed(value, ours[name]))
    ]
