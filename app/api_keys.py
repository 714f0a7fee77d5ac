"""Making and revoking API keys (the CLI's `keys` commands and the first-run admin key)."""

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

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


async def revoke_key(session: AsyncSession, key_id: int) -> bool:
    """Revoke an active key at once; False when no active key has this id."""
    async with unit_of_work(session):
        return await api_keys.revoke(session, key_id)


@dataclass(slots=True)
class KeyWatch:
    """Whether a long-lived connection's key was revoked since it was checked at connect time.

    The database is asked at most once per `interval_s` (one primary-key lookup), so a stream of
    events does not cost a query each; a principal without a key row (None) is never revoked.
    """

    key_id: int | None
    interval_s: float
    clock: Callable[[], float] = time.monotonic
    _checked_at: float | None = field(default=None, init=False)

    async def revoked(self, session: AsyncSession) -> bool:
        if self.key_id is None:
            return False
        now = self.clock()
        if self._checked_at is not None and now - self._checked_at < self.interval_s:
            return False
        self._checked_at = now
        return not await api_keys.is_active(session, self.key_id)
