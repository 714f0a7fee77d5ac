from datetime import UTC, datetime

import pytest

from app.domain.errors import ErrorCode, InvalidTransition
from app.domain.lifecycle import (
    ALLOWED_FROM,
    Action,
    Transition,
    allowed_actions,
    ensure_allowed,
    status_after_delivery,
    transition,
)
from app.domain.vocabulary import OrderStatus

# API.md's lifecycle table, written out again by hand so a change to the code's table shows up here.
P, C, S, PD, D, X = (
    OrderStatus.PENDING,
    OrderStatus.CONFIRMED,
    OrderStatus.SHIPPED,
    OrderStatus.PARTIALLY_DELIVERED,
    OrderStatus.DELIVERED,
    OrderStatus.CANCELLED,
)
EXPECTED: dict[Action, set[OrderStatus]] = {
    Action.UPDATE: {P},
    Action.CONFIRM: {P, C},
    Action.SHIP: {C},
    Action.DELIVER: {C, S, PD},
    Action.RETURN: {PD, D},
    Action.CANCEL: {P, C, S, PD},
    Action.DELETE: {P, X},
}

CASES = [(action, status) for action in Action for status in OrderStatus]
ALLOWED = [(action, status) for action, status in CASES if status in EXPECTED[action]]
REFUSED = [(action, status) for action, status in CASES if status not in EXPECTED[action]]


def test_the_table_covers_every_action_and_matches_the_contract():
    assert set(ALLOWED_FROM) == set(Action)
    assert {action: set(statuses) for action, statuses in ALLOWED_FROM.items()} == EXPECTED


@pytest.mark.parametrize(("action", "status"), ALLOWED)
def test_allowed(action, status):
    ensure_allowed(action, status)  # does not raise
    assert action in allowed_actions(status)


@pytest.mark.parametrize(("action", "status"), REFUSED)
def test_refused_with_a_message_naming_the_current_status(action, status):
    with pytest.raises(InvalidTransition) as raised:
        ensure_allowed(action, status)

    assert raised.value.code is ErrorCode.INVALID_TRANSITION
    assert raised.value.message == f"cannot {action.value} an order that is {status.value}"
    assert raised.value.path == ("id",)
    assert action not in allowed_actions(status)


def test_cancelling_a_delivered_order_reads_as_the_contract_example():
    with pytest.raises(InvalidTransition, match=r"^cannot cancel an order that is DELIVERED$"):
        ensure_allowed(Action.CANCEL, OrderStatus.DELIVERED)


def test_nothing_can_happen_to_a_cancelled_order_but_deletion():
    assert allowed_actions(OrderStatus.CANCELLED) == {Action.DELETE}


@pytest.mark.parametrize(
    ("pending", "expected"),
    [(0, OrderStatus.DELIVERED), (1, OrderStatus.PARTIALLY_DELIVERED), (40, PD)],
)
def test_status_after_delivery(pending, expected):
    assert status_after_delivery(pending) is expected


def test_negative_pending_units_is_a_bug():
    with pytest.raises(ValueError, match="negative"):
        status_after_delivery(-1)


NOW = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("action", "current", "pending", "expected"),
    [
        (Action.CONFIRM, P, None, Transition(C, {"confirmed_at": NOW})),
        (Action.CONFIRM, C, None, Transition(C)),  # confirmed again: the first moment stays
        (Action.SHIP, C, None, Transition(S, {"shipped_at": NOW})),
        (Action.DELIVER, S, 3, Transition(PD)),
        (Action.DELIVER, PD, 0, Transition(D, {"delivered_at": NOW})),
        (Action.CANCEL, S, None, Transition(X, {"cancelled_at": NOW})),
        (Action.RETURN, D, None, Transition(D)),
    ],
)
def test_a_transition_says_the_new_status_and_the_moments_to_record(
    action, current, pending, expected
):
    assert transition(action, current, NOW, pending_units=pending) == expected


def test_a_transition_the_table_refuses_is_refused():
    with pytest.raises(InvalidTransition, match="cannot ship an order that is PENDING"):
        transition(Action.SHIP, OrderStatus.PENDING, NOW)


def test_a_delivery_needs_its_pending_units():
    with pytest.raises(ValueError, match="units still pending"):
        transition(Action.DELIVER, OrderStatus.SHIPPED, NOW)
