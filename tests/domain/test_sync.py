"""Integration names: they key checkpoints, so they are short and plain."""

import pytest

from app.domain.sync import MAX_INTEGRATION, integration_errors


@pytest.mark.parametrize("name", ["erp", "ERP-2", "sap.s4_prod", "x" * MAX_INTEGRATION])
def test_plain_short_names_are_accepted(name):
    assert integration_errors(name, ("integration",)) == []


@pytest.mark.parametrize("name", ["", "x" * (MAX_INTEGRATION + 1), "no spaces", "-erp", "érp"])
def test_other_names_are_refused_on_their_path(name):
    (error,) = integration_errors(name, ("integration",))
    assert error.path == ("integration",)
