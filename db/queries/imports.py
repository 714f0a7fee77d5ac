"""SQL of the bulk import: references by code, orders by identity, multi-row writes; none commits.

Every function takes the rows of a whole call at once, so an import of 1,000 orders costs a
few statements, not a few per order or per line.
"""

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from app.domain import new_order
from app.domain.errors import InputPath, NotFound
from app.domain.vocabulary import OrderEventKind, PartnerRole
from db.models import (
    Address,
    Company,
    Discount,
    Order,
    OrderEvent,
    OrderLine,
    Partner,
    PaymentMethod,
    Product,
    Season,
)

Key = tuple[int, str, str]  # an imported order's identity: (company id, source, external id)
Row = Mapping[Any, Any]  # names to values; Any keys, as a RowMapping also takes columns

_ORDERS, _LINES, _DISCOUNTS = Order.__table__, OrderLine.__table__, Discount.__table__
_MAX_PARAMETERS = 30_000  # PostgreSQL's wire protocol allows 32,767 per statement


def text_limits(model: Any) -> dict[str, int]:
    """The length of every VARCHAR column: text longer than this is refused before writing."""
    return {
        column.name: column.type.length
        for column in model.__table__.columns
        if isinstance(column.type, sa.String) and column.type.length
    }


async def companies_by_code(
    session: AsyncSession, codes: Collection[str], *, company_ids: Collection[int]
) -> dict[str, Company]:
    """Companies named by code; those outside the caller's companies are simply absent."""
    statement = sa.select(Company).where(Company.code.in_(codes), Company.id.in_(company_ids))
    return {row.code: row for row in (await session.scalars(statement)).all()}


async def rows_by_value(
    session: AsyncSession,
    column: InstrumentedAttribute[Any],
    values: Collection[str],
    *,
    scope: InstrumentedAttribute[int],
    scope_ids: Collection[int],
) -> dict[tuple[int, str], list[Any]]:
    """Rows whose `column` has one of `values`, per (scope id, value): codes, external ids...

    A value may match several rows where the column is not unique (external ids).
    """
    model = column.class_
    statement = sa.select(model).where(scope.in_(scope_ids), column.in_(values))
    found: dict[tuple[int, str], list[Any]] = defaultdict(list)
    for row in (await session.scalars(statement)).all():
        found[(getattr(row, scope.key), getattr(row, column.key))].append(row)
    return found


def _identity() -> sa.Tuple:
    return sa.tuple_(_ORDERS.c.company_id, _ORDERS.c.source, _ORDERS.c.external_id)


async def imported_orders(session: AsyncSession, keys: Collection[Key]) -> dict[Key, Row]:
    """The orders these identities already name, row-locked until commit (in id order)."""
    if not keys:
        return {}
    statement = (
        sa.select(_ORDERS)
        .where(_identity().in_(list(keys)))
        .order_by(_ORDERS.c.id)
        .with_for_update()
    )
    rows = (await session.execute(statement)).mappings().all()
    return {(row["company_id"], row["source"], row["external_id"]): row for row in rows}


async def contents_of(
    session: AsyncSession, order_ids: Collection[int]
) -> tuple[dict[int, list[Row]], dict[int, list[Row]]]:
    """The stored lines and discounts of these orders, per order id, in entry order."""
    lines: dict[int, list[Row]] = defaultdict(list)
    discounts: dict[int, list[Row]] = defaultdict(list)
    if order_ids:
        ids = list(order_ids)
        statement = sa.select(_LINES).where(_LINES.c.order_id.in_(ids))
        for row in (await session.execute(statement.order_by(_LINES.c.position))).mappings():
            lines[row["order_id"]].append(row)
        statement = sa.select(_DISCOUNTS).where(_DISCOUNTS.c.order_id.in_(ids))
        for row in (await session.execute(statement.order_by(_DISCOUNTS.c.sequence))).mappings():
            discounts[row["order_id"]].append(row)
    return lines, discounts


async def changed_here(session: AsyncSession, order_ids: Collection[int]) -> dict[int, str]:
    """Orders whose history holds a change made here, not by an import: its latest kind."""
    if not order_ids:
        return {}
    events = OrderEvent.__table__
    statement = (
        sa.select(events.c.order_id, events.c.kind)
        .where(
            events.c.order_id.in_(list(order_ids)),
            events.c.kind.not_in([OrderEventKind.IMPORTED.value, OrderEventKind.CREATED.value]),
        )
        .order_by(events.c.order_id, events.c.occurred_at, events.c.id)
    )
    return {row.order_id: str(row.kind) for row in (await session.execute(statement)).all()}


async def number_holders(
    session: AsyncSession, numbers: Collection[tuple[int, str]], series: Collection[tuple[int, str]]
) -> list[Row]:
    """Orders that already use one of these (company id, number) or (company id, series) pairs."""
    company = _ORDERS.c.company_id
    statement = sa.select(
        company, _ORDERS.c.number, _ORDERS.c.series, _ORDERS.c.source, _ORDERS.c.external_id
    ).where(
        sa.or_(
            sa.tuple_(company, _ORDERS.c.number).in_(list(numbers)),
            sa.tuple_(company, _ORDERS.c.series).in_(list(series)),
        )
    )
    return list((await session.execute(statement)).mappings().all())


def _page_size(rows: Sequence[Row]) -> dict[str, int]:
    """Rows per multi-row INSERT, so one statement stays under the protocol's parameter limit."""
    return {"insertmanyvalues_page_size": max(1, _MAX_PARAMETERS // max(1, len(rows[0])))}


async def insert_orders(session: AsyncSession, rows: Sequence[Row]) -> dict[Key, int]:
    """New orders' ids by identity, in multi-row INSERTs (SQLAlchemy's insertmanyvalues).

    ON CONFLICT DO NOTHING: a row whose identity (or number, or series) a concurrent transaction
    has just committed comes back missing, instead of failing the whole statement; the caller
    then treats it as existing. Rows go in identity order, so two imports lock alike.
    """
    if not rows:
        return {}
    ordered = sorted(rows, key=lambda row: (row["company_id"], row["source"], row["external_id"]))
    statement = (
        pg_insert(_ORDERS)
        .values(updated_at=sa.func.clock_timestamp())  # as touch() sets it on every change
        .on_conflict_do_nothing()
        .returning(_ORDERS.c.id, _ORDERS.c.company_id, _ORDERS.c.source, _ORDERS.c.external_id)
        .execution_options(**_page_size(rows))
    )
    found = (await session.execute(statement, ordered)).all()
    return {(row.company_id, row.source, row.external_id): row.id for row in found}


async def insert_lines(session: AsyncSession, rows: Sequence[Row]) -> dict[tuple[int, int], int]:
    """Line ids by (order id, position), in multi-row INSERTs."""
    if not rows:
        return {}
    statement = (
        sa.insert(_LINES)
        .returning(_LINES.c.id, _LINES.c.order_id, _LINES.c.position)
        .execution_options(**_page_size(rows))
    )
    found = (await session.execute(statement, list(rows))).all()
    return {(row.order_id, row.position): row.id for row in found}


async def insert_rows(session: AsyncSession, model: Any, rows: Sequence[Row]) -> None:
    """Rows whose ids nobody needs back (discounts, events): one pipelined executemany."""
    if rows:
        await session.execute(sa.insert(model.__table__), list(rows))


async def replace_orders(session: AsyncSession, rows: Sequence[Row]) -> None:
    """Overwrite orders by id (every row sets the same columns), moving version and updatedAt.

    Their lines and discounts are deleted: the caller inserts the new ones.
    """
    if not rows:
        return
    ids = [row["id"] for row in rows]
    await session.execute(sa.delete(_DISCOUNTS).where(_DISCOUNTS.c.order_id.in_(ids)))
    await session.execute(sa.delete(_LINES).where(_LINES.c.order_id.in_(ids)))
    columns = [name for name in rows[0] if name != "id"]
    values: dict[str, Any] = {name: sa.bindparam(f"new_{name}") for name in columns}
    values |= {"version": _ORDERS.c.version + 1, "updated_at": sa.func.clock_timestamp()}
    statement = sa.update(_ORDERS).where(_ORDERS.c.id == sa.bindparam("order_id")).values(values)
    params = [
        {"order_id": row["id"], **{f"new_{name}": row[name] for name in columns}} for row in rows
    ]
    await session.execute(statement, params)


async def orders_by_ids(session: AsyncSession, order_ids: Collection[int]) -> list[Order]:
    """Fresh ORM copies of orders just written with Core statements (stale copies are replaced)."""
    if not order_ids:
        return []
    statement = (
        sa.select(Order)
        .where(Order.id.in_(list(order_ids)))
        .execution_options(populate_existing=True)
    )
    return list((await session.scalars(statement)).all())


_NOUNS = {"products": "product", "seasons": "season", "payment_methods": "payment method"}


@dataclass(frozen=True, slots=True)
class References:
    """Every row a payload names, per (company id or client id, code or external id).

    Its methods answer in domain errors, because only they know which code named nothing.
    """

    companies: dict[str, Company]
    partners: dict[tuple[int, str], list[Partner]]  # by code
    clients: dict[tuple[int, str], list[Partner]]  # by external id
    products: dict[tuple[int, str], list[Product]]
    seasons: dict[tuple[int, str], list[Season]]
    payment_methods: dict[tuple[int, str], list[PaymentMethod]]
    addresses: dict[tuple[int, str], list[Address]]  # by (client id, external id)

    def coded(
        self, kind: str, company_id: int, code: str | None, path: InputPath, errors: list[Any]
    ) -> Any:
        """The product, season or payment method with this code in the company, if any."""
        found = getattr(self, kind).get((company_id, code)) if code is not None else None
        if code is not None and not found:
            errors.append(NotFound(f"no {_NOUNS[kind]} {code} in the company", path=path))
        return found[0] if found else None

    def party(
        self,
        company_id: int,
        role: PartnerRole,
        errors: list[Any],
        *,
        code: str | None,
        external_id: str | None = None,
    ) -> Partner | None:
        """The client or agent by code (or, for a client, by external id), with its role checked."""
        noun = "client" if role is PartnerRole.CLIENT else "agent"
        if code is not None:
            found, path, value = self.partners.get((company_id, code), []), "code", code
        elif external_id is not None:
            found = self.clients.get((company_id, external_id), [])
            found, path, value = (
                [r for r in found if role.value in r.roles],
                "external_id",
                external_id,
            )
        else:
            return None
        at = (f"{noun}_{path}",)
        if not found:
            errors.append(NotFound(f"no {noun} with {path.replace('_', ' ')} {value}", path=at))
            return None
        row = found[0]
        view = new_order.PartyView(row.id, row.company_id, row.roles)
        errors.extend(new_order.party_errors(view, role, company_id=company_id, path=at))
        return row

    def address(
        self,
        client: Partner | None,
        external_id: str | None,
        errors: list[Any],
        *,
        shipping: bool,
    ) -> Address | None:
        """One of the client's addresses by external id, flagged for the use (if any is)."""
        if external_id is None or client is None:
            return None
        found = self.addresses.get((client.id, external_id), [])
        flag = "is_shipping" if shipping else "is_billing"
        row = next((row for row in found if getattr(row, flag)), found[0] if found else None)
        view = (
            new_order.AddressView(row.id, client.id, row.is_shipping, row.is_billing)
            if row
            else None
        )
        at = ("shipping" if shipping else "billing") + "_address_external_id"
        errors.extend(
            new_order.address_errors(view, client_id=client.id, shipping=shipping, path=(at,))
        )
        return row


async def references(
    session: AsyncSession, named: Mapping[str, set[str]], *, company_ids: Collection[int]
) -> References:
    """Seven SELECTs, whatever the payload's size; `named` holds the values per kind."""
    companies = await companies_by_code(session, named["companies"], company_ids=company_ids)
    ids = [row.id for row in companies.values()]
    scope = Partner.company_id
    partners = await rows_by_value(
        session, Partner.code, named["partners"], scope=scope, scope_ids=ids
    )
    clients = await rows_by_value(
        session, Partner.external_id, named["clients"], scope=scope, scope_ids=ids
    )
    partner_ids = {row.id for rows in (*partners.values(), *clients.values()) for row in rows}
    return References(
        companies=companies,
        partners=partners,
        clients=clients,
        products=await _owned(session, Product, named["products"], ids),
        seasons=await _owned(session, Season, named["seasons"], ids),
        payment_methods=await _owned(session, PaymentMethod, named["payment_methods"], ids),
        addresses=await rows_by_value(
            session,
            Address.external_id,
            named["addresses"],
            scope=Address.partner_id,
            scope_ids=partner_ids,
        ),
    )


async def _owned(
    session: AsyncSession, model: Any, codes: Collection[str], company_ids: Collection[int]
) -> dict[tuple[int, str], list[Any]]:
    return await rows_by_value(
        session, model.code, codes, scope=model.company_id, scope_ids=company_ids
    )
