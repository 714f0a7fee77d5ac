"""SQL for partners: their address lists and whether orders use them; none commits."""

from collections.abc import Collection, Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.domain.vocabulary import PartnerRole
from db.models import Address, Order

PARTNER_FIELDS = (
    "code",
    "name",
    "tax_id",
    "email",
    "phone",
    "external_id",
    "store_code",
    "route_code",
)
ADDRESS_FIELDS = (
    "address_line",
    "city",
    "region",
    "zip_code",
    "country",
    "is_shipping",
    "is_billing",
    "label",
    "external_id",
)
_ORDER_COLUMN = {PartnerRole.CLIENT: Order.client_id, PartnerRole.REPRESENTATIVE: Order.agent_id}


async def addresses_of(session: AsyncSession, partner_id: int) -> list[Address]:
    """The partner's addresses, re-read so that no stale copy in the session is written back."""
    statement = (
        sa.select(Address)
        .where(Address.partner_id == partner_id)
        .order_by(Address.id)
        .execution_options(populate_existing=True)
    )
    return list((await session.scalars(statement)).all())


async def addresses_on_orders(session: AsyncSession, address_ids: Collection[int]) -> set[int]:
    """Which of these addresses some order ships or bills to."""
    shipping = sa.select(Order.shipping_address_id).where(
        Order.shipping_address_id.in_(address_ids)
    )
    billing = sa.select(Order.billing_address_id).where(Order.billing_address_id.in_(address_ids))
    found = await session.scalars(sa.union(shipping, billing))
    return {address_id for address_id in found if address_id is not None}


async def on_orders_as(session: AsyncSession, partner_id: int, role: PartnerRole) -> bool:
    """Whether some order names the partner in this role (client or agent)."""
    column = _ORDER_COLUMN[role]
    found = await session.scalar(sa.select(Order.id).where(column == partner_id).limit(1))
    return found is not None


async def replace_addresses(
    session: AsyncSession,
    partner_id: int,
    current: Sequence[Address],
    entries: Sequence[tuple[int | None, object]],
) -> None:
    """Entries with an id overwrite that address, the others are added, the rest are deleted.

    Callers have checked the ids against `current` and kept every address an order uses.
    """
    by_id = {address.id: address for address in current}
    for address_id, given in entries:
        address = Address(partner_id=partner_id) if address_id is None else by_id.pop(address_id)
        for field in ADDRESS_FIELDS:
            setattr(address, field, getattr(given, field))
        session.add(address)
    for address in by_id.values():
        await session.delete(address)
    await session.flush()
