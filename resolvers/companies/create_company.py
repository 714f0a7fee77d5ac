"""createCompany: check, insert, answer."""

from app.context import Info
from app.domain.catalog import code_errors, currency_errors, name_errors, tax_rate_errors
from app.domain.errors import DomainErrors, NotUnique
from db import models
from db.constraints import length_errors
from db.queries.codes import code_taken
from graphql_schema.companies.inputs import CompanyPayload, CreateCompanyInput
from graphql_schema.companies.types import Company
from graphql_schema.rows import from_row
from resolvers.outcome import in_transaction


async def create_company(info: Info, input: CreateCompanyInput) -> CompanyPayload:
    ctx = info.context

    async def work() -> models.Company:
        errors = [
            *code_errors(input.code),
            *name_errors(input.name),
            *tax_rate_errors(input.tax_rate),
            *currency_errors(input.currency),
            *length_errors(models.Company, input, ("name", "tax_id", "external_id")),
        ]
        if await code_taken(ctx.session, models.Company, input.code):
            errors.append(NotUnique(f"a company with code {input.code} exists", path=("code",)))
        if errors:
            raise DomainErrors(errors)
        row = models.Company(
            code=input.code,
            name=input.name,
            tax_rate=ctx.settings.default_tax_rate if input.tax_rate is None else input.tax_rate,
            currency=input.currency,
            tax_id=input.tax_id,
            external_id=input.external_id,
        )
        ctx.session.add(row)
        await ctx.session.flush()
        await ctx.session.refresh(row)
        return row

    row, errors = await in_transaction(ctx.session, work)
    return CompanyPayload(company=from_row(Company, row) if row else None, errors=errors)
