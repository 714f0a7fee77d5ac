"""updateSeason: lock, check everything at once, change, answer. Omitted fields keep their value."""

from app.context import Info
from app.domain.catalog import season_errors
from db import models
from db.queries.codes import lock_in_scope, save_checked
from graphql_schema.rows import from_row
from graphql_schema.seasons.inputs import SeasonPayload, UpdateSeasonInput
from graphql_schema.seasons.types import Season
from resolvers.global_ids import input_id
from resolvers.outcome import in_transaction
from resolvers.seasons.create_season import FIELDS


async def update_season(info: Info, input: UpdateSeasonInput) -> SeasonPayload:
    ctx = info.context
    scope = ctx.loaders.company_ids

    async def work() -> models.Season:
        season_id = input_id(input.id, "Season", ("id",))
        row = await lock_in_scope(
            ctx.session, models.Season, season_id, company_ids=scope, noun="Season"
        )
        starts_on, ends_on = input.starts_on or row.starts_on, input.ends_on or row.ends_on
        errors = season_errors(input, starts_on, ends_on)
        return await save_checked(ctx.session, row, input, FIELDS, errors=errors, company_ids=scope)

    row, errors = await in_transaction(ctx.session, work)
    if row is not None:
        ctx.loaders.after_write(models.Season, row)
    return SeasonPayload(season=from_row(Season, row) if row else None, errors=errors)
