"""Making and revoking API keys (the CLI's `keys` commands and the first-run admin key)."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import SCOPES, new_key
from db.engine import unit_of_work
from db.queries import api_keys


class KeyRequestError(ValueError):
    """An unknown scope or company code; the message says which."""


@dataclass(frozen=True, slots=True)
class IssuedKey:
    id: int
    plain: str


async def issue_key(
    session: AsyncSession,
    *,
    name: str,
    company_codes: Sequence[str] | None,
    scopes: Sequence[str],
) -> IssuedKey:
    """A new key; `company_codes` None covers every company, present and future."""
    unknown_scopes = sorted(set(scopes) - set(SCOPES))
    if unknown_scopes or not scopes:
        raise KeyRequestError(f"scopes must be among {', '.join(SCOPES)}; got {unknown_scopes}")
    company_ids = None
    if company_codes is not None:
        found = await api_keys.company_ids_by_code(session, company_codes)
        missing = sorted(set(company_codes) - set(found))
        if missing or not company_codes:
            raise KeyRequestError(f"no company with code {', '.join(missing) or '(none given)'}")
        company_ids = [found[code] for code in company_codes]
    key = new_key()
    async with unit_of_work(session):
        row = await api_keys.insert_key(
            session,
            name=name,
            prefix=key.prefix,
            digest=key.digest,
            company_ids=company_ids,
            scopes=scopes,
        )
        key_id = row.id  # read before the commit expires the row
    return IssuedKey(id=key_id, plain=key.plain)


async def first_admin_key(session: AsyncSession) -> IssuedKey | None:
    """On a database with no key at all, an admin key for every company; otherwise None."""
    if await api_keys.any_key(session):
        return None
    return await issue_key(session, name="first-run admin", company_codes=None, scopes=["admin"])
