"""The span of years the business deals in, well inside what Python and PostgreSQL can hold.

A date outside it is a typo or an ERP's placeholder (0001-01-01, 9999-12-31). Refusing it where
it comes in keeps zone conversions and date arithmetic (+7 days) from overflowing later.
"""

from datetime import date

EARLIEST_YEAR = 1900
LATEST_YEAR = 9000
SPAN = f"from year {EARLIEST_YEAR} to {LATEST_YEAR}"


def in_span(value: date) -> bool:
    """A date or date-time (as written, before any zone conversion) the business can mean."""
    return EARLIEST_YEAR <= value.year <= LATEST_YEAR
