"""Over HTTP the compiled read path passes PostgreSQL's JSON text straight into the response.

That text never becomes Python objects, so only a real response shows it is the same JSON the
reference path writes: escapes, non-ASCII text, nulls, numbers as strings.
"""

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from db import models
from tests.access.conftest import (
    KeyRing,
    Tenant,
    http,
    make_tenant,
    post,
    purge_companies,
    running,
)
from tests.factories import Factory

PAGE = """
query Page($first: Int) {
  orders(first: $first, orderBy: NUMBER_ASC) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id number observations status totalAmount orderedAt confirmedAt
      client { name taxId addresses { addressLine city } }
      agent { name } season { code } company { code }
      lines { quantity unitPrice product { code name } discounts { rate } }
    } }
  }
}
"""


@pytest.fixture(scope="module")
async def tenant(sessions) -> AsyncIterator[Tenant]:
    tenant = await make_tenant(sessions)
    async with sessions() as session:
        factory = Factory(session)
        company = await session.get(models.Company, tenant.ids["Company"])
        client = await factory.client(company, name='Ñandú "Comercial" \\ Perú\n\t')
        product = await factory.product(company, name="Café 500 g — ☕")
        await factory.order(
            company,
            client,
            [(product, 3, Decimal("12.50"))],
            line_discounts=[Decimal("0.05")],
            observations="línea 1\nlínea 2 \u2028 </script>",
        )
    yield tenant
    await purge_companies(sessions, [tenant.code])


@pytest.mark.parametrize("first", [1, 5])
async def test_the_raw_json_of_the_compiled_path_is_the_reference_paths_json(
    tenant, sessions, settings_for, sql_run, first
):
    ring = KeyRing(sessions)
    key = await ring.issue(["order.read"], [tenant.code])
    bodies, statements = [], []
    try:
        for compiled in (True, False):
            settings = settings_for(compiled_reads_enabled=compiled)
            async with running(settings) as app, http(app, key.plain) as client:
                sql_run.clear()
                response = await post(client, PAGE, {"first": first})
                statements.append(len(sql_run))
            assert response.status_code == 200
            bodies.append(response.json())
    finally:
        await ring.delete_all()

    assert statements[0] == 2  # the page and totalCount: the compiled path answered
    assert statements[1] > 2
    compiled, reference = bodies
    assert "errors" not in compiled, compiled
    assert compiled["data"] == reference["data"]
    assert compiled["data"]["orders"]["totalCount"] == 2
