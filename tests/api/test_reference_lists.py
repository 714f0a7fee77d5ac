"""The reference data lists: companies, clients, agents, products, seasons, payment methods."""

import pytest
from strawberry.relay import to_base64

from app.domain.vocabulary import PartnerRole
from db import models

ARGUMENT_TYPES = {"search": "String", "companyIds": "[ID!]", "first": "Int", "after": "String"}
# list field -> the field that names its rows
KEYS = {
    "companies": "code",
    "clients": "name",
    "agents": "name",
    "products": "code",
    "seasons": "code",
    "paymentMethods": "code",
}
OWNED = [name for name in KEYS if name != "companies"]


async def listed(gql, field, **arguments):
    """The rows' key fields (see KEYS) in list order, and the page info."""
    declared = ", ".join(f"${name}: {ARGUMENT_TYPES[name]}" for name in arguments)
    passed = ", ".join(f"{name}: ${name}" for name in arguments)
    query = f"""
    query List{f"({declared})" if arguments else ""} {{
      {field}{f"({passed})" if arguments else ""} {{
        nodes {{ {KEYS[field]} }} pageInfo {{ hasNextPage endCursor }}
      }}
    }}
    """
    result = await gql(query, arguments)
    assert result.errors is None, result.errors
    connection = result.data[field]
    return [node[KEYS[field]] for node in connection["nodes"]], connection["pageInfo"]


async def names(gql, field, **arguments):
    return (await listed(gql, field, **arguments))[0]


async def payment_method(factory, company, code, name=None):
    row = models.PaymentMethod(company_id=company.id, code=code, name=name or f"Pay {code}")
    factory.session.add(row)
    await factory.session.flush()
    return row


async def one_of_each(factory, company, key):
    """A client, an agent, a product, a season and a payment method, all named or coded `key`."""
    await factory.client(company, name=key)
    await factory.agent(company, name=key)
    await factory.product(company, code=key)
    await factory.season(company, code=key)
    await payment_method(factory, company, key)


async def test_companies_lists_every_company_by_code(gql, factory):
    for code in ["ZB", "ZA", "ZC"]:
        await factory.company(code=code)

    assert await names(gql, "companies") == ["ZA", "ZB", "ZC"]


async def test_companies_search_matches_code_or_name_ignoring_case(gql, factory):
    await factory.company(code="LIM", name="Textiles Andinos")
    await factory.company(code="CUZ", name="Alpaca Andina")
    await factory.company(code="AND", name="Other")
    await factory.company(code="ARE", name="Arequipa")

    assert await names(gql, "companies", search="andin") == ["CUZ", "LIM"]


async def test_clients_lists_partners_with_the_client_role_by_name(gql, factory):
    company = await factory.company()
    await factory.partner(company, [PartnerRole.CLIENT], name="Carla")
    await factory.partner(company, [PartnerRole.REPRESENTATIVE], name="Beto")
    await factory.partner(company, [PartnerRole.REPRESENTATIVE, PartnerRole.CLIENT], name="Ana")

    assert await names(gql, "clients") == ["Ana", "Carla"]


async def test_agents_lists_partners_with_the_representative_role_by_name(gql, factory):
    company = await factory.company()
    await factory.partner(company, [PartnerRole.CLIENT], name="Carla")
    await factory.partner(company, [PartnerRole.REPRESENTATIVE], name="Beto")
    await factory.partner(company, [PartnerRole.REPRESENTATIVE, PartnerRole.CLIENT], name="Ana")

    assert await names(gql, "agents") == ["Ana", "Beto"]


async def test_clients_search_matches_name_code_or_tax_id_ignoring_case(gql, factory):
    company = await factory.company()
    await factory.client(company, name="Bodega Lucía", code="C1", tax_id="10000001")
    await factory.client(company, name="Ferretería", code="BODEGA-9", tax_id="10000002")
    await factory.client(company, name="Librería", code="C3", tax_id="20BODEGA")
    await factory.client(company, name="Panadería", code="C4", tax_id="10000004")
    await factory.agent(company, name="Bodeguero Agente")

    assert await names(gql, "clients", search="bodeg") == ["Bodega Lucía", "Ferretería", "Librería"]


async def test_agents_search_matches_name_ignoring_case(gql, factory):
    company = await factory.company()
    for name in ["Rosario Huamán", "Pedro Rojas", "Rosa Quispe"]:
        await factory.agent(company, name=name)
    await factory.client(company, name="Rosa Client")

    assert await names(gql, "agents", search="ROSA") == ["Rosa Quispe", "Rosario Huamán"]


async def test_products_search_matches_code_or_name_ignoring_case(gql, factory):
    company = await factory.company()
    await factory.product(company, code="CAM-01", name="Camisa Oxford")
    await factory.product(company, code="PAN-01", name="Pantalón CAMPO")
    await factory.product(company, code="ZAP-01", name="Zapato")

    assert await names(gql, "products", search="cam") == ["CAM-01", "PAN-01"]


async def test_seasons_search_matches_code_or_description_ignoring_case(gql, factory):
    company = await factory.company()
    await factory.season(company, code="V25", description="Verano 2025")
    await factory.season(company, code="I25", description="Invierno 2025")
    await factory.season(company, code="V24", description="Verano 2024")

    assert await names(gql, "seasons", search="verano") == ["V24", "V25"]


async def test_payment_methods_search_matches_code_or_name_ignoring_case(gql, factory):
    company = await factory.company()
    await payment_method(factory, company, "CASH", "Contado")
    await payment_method(factory, company, "CR30", "Crédito 30 días")
    await payment_method(factory, company, "CR60", "Crédito 60 días")

    assert await names(gql, "paymentMethods", search="crédito") == ["CR30", "CR60"]


@pytest.mark.parametrize("field", OWNED)
async def test_company_ids_keeps_rows_of_those_companies(gql, factory, field):
    companies = [await factory.company() for _ in range(3)]
    for key, company in zip(["K1", "K2", "K3"], companies, strict=True):
        await one_of_each(factory, company, key)
    wanted = [to_base64("Company", companies[0].id), to_base64("Company", companies[2].id)]

    assert await names(gql, field, companyIds=wanted) == ["K1", "K3"]


@pytest.mark.parametrize("field", OWNED)
async def test_an_id_of_another_type_in_company_ids_is_refused(gql, factory, field):
    company = await factory.company()
    client = await factory.client(company)

    result = await gql(
        f"query($ids: [ID!]) {{ {field}(companyIds: $ids) {{ totalCount }} }}",
        {"ids": [to_base64("Client", client.id)]},
    )

    assert result.data is None
    [error] = result.errors
    assert "companyIds" in error.message


@pytest.mark.parametrize("field", list(KEYS))
async def test_paging_with_first_and_after_visits_every_row_once(gql, factory, field):
    for key in ["K5", "K2", "K4", "K1", "K3"]:
        await one_of_each(factory, await factory.company(code=key), key)

    first, first_info = await listed(gql, field, first=2)
    second, second_info = await listed(gql, field, first=2, after=first_info["endCursor"])
    third, third_info = await listed(gql, field, first=2, after=second_info["endCursor"])

    assert [first, second, third] == [["K1", "K2"], ["K3", "K4"], ["K5"]]
    assert [i["hasNextPage"] for i in (first_info, second_info, third_info)] == [True, True, False]


async def test_clients_with_the_same_name_are_paged_by_id(gql, factory):
    companies = [await factory.company() for _ in range(3)]
    for n, company in enumerate(companies):
        await factory.client(company, name="Ana", code=f"ANA-{n}")
    query = """
    query($after: String) { clients(first: 2, after: $after) { nodes { code } pageInfo {
      hasNextPage endCursor } } }
    """

    first = (await gql(query)).data["clients"]
    second = (await gql(query, {"after": first["pageInfo"]["endCursor"]})).data["clients"]

    codes = [node["code"] for node in first["nodes"] + second["nodes"]]
    assert codes == ["ANA-0", "ANA-1", "ANA-2"]
    assert [first["pageInfo"]["hasNextPage"], second["pageInfo"]["hasNextPage"]] == [True, False]


@pytest.mark.parametrize("field", list(KEYS))
@pytest.mark.parametrize("text", ["a\x00b", "a\ud800b"], ids=["nul", "surrogate"])
async def test_a_search_postgresql_cannot_compare_is_refused_naming_it(gql, field, text):
    result = await gql(
        f"query($search: String) {{ {field}(search: $search) {{ totalCount }} }}",
        {"search": text},
    )

    assert result.data is None
    [error] = result.errors
    assert error.message.startswith("search: ")
    assert error.extensions == {"code": "INVALID", "argument": "search"}
