"""Rules for the catalog: what a company, partner, address, season, product can be given."""

import re
from collections.abc import Collection, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from app.domain.errors import DomainError, InputPath, Invalid, LimitExceeded, NotFound
from app.domain.vocabulary import PartnerRole

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,31}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def code_errors(code: str | None, field: str = "code") -> list[DomainError]:
    if code is None or _CODE.match(code):
        return []
    return [Invalid("a code is 1-32 letters, digits, '.', '_', '/' or '-'", path=(field,))]


def tax_rate_errors(rate: Decimal | None) -> list[DomainError]:
    if rate is None or Decimal("0") <= rate < Decimal("1"):
        return []
    return [
        Invalid("the tax rate is a fraction from 0 to below 1 (0.18 is 18 %)", path=("tax_rate",))
    ]


def currency_errors(currency: str | None) -> list[DomainError]:
    if currency is None or _CURRENCY.match(currency):
        return []
    return [Invalid("the currency is an ISO 4217 code such as PEN", path=("currency",))]


def name_errors(name: str | None, field: str = "name", prefix: InputPath = ()) -> list[DomainError]:
    if name is None or name.strip():
        return []
    return [Invalid("must not be blank", path=(*prefix, field))]


_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)*\.[A-Za-z]{2,}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_ZIP = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 -]*$")
_CENT = Decimal("0.01")
_PRICE_LIMIT = Decimal("1000000000000")  # Numeric(14, 2) holds 12 digits before the point
MAX_ADDRESSES = 50

# The longest value each text field may hold: the sizes of the columns behind them.
PARTNER_TEXT = {
    "name": 200,
    "tax_id": 32,
    "email": 254,
    "phone": 40,
    "store_code": 32,
    "route_code": 32,
    "external_id": 64,
}
ADDRESS_TEXT = {
    "address_line": 300,
    "city": 100,
    "region": 100,
    "zip_code": 20,
    "label": 100,
    "external_id": 64,
}
SEASON_TEXT = {"description": 200, "external_id": 64}
PRODUCT_TEXT = {"internal_code": 32, "name": 200, "external_id": 64}
PAYMENT_METHOD_TEXT = {"name": 100}


def text_errors(
    given: object, limits: Mapping[str, int], prefix: InputPath = ()
) -> list[DomainError]:
    """Values longer than their field holds; fields `given` lacks or leaves None pass."""
    return [
        Invalid(f"at most {limit} characters", path=(*prefix, name))
        for name, limit in limits.items()
        if len(getattr(given, name, None) or "") > limit
    ]


def email_errors(email: str | None) -> list[DomainError]:
    if email is None or _EMAIL.match(email):
        return []
    return [Invalid("not an email address such as ventas@example.pe", path=("email",))]


def partner_errors(given: Any) -> list[DomainError]:
    """A client's or agent's own fields; absent (None) fields keep their value and pass."""
    return [
        *code_errors(given.code),
        *name_errors(given.name),
        *email_errors(given.email),
        *text_errors(given, PARTNER_TEXT),
    ]


def roles_after(current: Collection[str], role: PartnerRole, also_other: bool | None) -> list[str]:
    """`role` always stays; `also_other` adds (True) or drops (False) the other role, None keeps."""
    other = next(each for each in PartnerRole if each is not role)
    roles = {*current, role.value}
    if also_other:
        roles.add(other.value)
    elif also_other is False:
        roles.discard(other.value)
    return sorted(roles)


def address_errors(addresses: Sequence[Any] | None) -> list[DomainError]:
    """Every problem of every address, each on its own path (`addresses.1.zipCode`)."""
    if addresses is None:
        return []
    if len(addresses) > MAX_ADDRESSES:
        return [LimitExceeded(f"at most {MAX_ADDRESSES} addresses", path=("addresses",))]
    errors: list[DomainError] = []
    for index, address in enumerate(addresses):
        at: InputPath = ("addresses", index)
        errors += name_errors(address.address_line, "address_line", at)
        errors += text_errors(address, ADDRESS_TEXT, at)
        if not _COUNTRY.match(address.country):
            errors.append(Invalid("an ISO 3166-1 alpha-2 code such as PE", path=(*at, "country")))
        if address.zip_code is not None and not _ZIP.match(address.zip_code):
            errors.append(Invalid("letters, digits, spaces and '-' only", path=(*at, "zip_code")))
    return errors


def kept_address_errors(
    given_ids: Sequence[int | None], own_ids: Collection[int], on_orders: Mapping[int, str]
) -> list[DomainError]:
    """A new address list names the client's addresses once each and keeps those orders use.

    `on_orders` maps the ids of the client's addresses that orders point at to their line.
    """
    errors: list[DomainError] = []
    seen: set[int] = set()
    for index, address_id in enumerate(given_ids):
        path: InputPath = ("addresses", index, "id")
        if address_id is not None and address_id not in own_ids:
            errors.append(NotFound("no address of this client with this id", path=path))
        elif address_id in seen:
            errors.append(Invalid("this address is listed twice", path=path))
        if address_id is not None:
            seen.add(address_id)
    dropped = [line for address_id, line in on_orders.items() if address_id not in seen]
    if dropped:
        errors.append(
            Invalid(
                f"used by orders, so it cannot be removed: {'; '.join(dropped)}."
                " Send it again with its id to keep it",
                path=("addresses",),
            )
        )
    return errors


def season_errors(given: Any, starts_on: date | None, ends_on: date | None) -> list[DomainError]:
    """The season's fields, and its dates as they will stand after the change."""
    errors = [
        *code_errors(given.code),
        *name_errors(given.description, "description"),
        *text_errors(given, SEASON_TEXT),
    ]
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        message = f"the season ends ({ends_on}) before it starts ({starts_on})"
        errors.append(Invalid(message, path=("ends_on",)))
    return errors


def price_errors(price: Decimal | None, field: str = "list_price") -> list[DomainError]:
    """A price is a finite amount from 0, in whole cents."""
    if price is None:
        return []
    if not price.is_finite() or price < 0:
        return [Invalid("must be zero or more", path=(field,))]
    if price >= _PRICE_LIMIT:
        return [Invalid(f"must be below {_PRICE_LIMIT}", path=(field,))]
    if price.quantize(_CENT) != price:
        return [Invalid("at most 2 decimal places", path=(field,))]
    return []


def product_errors(given: Any) -> list[DomainError]:
    """A product's fields; absent (None) fields keep their value and pass."""
    errors = [
        *code_errors(given.code),
        *name_errors(given.name),
        *text_errors(given, PRODUCT_TEXT),
        *price_errors(given.list_price),
    ]
    if given.units_per_package is not None and given.units_per_package < 1:
        errors.append(Invalid("must be 1 or more", path=("units_per_package",)))
    return errors


def payment_method_errors(given: Any) -> list[DomainError]:
    return [
        *code_errors(given.code),
        *name_errors(given.name),
        *text_errors(given, PAYMENT_METHOD_TEXT),
    ]
