"""Clients (with their addresses) and agents: create and update through the schema."""

from typing import Any

from app.domain.vocabulary import PartnerRole
from db import models
from tests.api.test_company_mutations import codes, count, gid, mutation, only, read, run

CREATE_CLIENT = mutation("createClient", "client { id code }")
UPDATE_CLIENT = mutation("updateClient", "client { id code }")
CREATE_AGENT = mutation("createAgent", "agent { id code }")
UPDATE_AGENT = mutation("updateAgent", "agent { id code }")
READ_BACK = """
query($id: ID!) {
  node(id: $id) {
    ... on Client {
      code name taxId email phone storeCode routeCode externalId roles company { code }
      addresses {
        addressLine city region zipCode country isShipping isBilling label externalId
      }
    }
    ... on Agent { code name taxId email phone externalId roles }
  }
}"""
BOTH_ROLES = [PartnerRole.CLIENT, PartnerRole.REPRESENTATIVE]
ADDRESS = {"addressLine": "Av. Larco 101", "country": "PE", "isShipping": True}


async def stored(gql: Any, node_id: str) -> dict[str, Any]:
    return await read(gql, READ_BACK, node_id)


async def address_lines(gql: Any, client_id: str) -> list[str]:
    return [address["addressLine"] for address in (await stored(gql, client_id))["addresses"]]


# createClient


async def test_create_client_stores_the_partner_and_its_addresses(gql, factory):
    company = await factory.company(code="ACME")
    billing = {
        "addressLine": "Jr. Union 5",
        "city": "Lima",
        "region": "Lima",
        "zipCode": "15001",
        "country": "PE",
        "isBilling": True,
        "label": "Office",
        "externalId": "A-2",
    }

    payload = await run(
        gql,
        CREATE_CLIENT,
        companyId=gid("Company", company.id),
        code="CLI-1",
        name="Bodega Sol",
        taxId="20123456789",
        email="compras@sol.pe",
        phone="+51 1 555 0101",
        storeCode="ST-9",
        routeCode="R-2",
        externalId="ERP-77",
        addresses=[ADDRESS, billing],
    )

    assert payload["errors"] == []
    assert await stored(gql, payload["client"]["id"]) == {
        "code": "CLI-1", "name": "Bodega Sol", "taxId": "20123456789",
        "email": "compras@sol.pe", "phone": "+51 1 555 0101", "storeCode": "ST-9",
        "routeCode": "R-2", "externalId": "ERP-77", "roles": ["CLIENT"],
        "company": {"code": "ACME"},
        "addresses": [
            {"addressLine": "Av. Larco 101", "city": None, "region": None, "zipCode": None,
             "country": "PE", "isShipping": True, "isBilling": False, "label": None,
             "externalId": None},
            {"addressLine": "Jr. Union 5", "city": "Lima", "region": "Lima", "zipCode": "15001",
             "country": "PE", "isShipping": False, "isBilling": True, "label": "Office",
             "externalId": "A-2"},
        ],
    }  # fmt: skip


async def test_create_client_also_representative_gives_both_roles(gql, factory):
    company = await factory.company()

    payload = await run(
        gql, CREATE_CLIENT, companyId=gid("Company", company.id), code="C1", name="Sol",
        alsoRepresentative=True,
    )  # fmt: skip

    assert (await stored(gql, payload["client"]["id"]))["roles"] == [
        "CLIENT",
        "REPRESENTATIVE",
    ]


async def test_create_client_refuses_a_code_an_agent_of_the_company_uses(gql, factory, db_session):
    company = await factory.company()
    await factory.agent(company, code="P-1")
    company_id = gid("Company", company.id)
    await db_session.commit()

    payload = await run(gql, CREATE_CLIENT, companyId=company_id, code="P-1", name="Sol")

    assert payload["errors"] == [
        {
            "code": "NOT_UNIQUE",
            "field": "code",
            "message": "the company already has a partner (client or agent) with code P-1",
        }
    ]


async def test_create_client_accepts_a_code_another_company_uses(gql, factory):
    company, other = await factory.company(), await factory.company()
    await factory.client(other, code="P-1")

    payload = await run(
        gql, CREATE_CLIENT, companyId=gid("Company", company.id), code="P-1", name="Sol"
    )

    assert payload["errors"] == []


async def test_create_client_refuses_a_company_id_of_another_type(gql, factory):
    company = await factory.company()
    agent = await factory.agent(company)

    payload = await run(gql, CREATE_CLIENT, companyId=gid("Agent", agent.id), code="C", name="S")

    assert codes(payload) == [("NOT_FOUND", "companyId")]


async def test_create_client_refuses_a_company_outside_the_callers_keys(gql, factory):
    mine, theirs = await factory.company(), await factory.company()
    company_id = gid("Company", theirs.id)

    payload = await run(gql, CREATE_CLIENT, only(mine.id), companyId=company_id, code="C", name="S")

    assert payload == {
        "client": None,
        "errors": [
            {"code": "NOT_FOUND", "field": "companyId", "message": "no Company with this id"}
        ],
    }


async def test_create_client_reports_every_violation_together(gql, factory, db_session):
    company = await factory.company()
    await factory.client(company, code="TAKEN")
    company_id = gid("Company", company.id)
    await db_session.commit()

    payload = await run(
        gql,
        CREATE_CLIENT,
        companyId=company_id,
        code="TAKEN",
        name=" ",
        email="not-an-email",
        addresses=[{"addressLine": "", "country": "Peru"}, ADDRESS | {"zipCode": "15#01"}],
    )

    assert codes(payload) == [
        ("INVALID", "addresses.0.addressLine"),
        ("INVALID", "addresses.0.country"),
        ("INVALID", "addresses.1.zipCode"),
        ("INVALID", "name"),
        ("INVALID", "email"),
        ("NOT_UNIQUE", "code"),
    ]


async def test_create_client_writes_nothing_when_refused(gql, factory, db_session):
    company = await factory.company()
    await factory.client(company, code="TAKEN")
    company_id = gid("Company", company.id)
    await db_session.commit()
    before = await count(db_session, models.Partner), await count(db_session, models.Address)

    payload = await run(
        gql, CREATE_CLIENT, companyId=company_id, code="TAKEN", name="S", addresses=[ADDRESS]
    )

    assert codes(payload) == [("NOT_UNIQUE", "code")]
    after = await count(db_session, models.Partner), await count(db_session, models.Address)
    assert after == before


# updateClient


async def test_update_client_changes_what_was_sent_and_keeps_the_rest(gql, factory):
    company = await factory.company(code="ACME")
    client = await factory.client(company, code="C1", name="Old", email="a@b.pe", phone="1")
    client_id = gid("Client", client.id)

    payload = await run(
        gql, UPDATE_CLIENT, id=client_id, name="New", routeCode="R-7", alsoRepresentative=True
    )

    assert payload["errors"] == []
    assert await stored(gql, client_id) == {
        "code": "C1", "name": "New", "taxId": None, "email": "a@b.pe", "phone": "1",
        "storeCode": None, "routeCode": "R-7", "externalId": None,
        "roles": ["CLIENT", "REPRESENTATIVE"], "company": {"code": "ACME"}, "addresses": [],
    }  # fmt: skip


async def test_update_client_replaces_the_addresses_with_their_flags(gql, factory):
    company = await factory.company()
    client = await factory.client(company)
    kept = await factory.address(client, address_line="Old line", is_shipping=True)
    await factory.address(client, address_line="Dropped")
    client_id = gid("Client", client.id)
    changed = {"id": gid("Address", kept.id), "addressLine": "New line", "isShipping": False,
               "isBilling": True}  # fmt: skip
    added = {"addressLine": "Added", "country": "CL", "isShipping": True, "label": "Depot"}

    payload = await run(gql, UPDATE_CLIENT, id=client_id, addresses=[changed, added])

    assert payload["errors"] == []
    addresses = (await stored(gql, client_id))["addresses"]
    assert [
        (a["addressLine"], a["country"], a["isShipping"], a["isBilling"], a["label"])
        for a in addresses
    ] == [("New line", "PE", False, True, None), ("Added", "CL", True, False, "Depot")]


async def test_update_client_without_addresses_keeps_them(gql, factory):
    company = await factory.company()
    client = await factory.client(company)
    await factory.address(client, address_line="Stays")
    client_id = gid("Client", client.id)

    await run(gql, UPDATE_CLIENT, id=client_id, name="Renamed")

    assert await address_lines(gql, client_id) == ["Stays"]


async def test_update_client_refuses_to_drop_an_address_orders_use(gql, factory, db_session):
    company = await factory.company()
    client = await factory.client(company)
    used = await factory.address(client, address_line="Av. Used 1")
    await factory.order(company, client, shipping_address_id=used.id)
    client_id = gid("Client", client.id)
    await db_session.commit()

    payload = await run(gql, UPDATE_CLIENT, id=client_id, addresses=[ADDRESS])

    assert payload["errors"] == [
        {
            "code": "INVALID",
            "field": "addresses",
            "message": "used by orders, so it cannot be removed: Av. Used 1."
            " Send it again with its id to keep it",
        }
    ]
    assert await address_lines(gql, client_id) == ["Av. Used 1"]


async def test_update_client_keeps_an_address_orders_use_when_sent_with_its_id(gql, factory):
    company = await factory.company()
    client = await factory.client(company)
    used = await factory.address(client)
    await factory.order(company, client, billing_address_id=used.id)
    client_id = gid("Client", client.id)
    entry = ADDRESS | {"id": gid("Address", used.id), "isBilling": True}

    payload = await run(gql, UPDATE_CLIENT, id=client_id, addresses=[entry, ADDRESS])

    assert payload["errors"] == []
    assert len((await stored(gql, client_id))["addresses"]) == 2


async def test_update_client_refuses_an_address_of_another_client(gql, factory, db_session):
    company = await factory.company()
    client, other = await factory.client(company), await factory.client(company)
    foreign = await factory.address(other)
    client_id, foreign_id = gid("Client", client.id), gid("Address", foreign.id)
    await db_session.commit()

    payload = await run(
        gql, UPDATE_CLIENT, id=client_id, addresses=[ADDRESS, ADDRESS | {"id": foreign_id}]
    )

    assert payload["errors"] == [
        {
            "code": "NOT_FOUND",
            "field": "addresses.1.id",
            "message": "no address of this client with this id",
        }
    ]


async def test_update_client_refuses_a_code_another_partner_uses(gql, factory, db_session):
    company = await factory.company()
    client = await factory.client(company)
    await factory.agent(company, code="TAKEN")
    client_id = gid("Client", client.id)
    await db_session.commit()

    payload = await run(gql, UPDATE_CLIENT, id=client_id, code="TAKEN")

    assert codes(payload) == [("NOT_UNIQUE", "code")]


async def test_update_client_refuses_an_agent_id(gql, factory):
    company = await factory.company()
    partner = await factory.partner(company, BOTH_ROLES)

    payload = await run(gql, UPDATE_CLIENT, id=gid("Agent", partner.id), name="X")

    assert payload["errors"] == [
        {"code": "NOT_FOUND", "field": "id", "message": "no Client with this id"}
    ]


async def test_update_client_refuses_a_partner_without_the_client_role(gql, factory):
    company = await factory.company()
    agent = await factory.agent(company)

    payload = await run(gql, UPDATE_CLIENT, id=gid("Client", agent.id), name="X")

    assert codes(payload) == [("NOT_FOUND", "id")]


async def test_update_client_refuses_a_client_of_another_company(gql, factory):
    mine, theirs = await factory.company(), await factory.company()
    client = await factory.client(theirs)

    payload = await run(gql, UPDATE_CLIENT, only(mine.id), id=gid("Client", client.id), name="X")

    assert payload == {
        "client": None,
        "errors": [{"code": "NOT_FOUND", "field": "id", "message": "no Client with this id"}],
    }


async def test_update_client_reports_every_violation_together(gql, factory, db_session):
    company = await factory.company()
    client = await factory.client(company)
    await factory.client(company, code="TAKEN")
    client_id = gid("Client", client.id)
    await db_session.commit()

    payload = await run(
        gql,
        UPDATE_CLIENT,
        id=client_id,
        code="TAKEN",
        email="x@",
        taxId="9" * 40,
        addresses=[ADDRESS | {"zipCode": "!"}],
    )

    assert codes(payload) == [
        ("INVALID", "addresses.0.zipCode"),
        ("INVALID", "email"),
        ("INVALID", "taxId"),
        ("NOT_UNIQUE", "code"),
    ]


async def test_update_client_writes_nothing_when_refused(gql, factory, db_session):
    company = await factory.company()
    client = await factory.client(company, code="C1", name="Old")
    await factory.address(client, address_line="Stays")
    client_id = gid("Client", client.id)
    await db_session.commit()
    before = await stored(gql, client_id)

    payload = await run(
        gql, UPDATE_CLIENT, id=client_id, name="New", email="bad", addresses=[ADDRESS]
    )

    assert codes(payload) == [("INVALID", "email")]
    assert await stored(gql, client_id) == before


async def test_update_client_keeps_the_representative_role_orders_rely_on(gql, factory, db_session):
    company = await factory.company()
    partner = await factory.partner(company, BOTH_ROLES)
    buyer = await factory.client(company)
    await factory.order(company, buyer, agent_id=partner.id)
    partner_id = gid("Client", partner.id)
    await db_session.commit()

    payload = await run(gql, UPDATE_CLIENT, id=partner_id, alsoRepresentative=False)

    assert codes(payload) == [("INVALID", "alsoRepresentative")]


async def test_update_client_drops_the_representative_role_no_order_uses(gql, factory):
    company = await factory.company()
    partner = await factory.partner(company, BOTH_ROLES)
    partner_id = gid("Client", partner.id)

    await run(gql, UPDATE_CLIENT, id=partner_id, alsoRepresentative=False)

    assert (await stored(gql, partner_id))["roles"] == ["CLIENT"]


# createAgent and updateAgent


async def test_create_agent_stores_the_partner_with_its_roles(gql, factory):
    company = await factory.company()

    payload = await run(
        gql, CREATE_AGENT, companyId=gid("Company", company.id), code="AG-1", name="Ana Rep",
        taxId="10456", email="ana@acme.pe", phone="999", externalId="R-1", alsoClient=True,
    )  # fmt: skip

    assert payload["errors"] == []
    assert await stored(gql, payload["agent"]["id"]) == {
        "code": "AG-1", "name": "Ana Rep", "taxId": "10456", "email": "ana@acme.pe",
        "phone": "999", "externalId": "R-1", "roles": ["CLIENT", "REPRESENTATIVE"],
    }  # fmt: skip


async def test_create_agent_refuses_a_code_a_client_of_the_company_uses(gql, factory, db_session):
    company = await factory.company()
    await factory.client(company, code="P-1")
    company_id = gid("Company", company.id)
    await db_session.commit()

    payload = await run(gql, CREATE_AGENT, companyId=company_id, code="P-1", name="Ana")

    assert codes(payload) == [("NOT_UNIQUE", "code")]


async def test_create_agent_refuses_a_company_outside_the_callers_keys(gql, factory):
    mine, theirs = await factory.company(), await factory.company()
    company_id = gid("Company", theirs.id)

    payload = await run(gql, CREATE_AGENT, only(mine.id), companyId=company_id, code="A", name="A")

    assert codes(payload) == [("NOT_FOUND", "companyId")]


async def test_create_agent_reports_every_violation_and_writes_nothing(gql, factory, db_session):
    company = await factory.company()
    company_id = gid("Company", company.id)
    await db_session.commit()
    before = await count(db_session, models.Partner)

    payload = await run(
        gql, CREATE_AGENT, companyId=company_id, code="no spaces", name="", email="@x.pe"
    )

    assert codes(payload) == [("INVALID", "code"), ("INVALID", "name"), ("INVALID", "email")]
    assert await count(db_session, models.Partner) == before


async def test_update_agent_changes_what_was_sent_and_keeps_the_rest(gql, factory):
    company = await factory.company()
    agent = await factory.agent(company, code="AG-1", name="Ana", email="ana@acme.pe")
    agent_id = gid("Agent", agent.id)

    payload = await run(gql, UPDATE_AGENT, id=agent_id, name="Ana Maria", alsoClient=True)

    assert payload["errors"] == []
    assert await stored(gql, agent_id) == {
        "code": "AG-1", "name": "Ana Maria", "taxId": None, "email": "ana@acme.pe",
        "phone": None, "externalId": None, "roles": ["CLIENT", "REPRESENTATIVE"],
    }  # fmt: skip


async def test_update_agent_refuses_a_partner_without_the_representative_role(gql, factory):
    company = await factory.company()
    client = await factory.client(company)

    payload = await run(gql, UPDATE_AGENT, id=gid("Agent", client.id), name="X")

    assert payload["errors"] == [
        {"code": "NOT_FOUND", "field": "id", "message": "no Agent with this id"}
    ]


async def test_update_agent_refuses_an_agent_of_another_company(gql, factory):
    mine, theirs = await factory.company(), await factory.company()
    agent = await factory.agent(theirs)

    payload = await run(gql, UPDATE_AGENT, only(mine.id), id=gid("Agent", agent.id), name="X")

    assert codes(payload) == [("NOT_FOUND", "id")]


async def test_update_agent_refuses_a_code_another_partner_uses(gql, factory, db_session):
    company = await factory.company()
    agent = await factory.agent(company)
    await factory.client(company, code="TAKEN")
    agent_id = gid("Agent", agent.id)
    await db_session.commit()

    payload = await run(gql, UPDATE_AGENT, id=agent_id, code="TAKEN", name=" ")

    assert codes(payload) == [("INVALID", "name"), ("NOT_UNIQUE", "code")]


async def test_update_agent_keeps_the_client_role_orders_rely_on(gql, factory, db_session):
    company = await factory.company()
    partner = await factory.partner(company, BOTH_ROLES)
    await factory.order(company, partner)
    agent_id = gid("Agent", partner.id)
    await db_session.commit()

    payload = await run(gql, UPDATE_AGENT, id=agent_id, alsoClient=False, name="Renamed")

    assert payload["errors"] == [
        {
            "code": "INVALID",
            "field": "alsoClient",
            "message": "orders name this partner as their client; it keeps CLIENT",
        }
    ]
    assert (await stored(gql, agent_id))["name"] != "Renamed"


async def test_create_client_refuses_texts_postgresql_cannot_store_on_their_paths(gql, factory):
    company = await factory.company()

    payload = await run(
        gql,
        CREATE_CLIENT,
        companyId=gid("Company", company.id),
        code="C1",
        name="Sol\x00",
        addresses=[ADDRESS, ADDRESS | {"city": "Li\ud800ma"}],
    )

    assert codes(payload) == [("INVALID", "name"), ("INVALID", "addresses.1.city")]
