"""updateCompany: load, check, change, answer. Omitted fields keep their value."""

from app.context import Info
from app.domain.catalog import code_errors, currency_errors, name_errors, tax_rate_errors
from app.domain.errors import DomainErrors, NotFound, NotUnique
from db import models
from db.constraints import length_errors
from db.queries import catalog
from db.queries.codes import code_taken
from graphql_schema.companies.inputs import CompanyPayload, UpdateCompanyInput
from graphql_schema.companies.types import Company
from graphql_schema.rows import from_row
from resolvers.global_ids import input_id
from resolvers.outcome import in_transaction

_FIELDS = ("code", "name", "tax_rate", "currency", "tax_id", "external_id")


async def update_company(info: Info, input: UpdateCompanyInput) -> CompanyPayload:
    ctx = info.context

    async def work() -> models.Company:
        company_id = input_id(input.id, "Company", ("id",))
        row = await catalog.company_for_update(
            ctx.session, company_id, company_ids=ctx.loaders.company_ids
        )
        if row is None:
            raise NotFound("no Company with this id", path=("id",))
        errors = [
            *code_errors(input.code),
            *name_errors(input.name),
            *tax_rate_errors(input.tax_rate),
            *currency_errors(input.currency),
            *length_errors(models.Company, input, ("name", "tax_id", "external_id")),
        ]
        if input.code is not None and await code_taken(
            ctx.session, models.Company, input.code, exclude_id=row.id
        ):
            errors.append(NotUnique(f"a company with code {input.code} exists", path=("code",)))
        if errors:
            raise DomainErrors(errors)
        for field in _FIELDS:
            value = getattr(input, field)
            if value is not None:
                setattr(row, field, value)
        await ctx.session.flush()
        await ctx.session.refresh(row)
        return row

    row, errors = await in_transaction(ctx.session, work)
    if row is not None:
        ctx.loaders.after_write(models.Company, row)
    return CompanyPayload(company=from_row(Company, row) if row else None, errors=errors)
