"""Order arithmetic: Decimal throughout, and every step rounds to cents, half up."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from app.domain.errors import DomainError, InputPath, Invalid, LimitExceeded
from app.domain.storable import INTEGER_MAX

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
ONE = Decimal("1")
DEFAULT_TAX_RATE = Decimal("0.18")  # Peru's IGV; a company may carry its own rate
AMOUNT_TOLERANCE = Decimal("0.01")  # how far an amount a client sends may be from ours
MAX_AMOUNT = Decimal("1e12")  # NUMERIC(14, 2) holds less than this
MAX_DISCOUNTS = 10  # per line and per order
MAX_QUANTITY = 1_000_000_000  # fits the INTEGER columns with room for sums
MAX_TOTAL_QUANTITY = INTEGER_MAX  # what an order's lines may add up to
RATE_PLACES = Decimal("0.0001")  # NUMERIC(7, 4)


def to_cents(amount: Decimal) -> Decimal:
    """The one rounding rule of the product: to 2 places, half up (0.005 -> 0.01)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class LineAmounts:
    gross: Decimal  # quantity x unit price
    discount: Decimal  # what the line discounts took, all together
    net: Decimal  # the line amount: gross - discount
    discount_steps: tuple[Decimal, ...] = ()  # what each line discount took, in order


@dataclass(frozen=True, slots=True)
class Totals:
    gross: Decimal  # sum of the line amounts (already net of line discounts)
    discount: Decimal  # what the header discounts took, all together
    taxable_base: Decimal  # baseImponible
    tax: Decimal  # igv
    shipping: Decimal
    total: Decimal
    discount_steps: tuple[Decimal, ...] = ()  # what each header discount took, in order


def rate_errors(rates: Sequence[Decimal], path: InputPath) -> list[DomainError]:
    """Input check for discount rates: each is a fraction from 0 to 1 (0.10 means 10 %).

    `path` names the list of discounts; each error points at its discount's `rate`. A list
    longer than MAX_DISCOUNTS is refused whole: cascades of three are what the seeds know.

    Returned rather than raised so a caller can report them along with its other violations.
    """
    if len(rates) > MAX_DISCOUNTS:
        return [LimitExceeded(f"at most {MAX_DISCOUNTS} discounts, got {len(rates)}", path=path)]
    errors: list[DomainError] = []
    for i, rate in enumerate(rates):
        if not rate.is_finite() or not ZERO <= rate <= ONE:
            message = f"a rate must be between 0 and 1 (0.10 means 10 %), got {rate}"
            errors.append(Invalid(message, path=(*path, i, "rate")))
        elif rate != rate.quantize(RATE_PLACES):  # stored to 4 places: computed to 4 places
            errors.append(Invalid("a rate has at most 4 decimal places", path=(*path, i, "rate")))
    return errors


def apply_in_sequence(
    amount: Decimal, discount_rates: Sequence[Decimal]
) -> tuple[Decimal, list[Decimal]]:
    """Each rate applies to what the previous one left: 10 % then 5 % takes 14.5 %, not 15 %.

    Returns what is left and what each step took. Each step's amount is rounded to cents
    before it is subtracted, so the steps always add up exactly to the discount stored.
    """
    left = to_cents(amount)
    steps: list[Decimal] = []
    for rate in discount_rates:
        if not ZERO <= rate <= ONE:
            # rate_errors() reports this to the client first; reaching here is a bug
            raise ValueError(f"discount rate out of range: {rate}")
        step = to_cents(left * rate)
        steps.append(step)
        left -= step
    return left, steps


def line_amounts(
    quantity: int, unit_price: Decimal, discount_rates: Sequence[Decimal] = ()
) -> LineAmounts:
    """Line amount = quantity x unit price, less the line's discounts in sequence."""
    if quantity < 0 or unit_price < 0:
        raise ValueError(f"quantity and unit price must not be negative: {quantity}, {unit_price}")
    gross = to_cents(quantity * unit_price)
    net, steps = apply_in_sequence(gross, discount_rates)
    return LineAmounts(gross=gross, discount=gross - net, net=net, discount_steps=tuple(steps))


def compute_totals(
    line_nets: Iterable[Decimal],
    header_discount_rates: Sequence[Decimal] = (),
    *,
    tax_rate: Decimal,
    shipping: Decimal = ZERO,
) -> Totals:
    """Header discounts apply after the line discounts; tax is on the base; shipping is not taxed.

    Prices are taken as tax-exclusive. For a total that already includes tax, use
    split_tax_included().
    """
    gross = to_cents(sum(line_nets, start=ZERO))
    base, steps = apply_in_sequence(gross, header_discount_rates)
    tax = to_cents(base * tax_rate)
    shipping = to_cents(shipping)
    return Totals(
        gross=gross,
        discount=gross - base,
        taxable_base=base,
        tax=tax,
        shipping=shipping,
        total=base + tax + shipping,
        discount_steps=tuple(steps),
    )


def split_tax_included(total: Decimal, tax_rate: Decimal) -> tuple[Decimal, Decimal]:
    """Split a tax-inclusive amount into (base, tax), as the seeds do (3386.00 -> 2869.49 + 516.51).

    The base is rounded and the tax takes the remainder, so base + tax is exactly the total.
    """
    total = to_cents(total)
    base = to_cents(total / (ONE + tax_rate))
    return base, total - base


def matches_computed(sent: Decimal, computed: Decimal) -> bool:
    """A client's amount is accepted when it is within a cent of ours (rounding differences)."""
    return abs(sent - computed) <= AMOUNT_TOLERANCE
