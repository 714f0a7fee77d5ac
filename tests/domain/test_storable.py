"""What PostgreSQL can hold: texts without NUL or lone surrogates, instants in years 1901-8999."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from app.domain.storable import instant_in_range, text_problem


@pytest.mark.parametrize("text", ["", "ñandú 🦤", "a\tb\nc", "\x01"])
def test_ordinary_text_is_storable(text):
    assert text_problem(text) is None


@pytest.mark.parametrize(
    ("text", "says"), [("a\x00b", "NUL"), ("\ud800", "surrogate"), ("x\udfffy", "surrogate")]
)
def test_nul_and_lone_surrogates_are_not(text, says):
    problem = text_problem(text)

    assert problem is not None
    assert says in problem


@pytest.mark.parametrize(
    "instant",
    [
        datetime(1901, 1, 1, tzinfo=UTC),
        datetime(8999, 12, 31, 23, 59, 59, tzinfo=UTC),
        datetime(2025, 3, 1, 10, tzinfo=timezone(timedelta(hours=-5))),
    ],
)
def test_instants_within_the_range_pass(instant):
    assert instant_in_range(instant)


@pytest.mark.parametrize(
    "instant",
    [
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-14))),  # overflows
        datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5))),  # overflows
        datetime(1900, 12, 31, 23, 59, tzinfo=UTC),
        datetime(9000, 1, 1, tzinfo=UTC),
        datetime(8999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-2))),  # 9000 in UTC
        datetime(2025, 3, 1, tzinfo=UTC).replace(tzinfo=None),  # no timezone
    ],
)
def test_instants_outside_it_or_without_a_zone_do_not(instant):
    assert not instant_in_range(instant)
