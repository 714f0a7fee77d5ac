"""Seasons, products and payment methods: create and update through the schema, on real rows."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.base import Base
from tests.api.test_company_mutations import codes, count, gid, mutation, only, read, run


@dataclass(frozen=True)
class Concept:
    type_name: str  # GraphQL type, e.g. "PaymentMethod"
    field: str  # payload field, e.g. "paymentMethod"
    model: type[Base]
    required: dict[str, Any]  # what a create needs besides companyId and code
    read: str  # the fields the tests read back
    row: dict[str, Any]  # what a row built in the database needs besides company and code
    refused: dict[str, Any]  # an update the rules refuse

    def mutation(self, verb: str) -> str:
        return mutation(f"{verb}{self.type_name}", f"{self.field} {{ id {self.read} }}")


SEASON = Concept(
    type_name="Season",
    field="season",
    model=models.Season,
    required={"description": "Summer"},
    read="code description startsOn endsOn",
    row={"description": "Summer"},
    refused={"description": " "},
)
PRODUCT = Concept(
    type_name="Product",
    field="product",
    model=models.Product,
    required={"name": "Polo", "listPrice": "10.00"},
    read="code internalCode name unitsPerPackage listPrice active externalId",
    row={"name": "Polo", "list_price": Decimal("10.00")},
    refused={"unitsPerPackage": 0},
)
PAYMENT_METHOD = Concept(
    type_name="PaymentMethod",
    field="paymentMethod",
    model=models.PaymentMethod,
    required={"name": "Cash"},
    read="code name",
    row={"name": "Cash"},
    refused={"name": ""},
)
CONCEPTS = pytest.mark.parametrize(
    "concept", [SEASON, PRODUCT, PAYMENT_METHOD], ids=lambda concept: concept.type_name
)

READ_BACK = """
query($id: ID!) {
  node(id: $id) {
    ... on Season { code description startsOn endsOn externalId }
    ... on Product { code internalCode name unitsPerPackage listPrice active externalId }
    ... on PaymentMethod { code name }
  }
}"""


async def setup(db_session: AsyncSession, factory: Any, concept: Concept, **fields: Any) -> Any:
    """A company and one row of the concept, committed so that a refused mutation keeps them."""
    company = await factory.company()
    row = concept.model(company_id=company.id, **({"code": "EXISTING"} | concept.row | fields))
    db_session.add(row)
    await db_session.commit()
    return row


async def create(
    gql: Any, concept: Concept, company_id: int, principal: Any = None, **fields: Any
) -> dict[str, Any]:
    sent = {"companyId": gid("Company", company_id), "code": "NEW"} | concept.required | fields
    return await run(gql, concept.mutation("create"), principal, **sent)


async def update(
    gql: Any, concept: Concept, principal: Any = None, **fields: Any
) -> dict[str, Any]:
    return await run(gql, concept.mutation("update"), principal, **fields)


@pytest.mark.parametrize(
    ("concept", "sent", "stored"),
    [
        (
            SEASON,
            {"code": "SS25", "description": "Spring-Summer", "startsOn": "2025-01-01",
             "endsOn": "2025-06-30", "externalId": "T-9"},
            {"code": "SS25", "description": "Spring-Summer", "startsOn": "2025-01-01",
             "endsOn": "2025-06-30", "externalId": "T-9"},
        ),
        (
            PRODUCT,
            {"code": "P-1", "internalCode": "INT-1", "name": "Polo", "unitsPerPackage": 12,
             "listPrice": "25.50", "active": False, "externalId": "E-1"},
            {"code": "P-1", "internalCode": "INT-1", "name": "Polo", "unitsPerPackage": 12,
             "listPrice": "25.50", "active": False, "externalId": "E-1"},
        ),
        (PAYMENT_METHOD, {"code": "CASH", "name": "Cash"}, {"code": "CASH", "name": "Cash"}),
    ],
    ids=["Season", "Product", "PaymentMethod"],
)  # fmt: skip
async def test_create_stores_what_was_sent(gql, factory, concept, sent, stored):
    company = await factory.company()

    payload = await create(gql, concept, company.id, **sent)

    assert payload["errors"] == []
    assert await read(gql, READ_BACK, payload[concept.field]["id"]) == stored


async def test_create_product_applies_the_defaults(gql, factory):
    company = await factory.company()

    payload = await create(gql, PRODUCT, company.id)

    assert payload["product"] | {"id": None} == {
        "id": None, "code": "NEW", "internalCode": None, "name": "Polo", "unitsPerPackage": 1,
        "listPrice": "10.00", "active": True, "externalId": None,
    }  # fmt: skip


@CONCEPTS
async def test_create_refuses_a_code_the_company_already_uses(gql, factory, db_session, concept):
    row = await setup(db_session, factory, concept)

    payload = await create(gql, concept, row.company_id, code="EXISTING")

    assert payload[concept.field] is None
    assert codes(payload) == [("NOT_UNIQUE", "code")]


@CONCEPTS
async def test_create_accepts_a_code_another_company_uses(gql, factory, db_session, concept):
    await setup(db_session, factory, concept)
    other = await factory.company()

    payload = await create(gql, concept, other.id, code="EXISTING")

    assert payload["errors"] == []


@CONCEPTS
async def test_create_refuses_a_company_id_of_another_type(gql, factory, concept):
    company = await factory.company()
    client = await factory.client(company)

    payload = await create(gql, concept, 0, companyId=gid("Client", client.id))

    assert payload["errors"] == [
        {"code": "NOT_FOUND", "field": "companyId", "message": "no Company with this id"}
    ]


@CONCEPTS
async def test_create_refuses_a_company_outside_the_callers_keys(gql, factory, concept):
    mine, theirs = await factory.company(), await factory.company()

    payload = await create(gql, concept, theirs.id, only(mine.id))

    assert payload["errors"] == [
        {"code": "NOT_FOUND", "field": "companyId", "message": "no Company with this id"}
    ]


@CONCEPTS
async def test_create_writes_nothing_when_refused(gql, factory, db_session, concept):
    row = await setup(db_session, factory, concept)
    company_id = row.company_id
    before = await count(db_session, concept.model)

    await create(gql, concept, company_id, code="EXISTING")
    await create(gql, concept, company_id, code="not a code!")

    assert await count(db_session, concept.model) == before


@pytest.mark.parametrize(
    ("concept", "sent", "errors"),
    [
        (
            SEASON,
            {"code": "", "description": " ", "startsOn": "2025-03-01", "endsOn": "2025-02-01"},
            [("INVALID", "code"), ("INVALID", "description"), ("INVALID", "endsOn")],
        ),
        (
            PRODUCT,
            {"code": "EXISTING", "name": "", "unitsPerPackage": 0, "listPrice": "1.005",
             "internalCode": "X" * 33},
            [("INVALID", "name"), ("INVALID", "internalCode"), ("INVALID", "listPrice"),
             ("INVALID", "unitsPerPackage"), ("NOT_UNIQUE", "code")],
        ),
        (
            PAYMENT_METHOD,
            {"code": "EXISTING", "name": "N" * 101},
            [("INVALID", "name"), ("NOT_UNIQUE", "code")],
        ),
    ],
    ids=["Season", "Product", "PaymentMethod"],
)  # fmt: skip
async def test_create_reports_every_violation_together(
    gql, factory, db_session, concept, sent, errors
):
    row = await setup(db_session, factory, concept)

    payload = await create(gql, concept, row.company_id, **sent)

    assert codes(payload) == errors


async def test_create_product_refuses_a_negative_price(gql, factory):
    company = await factory.company()

    payload = await create(gql, PRODUCT, company.id, listPrice="-0.01")

    assert payload["errors"] == [
        {"code": "INVALID", "field": "listPrice", "message": "must be zero or more"}
    ]


@pytest.mark.parametrize(
    ("concept", "changes", "stored"),
    [
        (SEASON, {"description": "Winter", "endsOn": "2025-08-31"},
         {"code": "EXISTING", "description": "Winter", "startsOn": "2025-06-01",
          "endsOn": "2025-08-31", "externalId": None}),
        (PRODUCT, {"listPrice": "12.30", "active": False},
         {"code": "EXISTING", "internalCode": None, "name": "Polo", "unitsPerPackage": 1,
          "listPrice": "12.30", "active": False, "externalId": None}),
        (PAYMENT_METHOD, {"code": "CREDIT30"}, {"code": "CREDIT30", "name": "Cash"}),
    ],
    ids=["Season", "Product", "PaymentMethod"],
)  # fmt: skip
async def test_update_changes_what_was_sent_and_keeps_the_rest(
    gql, factory, db_session, concept, changes, stored
):
    extra = {"starts_on": date(2025, 6, 1)} if concept is SEASON else {}
    row = await setup(db_session, factory, concept, **extra)
    row_id = gid(concept.type_name, row.id)

    payload = await update(gql, concept, id=row_id, **changes)

    assert payload["errors"] == []
    assert await read(gql, READ_BACK, row_id) == stored


@CONCEPTS
async def test_update_refuses_a_code_the_company_already_uses(gql, factory, db_session, concept):
    row = await setup(db_session, factory, concept)
    other = concept.model(company_id=row.company_id, **(concept.row | {"code": "TAKEN"}))
    db_session.add(other)
    await db_session.commit()

    payload = await update(gql, concept, id=gid(concept.type_name, row.id), code="TAKEN")

    assert codes(payload) == [("NOT_UNIQUE", "code")]


@CONCEPTS
async def test_update_keeps_its_own_code(gql, factory, db_session, concept):
    row = await setup(db_session, factory, concept)

    payload = await update(gql, concept, id=gid(concept.type_name, row.id), code="EXISTING")

    assert payload["errors"] == []


@CONCEPTS
async def test_update_refuses_an_id_of_another_type(gql, factory, concept):
    company = await factory.company()

    payload = await update(gql, concept, id=gid("Company", company.id), code="X")

    assert payload["errors"] == [
        {"code": "NOT_FOUND", "field": "id", "message": f"no {concept.type_name} with this id"}
    ]


@CONCEPTS
async def test_update_refuses_a_row_of_another_company(gql, factory, db_session, concept):
    row = await setup(db_session, factory, concept)
    mine = await factory.company()

    payload = await update(gql, concept, only(mine.id), id=gid(concept.type_name, row.id), code="X")

    assert payload == {
        concept.field: None,
        "errors": [
            {"code": "NOT_FOUND", "field": "id", "message": f"no {concept.type_name} with this id"}
        ],
    }


@CONCEPTS
async def test_update_writes_nothing_when_refused(gql, factory, db_session, concept):
    row = await setup(db_session, factory, concept)
    row_id = gid(concept.type_name, row.id)
    before = await read(gql, READ_BACK, row_id)

    payload = await update(gql, concept, id=row_id, code="NEW", **concept.refused)

    assert payload["errors"] != []
    assert await read(gql, READ_BACK, row_id) == before


async def test_update_season_checks_the_dates_against_the_stored_ones(gql, factory, db_session):
    row = await setup(db_session, factory, SEASON, ends_on=date(2025, 6, 30))

    payload = await update(gql, SEASON, id=gid("Season", row.id), startsOn="2025-07-01")

    assert payload["errors"] == [
        {
            "code": "INVALID",
            "field": "endsOn",
            "message": "the season ends (2025-06-30) before it starts (2025-07-01)",
        }
    ]
