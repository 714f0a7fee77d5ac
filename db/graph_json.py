"""A selection of the read graph compiled to one SQL expression that builds its JSON.

The compiled read path (resolvers/compiled/) answers a whole page of nested objects with
one statement, as PostGraphile does, instead of graphql-core resolving ~2,000 fields one by one.
The JSON must be exactly what the reference path serialises, so each scalar is rendered here the
way Strawberry renders it: Decimal and datetime as Python's str() and isoformat(), ids as
Relay global ids.
"""

import itertools
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, TypeAlias

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import QueryableAttribute, aliased
from sqlalchemy.sql import Select
from sqlalchemy.sql.util import ClauseAdapter
from sqlalchemy.sql.visitors import InternalTraversal

from db.base import Base
from db.graph import Children, One, PagedChildren, in_scope
from db.pagination import Ordering, PageRequest, keyset_statement

# json_build_object takes at most 100 arguments: 50 keys and their values.
MAX_KEYS = 50


@dataclass(frozen=True, slots=True)
class Column:
    """A column of the row, or a hybrid property computed from its columns, by ORM name."""

    name: str


@dataclass(frozen=True, slots=True)
class GlobalId:
    """The Relay id of the row: base64 of '<GraphQL type>:<id>'."""

    type_name: str


@dataclass(frozen=True, slots=True)
class Constant:
    """A value known before the query runs, such as __typename."""

    value: str


@dataclass(frozen=True, slots=True)
class Linked:
    """Another object (One) or a list of them (Children), with its own selection."""

    link: One | Children
    selection: "Selection"


@dataclass(frozen=True, slots=True)
class TotalCount:
    """How many children the parent has."""


@dataclass(frozen=True, slots=True)
class PageInfo:
    """pageInfo's fields: "hasNextPage", "hasPreviousPage" or a Constant (__typename)."""

    parts: tuple[tuple[str, "str | Constant"], ...]


@dataclass(frozen=True, slots=True)
class Edges:
    """An edge's fields: its node's Selection or a Constant (__typename); no cursors."""

    parts: tuple[tuple[str, "Selection | Constant"], ...]


@dataclass(frozen=True, slots=True)
class Nodes:
    selection: "Selection"


Envelope: TypeAlias = TotalCount | PageInfo | Edges | Nodes | Constant


@dataclass(frozen=True, slots=True)
class PageOf:
    """A connection nested in a node: its first `limit` children, shaped by `envelope`."""

    link: PagedChildren
    limit: int
    envelope: tuple[tuple[str, Envelope], ...]


Item: TypeAlias = Column | GlobalId | Constant | Linked | PageOf


@dataclass(frozen=True, slots=True)
class Selection:
    """What to build for one row of `model`: response keys in the order the client asked."""

    model: type[Base]
    items: tuple[tuple[str, Item], ...]
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # hashed for every cache it keys (statements, built expressions): once, not per lookup
        object.__setattr__(self, "_hash", hash((self.model, self.items)))

    def __hash__(self) -> int:
        return self._hash


def root_json(selection: Selection, company_ids: Collection[int]) -> sa.ColumnElement[Any]:
    """node_json for rows of the statement's own table, limited to the caller's companies.

    The expression is built once per selection, whoever asks (see `_built`); the companies
    are one bound array parameter, so every tenant's statement has the same SQL text.
    """
    expression, serial = _built(selection)
    scope = sa.bindparam("scope_company_ids", sorted(company_ids), type_=_COMPANY_IDS)
    return BuiltJson(expression, serial, scope)


@lru_cache(maxsize=256)
def _built(selection: Selection) -> tuple[sa.ColumnElement[Any], int]:
    """The selection's expression, with its serial number for the statement cache.

    Building it costs more than the query it makes (thousands of ORM attribute lookups for a
    nested page), and so does walking it for SQLAlchemy's compiled-statement cache key: it is
    built once and stands in statements as a BuiltJson.
    """
    return node_json(selection, selection.model), next(_built_ids)


_built_ids = itertools.count()
_COMPANY_IDS = ARRAY(sa.Integer)


class _Scope(sa.ColumnElement[Any]):
    """Where the caller's companies go in a built expression: its BuiltJson's bound array."""

    inherit_cache = True
    type = _COMPANY_IDS


SCOPE = _Scope()


class BuiltJson(sa.ColumnElement[Any]):
    """A built expression whose cache key is its serial number, not its thousands of parts.

    Its other values (keys, type names) are ours and fixed, so it compiles with them inline; the
    scope is the one parameter, traversed for the cache key so each statement binds its own.
    """

    inherit_cache = True
    _traverse_internals = [
        ("serial", InternalTraversal.dp_plain_obj),
        ("scope", InternalTraversal.dp_clauseelement),
    ]
    type = sa.JSON()

    def __init__(
        self, expression: sa.ColumnElement[Any], serial: int, scope: sa.BindParameter[Any]
    ) -> None:
        self.expression_built = expression
        self.serial = serial
        self.scope = scope


@compiles(BuiltJson)
def _compile_built(element: BuiltJson, compiler: Any, **kw: Any) -> str:
    inline = kw | {"literal_binds": True, "built_scope": element.scope}
    return compiler.process(element.expression_built, **inline)  # type: ignore[no-any-return]


@compiles(_Scope)
def _compile_scope(element: _Scope, compiler: Any, **kw: Any) -> str:
    scope = kw.get("built_scope")
    if scope is None:
        raise TypeError("SCOPE stands only inside a BuiltJson, which binds the companies")
    return compiler.process(scope, **(kw | {"literal_binds": False}))  # type: ignore[no-any-return]


def node_json(selection: Selection, row: Any) -> sa.ColumnElement[Any]:
    """The JSON object of `row` (an alias of selection.model) as the selection shapes it."""
    arguments: list[Any] = []
    for key, item in selection.items:
        arguments += [sa.literal(key, sa.Text), _value(item, row)]
    return sa.func.json_build_object(*arguments, type_=sa.JSON)


def _value(item: Item, row: Any) -> sa.ColumnElement[Any] | QueryableAttribute[Any]:
    if isinstance(item, Column):
        return _rendered(getattr(row, item.name))
    if isinstance(item, GlobalId):
        text = sa.literal(f"{item.type_name}:", sa.Text) + sa.cast(row.id, sa.Text)
        return sa.func.encode(sa.func.convert_to(text, "UTF8"), "base64")
    if isinstance(item, Constant):
        return sa.literal(item.value, sa.Text)
    if isinstance(item, PageOf):
        return _page_of(item, row)
    if isinstance(item.link, One):
        return _one(item.link, item.selection, row)
    return _children(item.link, item.selection, row)


def _one(link: One, selection: Selection, parent: Any) -> sa.ScalarSelect[Any]:
    """The linked row, null when there is none or it lies outside the caller's companies."""
    target = aliased(link.model)
    return (
        sa.select(node_json(selection, target))
        .where(
            target.id == getattr(parent, link.key.key),  # type: ignore[attr-defined]
            in_scope(link.model, SCOPE, row=target),
        )
        .scalar_subquery()
    )


def _children(link: Children, selection: Selection, parent: Any) -> sa.ScalarSelect[Any]:
    """The children as a JSON array in the link's order; [] when there are none."""
    child = aliased(link.model)
    adapter = ClauseAdapter(sa.inspect(child).selectable)

    def adapt(term: Any) -> Any:  # the link names the table's columns; the subquery, its alias
        return adapter.traverse(term.expression)

    rows = sa.func.json_agg(
        aggregate_order_by(node_json(selection, child), *(adapt(term) for term in link.order_by))
        if link.order_by
        else node_json(selection, child)
    )
    return (
        sa.select(_array(rows))
        .where(
            getattr(child, link.parent_key.key) == parent.id,
            *(adapt(term) for term in link.where),
        )
        .scalar_subquery()
    )


def _page_of(item: PageOf, parent: Any) -> sa.ScalarSelect[Any]:
    """The connection's JSON from one correlated subquery over limit + 1 children.

    The extra child only tells hasNextPage; a forward page from the start has no previous one.
    """
    link = item.link
    child = aliased(link.model)
    order = link.ordering.order_by(row=child)
    position = sa.func.row_number().over(order_by=order).label("position")
    page = (
        sa.select(child, position)
        .where(*_owned(link, child, parent))
        .order_by(*order)
        .limit(item.limit + 1)
        .correlate(parent)  # two levels down: SQLAlchemy only auto-correlates one
        .lateral()
    )
    row = aliased(link.model, page)
    in_page = page.c.position <= item.limit

    def listed(json: Any) -> Any:
        return _array(sa.func.json_agg(aggregate_order_by(json, page.c.position)).filter(in_page))

    def part(value: "str | Constant | Selection") -> Any:
        if isinstance(value, Constant):
            return sa.literal(value.value, sa.Text)
        if isinstance(value, Selection):
            return node_json(value, row)
        if value == "hasNextPage":
            return sa.func.count(page.c.position) > item.limit
        return sa.false()  # hasPreviousPage

    def shaped(parts: tuple[tuple[str, Any], ...]) -> Any:
        pairs = [element for key, value in parts for element in (sa.literal(key), part(value))]
        return sa.func.json_build_object(*pairs)

    fields: list[Any] = []
    for key, envelope in item.envelope:
        if isinstance(envelope, TotalCount):
            counted = aliased(link.model)
            owned = _owned(link, counted, parent)
            value = sa.select(sa.func.count()).where(*owned).correlate(parent).scalar_subquery()
        elif isinstance(envelope, PageInfo):
            value = shaped(envelope.parts)
        elif isinstance(envelope, Edges):
            value = listed(shaped(envelope.parts))
        elif isinstance(envelope, Nodes):
            value = listed(node_json(envelope.selection, row))
        else:
            value = part(envelope)
        fields += [sa.literal(key, sa.Text), value]
    # HAVING makes the children one group: one row even when nothing aggregates (totalCount)
    connection = sa.select(sa.func.json_build_object(*fields)).select_from(page).having(sa.true())
    return connection.scalar_subquery()


def _owned(link: PagedChildren, child: Any, parent: Any) -> tuple[sa.ColumnElement[bool], ...]:
    """The parent's children among the caller's companies, as the reference's loaders read them."""
    return (
        getattr(child, link.parent_key.key) == parent.id,
        in_scope(link.model, SCOPE, row=child),
    )


def _array(aggregated: Any) -> Any:
    """A json_agg, or [] where it found no rows."""
    return sa.func.coalesce(aggregated, sa.literal_column("'[]'::json"))


def _rendered(
    column: QueryableAttribute[Any],
) -> sa.ColumnElement[Any] | QueryableAttribute[Any]:
    """A column as Strawberry serialises its Python value."""
    python_type = _python_type(column)
    if python_type is Decimal:
        return sa.cast(column, sa.Text)  # numeric's text is str(Decimal) for our scales
    if python_type is datetime:
        return _finite(column, _isoformat(column), datetime.max, datetime.min)  # noqa: DTZ901 (naive, as asyncpg gives them)
    if python_type is date:
        return _finite(column, sa.func.to_char(column, "YYYY-MM-DD"), date.max, date.min)
    return column


def _finite(
    column: Any, rendered: Any, infinity: date, minus_infinity: date
) -> sa.ColumnElement[Any]:
    """PostgreSQL's ±infinity as asyncpg hands them to Python: the calendar's ends (naive)."""
    epoch: sa.ColumnClause[Any] = sa.literal_column("'epoch'")
    return sa.case(
        (sa.func.isfinite(column), rendered),
        (column > epoch, sa.literal(infinity.isoformat(), sa.Text)),
        (column < epoch, sa.literal(minus_infinity.isoformat(), sa.Text)),
    )


def _python_type(column: Any) -> type | None:
    try:
        return column.type.python_type  # type: ignore[no-any-return]
    except NotImplementedError:
        return None


def _isoformat(column: Any) -> sa.ColumnElement[str]:
    """datetime.isoformat() of a UTC timestamp: microseconds only when there are any."""
    utc = sa.func.timezone("UTC", column)
    seconds = sa.func.to_char(utc, 'YYYY-MM-DD"T"HH24:MI:SS')
    fraction = sa.case(
        (sa.extract("microseconds", column) % 1_000_000 == 0, sa.literal("", sa.Text)),
        else_=sa.func.to_char(utc, ".US"),
    )
    return seconds + fraction + sa.literal("+00:00", sa.Text)


SCOPE_PARAMETER = "scope_company_ids"


def json_column_bound(selection: Selection, *, as_text: bool) -> sa.ColumnElement[Any]:
    """json_column for a statement built once and run many times.

    The companies are bound at execution, as the `scope_company_ids` parameter.
    """
    expression, serial = _built(selection)
    json = BuiltJson(expression, serial, scope_parameter())
    return sa.cast(json, sa.Text) if as_text else json


def scope_parameter() -> sa.BindParameter[Any]:
    """The caller's companies as one array parameter, given when the statement runs."""
    return sa.bindparam(SCOPE_PARAMETER, type_=_COMPANY_IDS)


def json_column(
    selection: Selection, company_ids: Collection[int], *, as_text: bool
) -> sa.ColumnElement[Any]:
    """A node's JSON; as text over HTTP, so the driver hands it over without decoding it."""
    json = root_json(selection, company_ids)
    return sa.cast(json, sa.Text) if as_text else json


async def page_of_nodes(
    session: AsyncSession,
    query: Select[Any],
    ordering: Ordering,
    request: PageRequest,
    columns: list[sa.ColumnElement[Any]],
) -> list[Any]:
    """The page's rows from one statement: (id, sort key, then each column of `columns`)."""
    statement = keyset_statement(
        query.with_only_columns(ordering.id, ordering.column, *columns), ordering, request
    )
    return list((await session.execute(statement)).all())
