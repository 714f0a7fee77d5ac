"""Companies: create and update through the schema, on real rows."""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from app.auth import Principal
from db import models
from db.base import Base

# Helpers shared with test_client_mutations and test_reference_mutations.


def gid(type_name: str, row_id: int) -> str:
    return to_base64(type_name, row_id)


def only(company_id: int) -> Principal:
    """A caller whose key covers this one company."""
    return Principal(key_id="t", company_ids=frozenset({company_id}), scopes=frozenset({"admin"}))


def mutation(name: str, selection: str) -> str:
    """The `name(input:)` mutation, answering `selection` of its payload and its errors."""
    input_type = f"{name[0].upper()}{name[1:]}Input"
    return (
        f"mutation($input: {input_type}!) {{ {name}(input: $input) "
        f"{{ {selection} errors {{ code field message }} }} }}"
    )


def codes(payload: dict[str, Any]) -> list[tuple[str, str]]:
    return [(error["code"], error["field"]) for error in payload["errors"]]


async def run(
    gql: Any, operation: str, principal: Principal | None = None, **fields: Any
) -> dict[str, Any]:
    """The payload the mutation answers with; an error outside the payload fails the test."""
    variables = {"input": fields}
    if principal is None:
        result = await gql(operation, variables)
    else:
        result = await gql.as_principal(principal, operation, variables)
    assert result.errors is None
    (payload,) = result.data.values()
    return payload


async def read(gql: Any, query: str, node_id: str) -> dict[str, Any]:
    return (await gql(query, {"id": node_id})).data["node"]


async def count(db_session: AsyncSession, model: type[Base]) -> int:
    return await db_session.scalar(sa.select(sa.func.count()).select_from(model))


CREATE_COMPANY = mutation("createCompany", "company { id code }")
UPDATE_COMPANY = mutation("updateCompany", "company { id code }")
READ_BACK = """
query($id: ID!) {
  node(id: $id) { ... on Company { code name taxRate currency taxId externalId } }
}"""


async def test_create_company_stores_what_was_sent(gql):
    payload = await run(
        gql, CREATE_COMPANY, code="NILO", name="Nilo SAC", taxRate="0.16", currency="USD",
        taxId="20100100100", externalId="E-1",
    )  # fmt: skip

    assert payload["errors"] == []
    assert await read(gql, READ_BACK, payload["company"]["id"]) == {
        "code": "NILO", "name": "Nilo SAC", "taxRate": "0.1600", "currency": "USD",
        "taxId": "20100100100", "externalId": "E-1",
    }  # fmt: skip


async def test_create_company_applies_the_default_tax_rate_and_currency(gql):
    payload = await run(gql, CREATE_COMPANY, code="SOL", name="Sol")

    stored = await read(gql, READ_BACK, payload["company"]["id"])
    assert (stored["taxRate"], stored["currency"]) == ("0.1800", "PEN")


async def test_create_company_refuses_a_code_in_use(gql, factory, db_session):
    await factory.company(code="TAKEN")
    await db_session.commit()

    payload = await run(gql, CREATE_COMPANY, code="TAKEN", name="Other")

    assert payload == {
        "company": None,
        "errors": [
            {"code": "NOT_UNIQUE", "field": "code", "message": "a company with code TAKEN exists"}
        ],
    }


async def test_create_company_reports_every_violation_together(gql):
    payload = await run(
        gql, CREATE_COMPANY, code="bad code", name=" ", taxRate="1.5", currency="soles"
    )

    assert codes(payload) == [
        ("INVALID", "code"),
        ("INVALID", "name"),
        ("INVALID", "taxRate"),
        ("INVALID", "currency"),
    ]


async def test_create_company_writes_nothing_when_refused(gql, factory, db_session):
    await factory.company(code="TAKEN")
    await db_session.commit()
    before = await count(db_session, models.Company)

    await run(gql, CREATE_COMPANY, code="TAKEN", name="Other")
    await run(gql, CREATE_COMPANY, code="NEW", name="", taxRate="-0.1")

    assert await count(db_session, models.Company) == before


async def test_update_company_changes_what_was_sent_and_keeps_the_rest(gql, factory):
    company = await factory.company(code="ACME", name="Acme", tax_id="20555")
    company_id = gid("Company", company.id)

    payload = await run(gql, UPDATE_COMPANY, id=company_id, name="Acme Peru", taxRate="0.10")

    assert payload["errors"] == []
    assert await read(gql, READ_BACK, company_id) == {
        "code": "ACME", "name": "Acme Peru", "taxRate": "0.1000", "currency": "PEN",
        "taxId": "20555", "externalId": None,
    }  # fmt: skip


async def test_update_company_refuses_a_code_another_company_uses(gql, factory, db_session):
    company = await factory.company()
    await factory.company(code="TAKEN")
    company_id = gid("Company", company.id)
    await db_session.commit()

    payload = await run(gql, UPDATE_COMPANY, id=company_id, code="TAKEN")

    assert codes(payload) == [("NOT_UNIQUE", "code")]


async def test_update_company_keeps_its_own_code(gql, factory):
    company = await factory.company(code="SAME")

    payload = await run(gql, UPDATE_COMPANY, id=gid("Company", company.id), code="SAME")

    assert payload["errors"] == []


async def test_update_company_refuses_an_id_of_another_type(gql, factory):
    company = await factory.company()
    client = await factory.client(company)

    payload = await run(gql, UPDATE_COMPANY, id=gid("Client", client.id), name="X")

    assert payload["errors"] == [
        {"code": "NOT_FOUND", "field": "id", "message": "no Company with this id"}
    ]


async def test_update_company_refuses_a_company_outside_the_callers_keys(gql, factory):
    mine, theirs = await factory.company(), await factory.company()

    payload = await run(gql, UPDATE_COMPANY, only(mine.id), id=gid("Company", theirs.id), name="X")

    assert payload == {
        "company": None,
        "errors": [{"code": "NOT_FOUND", "field": "id", "message": "no Company with this id"}],
    }


async def test_update_company_reports_every_violation_together(gql, factory, db_session):
    company = await factory.company()
    await factory.company(code="TAKEN")
    company_id = gid("Company", company.id)
    await db_session.commit()

    payload = await run(
        gql, UPDATE_COMPANY, id=company_id, code="TAKEN", name="", taxRate="1", currency="pen"
    )

    assert codes(payload) == [
        ("INVALID", "name"),
        ("INVALID", "taxRate"),
        ("INVALID", "currency"),
        ("NOT_UNIQUE", "code"),
    ]


async def test_update_company_writes_nothing_when_refused(gql, factory, db_session):
    company = await factory.company(code="KEEP", name="Kept")
    company_id = gid("Company", company.id)
    await db_session.commit()
    db_session.expire_all()  # read what the database holds, not the factory's objects
    before = await read(gql, READ_BACK, company_id)

    payload = await run(gql, UPDATE_COMPANY, id=company_id, name="Changed", currency="x")

    assert codes(payload) == [("INVALID", "currency")]
    assert await read(gql, READ_BACK, company_id) == before
