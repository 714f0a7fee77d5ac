"""Values PostgreSQL can hold, checked before any SQL so bad input reads as INVALID, not a crash.

PostgreSQL text cannot hold the NUL character, and UTF-8 has no encoding for a lone surrogate
(JSON lets a client send both). Instants are kept to years 1901-8999 in UTC: far beyond any order,
and clear of the year 1-9999 edges where converting to UTC overflows Python's datetime.
"""

from datetime import UTC, date, datetime

INTEGER_MAX = 2**31 - 1  # PostgreSQL's INTEGER: ids, quantities and stock counts
TEXT_MAX = 10_000  # the longest free text: a description, observations, a note
SEARCH_MAX = 100  # a search term: a number or part of a name, never a document
FIRST_YEAR = 1901
LAST_YEAR = 8999
INSTANT_RANGE = f"an instant from {FIRST_YEAR}-01-01 to {LAST_YEAR}-12-31 (UTC)"
DAY_RANGE = f"a date from {FIRST_YEAR}-01-01 to {LAST_YEAR}-12-31"


def text_problem(text: str, max_length: int = TEXT_MAX) -> str | None:
    """Why `text` cannot be stored or searched for, or None when it can."""
    if len(text) > max_length:
        return f"must be at most {max_length:,} characters, got {len(text):,}"
    if "\x00" in text:
        return "must not contain the NUL character (U+0000)"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "must be valid Unicode text (a lone surrogate such as U+D800 is not)"
    return None


def instant_problem(value: date) -> str | None:
    """Why an instant or a day is outside what the API stores, or None; a naive instant passes.

    The inputs that take one decide whether a naive instant is welcome, not this rule.
    """
    if isinstance(value, datetime):
        outside = value.tzinfo is not None and not instant_in_range(value)
        return f"must be {INSTANT_RANGE}" if outside else None
    return None if day_in_range(value) else f"must be {DAY_RANGE}"


def instant_in_range(instant: datetime) -> bool:
    """An aware instant whose UTC year is FIRST_YEAR..LAST_YEAR; near year 1 or 9999 it is not."""
    if instant.tzinfo is None:
        return False
    try:
        year = instant.astimezone(UTC).year
    except OverflowError:  # year 1 or 9999 moved past the edge by its offset
        return False
    return FIRST_YEAR <= year <= LAST_YEAR


def day_in_range(day: date) -> bool:
    """A calendar date in the same years as instants, so a week added to it cannot overflow."""
    return FIRST_YEAR <= day.year <= LAST_YEAR
