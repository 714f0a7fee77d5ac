"""Rules for reference data: codes, rates and currencies a company can be given."""

import re
from decimal import Decimal

from app.domain.errors import DomainError, Invalid

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


def name_errors(name: str | None, field: str = "name") -> list[DomainError]:
    if name is None or name.strip():
        return []
    return [Invalid("must not be blank", path=(field,))]
