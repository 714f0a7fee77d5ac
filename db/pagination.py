"""Keyset pagination over a select(): stable while rows are inserted, never OFFSET.

A page is ordered by (sort column, id) in one direction; the cursor carries both values and a tag
naming the connection and ordering, so a cursor from another list or ordering is refused.
"""

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql import Select

from app.domain.storable import INTEGER_MAX, instant_in_range, text_problem
from db.base import Base


class PageArgumentError(ValueError):
    """A client error in paging arguments; `argument` names the offending argument."""

    def __init__(self, argument: str, message: str) -> None:
        super().__init__(f"{argument}: {message}")
        self.argument = argument


@dataclass(frozen=True, slots=True)
class Ordering:
    """One keyset ordering: `tag` goes into cursors, `column` is the sort key, `id` breaks ties."""

    tag: str
    column: InstrumentedAttribute[Any]
    id: InstrumentedAttribute[int]
    descending: bool = False

    @property
    def model(self) -> type[Base]:
        """The mapped class being paged (SQLAlchemy types `class_` as possibly an alias)."""
        return cast(type[Base], self.id.class_)

    def encode(self, row: Any) -> str:
        value = getattr(row, self.column.key)
        payload = [self.tag, _to_json(value), row.id]
        raw = json.dumps(payload, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def decode(self, cursor: str, argument: str) -> tuple[Any, int]:
        try:
            padded = cursor + "=" * (-len(cursor) % 4)
            tag, value, row_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as exc:
            raise PageArgumentError(argument, "malformed cursor") from exc
        if tag != self.tag:
            raise PageArgumentError(argument, "this cursor belongs to another list or ordering")
        try:
            return _from_json(value, self.column.type), _row_id(row_id)
        except (ValueError, TypeError, ArithmeticError) as exc:
            raise PageArgumentError(argument, "malformed cursor") from exc

    def after(self, value: Any, row_id: int) -> sa.ColumnElement[bool]:
        """Rows strictly after the cursor in this ordering's direction."""
        mine, theirs = sa.tuple_(self.column, self.id), sa.tuple_(sa.literal(value), row_id)
        return mine < theirs if self.descending else mine > theirs

    def before(self, value: Any, row_id: int) -> sa.ColumnElement[bool]:
        mine, theirs = sa.tuple_(self.column, self.id), sa.tuple_(sa.literal(value), row_id)
        return mine > theirs if self.descending else mine < theirs

    def order_by(
        self, *, reverse: bool = False, row: Any = None
    ) -> tuple[sa.ColumnElement[Any], ...]:
        """ORDER BY terms; `row` is an alias of the table to order instead."""
        source = self.column.class_ if row is None else row
        column, row_id = getattr(source, self.column.key), getattr(source, self.id.key)
        if self.descending != reverse:
            return (column.desc(), row_id.desc())
        return (column.asc(), row_id.asc())


def _to_json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


_MAX_AMOUNT = Decimal(10) ** 12


def _row_id(value: Any) -> int:
    if type(value) is not int or not 0 < value <= INTEGER_MAX:
        raise ValueError("cursor id out of range")
    return value


def _from_json(value: Any, column_type: Any) -> Any:
    """Cursors come from clients: every value is checked to be one we could have written."""
    python_type = column_type.python_type
    if python_type is datetime:
        parsed = datetime.fromisoformat(value)
        if not instant_in_range(parsed):
            raise ValueError("timestamp in cursor out of range")
        return parsed
    if python_type is Decimal:
        amount = Decimal(value)
        if not amount.is_finite() or abs(amount) >= _MAX_AMOUNT:
            raise ValueError("amount in cursor out of range")
        return amount
    if type(value) is not python_type:
        raise TypeError("cursor value of the wrong type")
    if python_type is str and (text_problem(value) or len(value) > (column_type.length or 200)):
        raise ValueError("text in cursor out of range")
    return value


@dataclass(frozen=True, slots=True)
class PageRequest:
    """Validated Relay arguments: exactly one of a forward or a backward page."""

    limit: int
    backward: bool
    after: str | None
    before: str | None

    @classmethod
    def from_args(
        cls,
        *,
        first: int | None,
        after: str | None,
        last: int | None,
        before: str | None,
        default_size: int,
        max_size: int,
    ) -> "PageRequest":
        if first is not None and last is not None:
            raise PageArgumentError("first", "pass either first or last, not both")
        for name, size in (("first", first), ("last", last)):
            if size is not None and size < 0:
                raise PageArgumentError(name, "must not be negative")
            if size is not None and size > max_size:
                raise PageArgumentError(name, f"must be at most {max_size}, got {size}")
        if last is not None:
            return cls(limit=last, backward=True, after=after, before=before)
        return cls(
            limit=default_size if first is None else first,
            backward=False,
            after=after,
            before=before,
        )


@dataclass(frozen=True, slots=True)
class Page:
    rows: Sequence[Any]
    has_next: bool
    has_previous: bool


def keyset_filters(ordering: Ordering, request: PageRequest) -> list[sa.ColumnElement[bool]]:
    """The WHERE terms that the cursors impose; cursors are decoded (and refused) here."""
    filters: list[sa.ColumnElement[bool]] = []
    if request.after is not None:
        filters.append(ordering.after(*ordering.decode(request.after, "after")))
    if request.before is not None:
        filters.append(ordering.before(*ordering.decode(request.before, "before")))
    return filters


async def keyset_page(
    session: AsyncSession, query: Select[Any], ordering: Ordering, request: PageRequest
) -> Page:
    """One SELECT of limit + 1 rows: the extra row only tells whether another page exists."""
    rows = list((await session.scalars(keyset_statement(query, ordering, request))).all())
    return page_from(rows, request)


def keyset_statement(query: Select[Any], ordering: Ordering, request: PageRequest) -> Select[Any]:
    """`query` limited to the requested page plus one row, in the page's order."""
    return (
        query.where(*keyset_filters(ordering, request))
        .order_by(*ordering.order_by(reverse=request.backward))
        .limit(request.limit + 1)
    )


async def keyset_pages_per_parent(
    session: AsyncSession,
    query: Select[Any],
    parent: InstrumentedAttribute[int],
    parent_ids: Sequence[int],
    ordering: Ordering,
    request: PageRequest,
) -> dict[int, Page]:
    """The same page for many parents in one SELECT, numbering rows per parent with a window."""
    filters = keyset_filters(ordering, request)
    entity = query.column_descriptions[0]["entity"]
    position = (
        sa.func.row_number()
        .over(partition_by=parent, order_by=ordering.order_by(reverse=request.backward))
        .label("position")
    )
    numbered = query.add_columns(position).where(parent.in_(parent_ids), *filters).subquery()
    aliased = sa.orm.aliased(entity, numbered)
    statement = (
        sa.select(aliased)
        .where(numbered.c.position <= request.limit + 1)
        .order_by(numbered.c[parent.key], numbered.c.position)
    )
    grouped: dict[int, list[Any]] = {parent_id: [] for parent_id in parent_ids}
    for row in (await session.scalars(statement)).all():
        grouped[getattr(row, parent.key)].append(row)
    return {parent_id: page_from(rows, request) for parent_id, rows in grouped.items()}


def page_from(rows: list[Any], request: PageRequest) -> Page:
    """The page among limit + 1 rows fetched in the page's order."""
    extra = len(rows) > request.limit
    rows = rows[: request.limit]
    if request.backward:
        rows.reverse()
        return Page(rows=rows, has_next=request.before is not None, has_previous=extra)
    return Page(rows=rows, has_next=extra, has_previous=request.after is not None)


async def count(session: AsyncSession, query: Select[Any]) -> int:
    statement = sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    return int(await session.scalar(statement) or 0)
