"""Mutations on reference data: companies, clients, agents, seasons, products, payment methods."""

import strawberry

from graphql_schema.companies.inputs import CompanyPayload
from resolvers.companies.create_company import create_company
from resolvers.companies.update_company import update_company


@strawberry.type
class ReferenceMutation:
    create_company: CompanyPayload = strawberry.mutation(
        resolver=create_company, description="Create a company (tenant) with its tax rate."
    )
    update_company: CompanyPayload = strawberry.mutation(
        resolver=update_company, description="Change a company; omitted fields keep their value."
    )
