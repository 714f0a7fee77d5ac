"""Query arguments that reach SQL, checked first and refused by argument name (never a crash)."""

from datetime import datetime

from app.domain.storable import INSTANT_RANGE, instant_in_range
from graphql_schema.errors import QueryInputError


def instant_argument(value: datetime | None, argument: str) -> datetime | None:
    """The instant as given, when it has a timezone and lies in the range we store."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise QueryInputError(argument, "give a timezone, e.g. 2025-01-31T00:00:00Z")
    if not instant_in_range(value):
        raise QueryInputError(argument, f"must be {INSTANT_RANGE}")
    return value
