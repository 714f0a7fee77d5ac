"""Mutations on the catalog: companies, clients, agents, seasons, products, payment methods."""

from typing import Any

import strawberry

from graphql_schema.agents.inputs import AgentPayload
from graphql_schema.clients.inputs import ClientPayload
from graphql_schema.companies.inputs import CompanyPayload
from graphql_schema.payment_methods.inputs import PaymentMethodPayload
from graphql_schema.permissions import Admin
from graphql_schema.products.inputs import ProductPayload
from graphql_schema.seasons.inputs import SeasonPayload
from resolvers.agents.create_agent import create_agent
from resolvers.agents.update_agent import update_agent
from resolvers.clients.create_client import create_client
from resolvers.clients.update_client import update_client
from resolvers.companies.create_company import create_company
from resolvers.companies.update_company import update_company
from resolvers.payment_methods.create_payment_method import create_payment_method
from resolvers.payment_methods.update_payment_method import update_payment_method
from resolvers.products.create_product import create_product
from resolvers.products.update_product import update_product
from resolvers.seasons.create_season import create_season
from resolvers.seasons.update_season import update_season

_ALL_AT_ONCE = (
    " Every problem is reported at once in `errors`, each on its input path; when there is one,"
    " nothing is written."
)
_UPDATE = (
    " Omitted fields keep their value; the company cannot change. An id of another type, or of"
    " a company outside your key, is NOT_FOUND on `id`."
)


def _creates(resolver: Any, description: str) -> Any:
    return strawberry.mutation(
        permission_classes=[Admin], resolver=resolver, description=description + _ALL_AT_ONCE
    )


def _updates(resolver: Any, description: str) -> Any:
    return strawberry.mutation(
        permission_classes=[Admin],
        resolver=resolver,
        description=description + _UPDATE + _ALL_AT_ONCE,
    )


@strawberry.type
class CatalogMutation:
    create_company: CompanyPayload = strawberry.mutation(
        permission_classes=[Admin],
        resolver=create_company,
        description="Create a company (tenant) with its tax rate.",
    )
    update_company: CompanyPayload = strawberry.mutation(
        permission_classes=[Admin],
        resolver=update_company,
        description="Change a company; omitted fields keep their value.",
    )
    create_client: ClientPayload = _creates(
        create_client,
        "Create a client (a partner with the CLIENT role, and with REPRESENTATIVE too when "
        "`alsoRepresentative`) in one of your companies, with its shipping and billing addresses. "
        "The code is unique per company among all partners (NOT_UNIQUE on `code`).",
    )
    update_client: ClientPayload = _updates(
        update_client,
        "Change a client. `addresses`, when given, replaces the whole list: send an existing "
        "address with its `id` to keep it; an address that orders use cannot be left out "
        "(INVALID on `addresses`). `alsoRepresentative` adds or removes the REPRESENTATIVE role.",
    )
    create_agent: AgentPayload = _creates(
        create_agent,
        "Create an agent (a partner with the REPRESENTATIVE role, and with CLIENT too when "
        "`alsoClient`) in one of your companies. The code is unique per company among all "
        "partners (NOT_UNIQUE on `code`).",
    )
    update_agent: AgentPayload = _updates(
        update_agent, "Change an agent; `alsoClient` adds or removes the CLIENT role."
    )
    create_season: SeasonPayload = _creates(
        create_season,
        "Create a selling period; its code is unique per company and it may not end before it "
        "starts (INVALID on `endsOn`).",
    )
    update_season: SeasonPayload = _updates(
        update_season, "Change a season; the dates are checked as they will stand afterwards."
    )
    create_product: ProductPayload = _creates(
        create_product,
        "Add a product to a company's catalogue: a code unique per company, 1 or more units per "
        "package, a list price from 0 in whole cents.",
    )
    update_product: ProductPayload = _updates(
        update_product, "Change a product; orders already taken keep their prices."
    )
    create_payment_method: PaymentMethodPayload = _creates(
        create_payment_method,
        "Create a payment method [formaPago] with a code unique per company.",
    )
    update_payment_method: PaymentMethodPayload = _updates(
        update_payment_method, "Rename or recode a payment method."
    )
