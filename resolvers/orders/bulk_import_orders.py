"""bulkImportOrders: look every reference up at once, plan each order, write the valid ones in bulk.

Imported orders are history: their status is taken as given and no stock moves. Each order is
checked completely before anything is written, so a refused order leaves nothing behind and the
others go on; the whole call commits once.
"""

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy.exc import IntegrityError

from app.context import AppContext, Info
from app.domain import imports, money, new_order
from app.domain.errors import DomainError, Invalid, InvalidTransition, NotFound, NotUnique
from app.domain.imports import ImportOutcome
from app.domain.vocabulary import CancellationReason, OrderEventKind, OrderStatus, OrderType
from app.domain.vocabulary import PartnerRole as Role
from db import models
from db.constraints import violated_unique_field
from db.engine import unit_of_work
from db.queries import imports as queries
from graphql_schema.errors import UserError, input_path
from graphql_schema.machinery.input_values import unstorable_values
from graphql_schema.orders.bulk import (
    BulkImportOrdersInput,
    BulkImportOrdersPayload,
    ImportOrderInput,
    ImportOrderResult,
)
from resolvers.orders.pricing import discount_rows, order_amounts
from resolvers.orders.remote_statuses import remote_statuses


async def bulk_import_orders(info: Info, input: BulkImportOrdersInput) -> BulkImportOrdersPayload:
    ctx = info.context
    refused = imports.size_errors(len(input.orders), path=("orders",), noun="order")
    if refused:
        return BulkImportOrdersPayload(errors=[UserError.from_domain(error) for error in refused])
    async with unit_of_work(ctx.session):
        plans = await bulk_import(ctx, input.orders)
    updated = [plan.order_id for plan in plans if plan.outcome is ImportOutcome.UPDATED]
    for row in await queries.orders_by_ids(ctx.session, [i for i in updated if i is not None]):
        ctx.loaders.after_write(models.Order, row)
    return BulkImportOrdersPayload(results=[plan.result() for plan in plans])


async def bulk_import(ctx: AppContext, orders: Sequence[ImportOrderInput]) -> list["Plan"]:
    """Free of GraphQL payloads, so a command-line importer can run it too; never commits."""
    scope = ctx.loaders.company_ids
    # an order with text PostgreSQL cannot hold fails alone, before any lookup could trip on it
    unstorable = [unstorable_values(order) for order in orders]
    await remote_statuses(ctx, orders, unstorable)
    storable = [order for order, errors in zip(orders, unstorable, strict=True) if not errors]
    refs = await queries.references(ctx.session, _named(storable), company_ids=scope)
    plans = [
        _plan(index, order, refs, ctx.principal.key_id, unstorable[index])
        for index, order in enumerate(orders)
    ]
    _refuse_repeats(plans)
    pending = [plan for plan in plans if plan.ok]
    for _ in range(2):  # the second pass takes the orders a concurrent import created meanwhile
        pending = await _settle(ctx, pending)
    for plan in pending:
        plan.fail(NotUnique("a concurrent change took this order; send it again", path=()))
    return plans


_SENT = ("gross_amount", "taxable_base", "tax_amount", "total_amount")
_IDENTITY = ("company_id", "source", "external_id")
_LIMITS = {model: queries.text_limits(model) for model in (models.Order, models.OrderLine)}
_DISCOUNT_LIMITS = queries.text_limits(models.Discount)


@dataclass(eq=False)
class Plan:
    """One order of the payload: the rows it becomes, or why it cannot."""

    index: int
    source: str
    external_id: str
    key: queries.Key | None = None
    order: dict[str, Any] = field(default_factory=dict)
    lines: list[dict[str, Any]] = field(default_factory=list)
    line_discounts: list[list[dict[str, Any]]] = field(default_factory=list)
    header_discounts: list[dict[str, Any]] = field(default_factory=list)
    errors: list[DomainError] = field(default_factory=list)
    outcome: ImportOutcome | None = None
    order_id: int | None = None
    before: OrderStatus | None = None
    changed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def fail(self, *errors: DomainError) -> None:
        self.errors.extend(errors)
        self.outcome = ImportOutcome.FAILED

    @cached_property
    def fields(self) -> dict[str, tuple[str, ...]]:
        """What a re-import of this order compares, once its rows are built."""
        discounts = [*self.header_discounts, *(row for rows in self.line_discounts for row in rows)]
        return imports.compared_fields(self.order, self.lines[0], next(iter(discounts), None))

    @cached_property
    def content(self) -> dict[str, Any]:
        return imports.content(
            self.order, self.lines, self.line_discounts, self.header_discounts, fields=self.fields
        )

    def result(self) -> ImportOrderResult:
        status = ImportOutcome.FAILED if self.outcome is None else self.outcome
        failed = status is ImportOutcome.FAILED
        errors = imports.under(("orders", self.index), self.errors)
        return ImportOrderResult(
            index=self.index,
            source=self.source,
            external_id=self.external_id,
            status=status,
            changed_fields=[input_path((name,)) for name in self.changed],
            errors=[UserError.from_domain(error) for error in errors],
            order_id=None if failed else self.order_id,
        )


def _named(orders: Sequence[ImportOrderInput]) -> dict[str, set[str]]:
    """Every code and external id the payload uses, per kind: one SELECT per kind."""
    named: dict[str, set[str]] = {
        kind: set()
        for kind in ("companies", "partners", "clients", "products", "seasons", "payment_methods")
    }
    named["addresses"] = set()
    for order in orders:
        named["companies"].add(order.company_code)
        for kind, value in (
            ("partners", order.client_code), ("partners", order.agent_code),
            ("clients", order.client_external_id), ("seasons", order.season_code),
            ("payment_methods", order.payment_method_code),
            ("addresses", order.shipping_address_external_id),
            ("addresses", order.billing_address_external_id),
        ):  # fmt: skip
            if value is not None:
                named[kind].add(value)
        named["products"].update(line.product_code for line in order.lines)
    return named


def _plan(
    index: int,
    given: ImportOrderInput,
    refs: queries.References,
    actor: str,
    unstorable: list[DomainError],
) -> Plan:
    plan = Plan(index, given.source, given.external_id)
    if unstorable:
        plan.fail(*unstorable)
        return plan
    company = refs.companies.get(given.company_code)
    if company is None:
        plan.fail(NotFound(f"no company {given.company_code} among yours", path=("company_code",)))
        return plan
    plan.key = (company.id, given.source, given.external_id)
    checked, errors = imports.check_order(given)
    parties = _parties(given, company.id, refs, errors)
    products = [
        refs.coded("products", company.id, line.product_code, ("lines", j, "product_code"), errors)
        for j, line in enumerate(given.lines)
    ]
    if not errors:
        totals = _rows(plan, given, company, parties, products, checked)
        plan.order |= {"created_by": actor, "updated_by": actor}
        errors.extend(_row_errors(plan, given, totals))
    if errors:
        plan.fail(*errors)
    return plan


def _parties(
    given: ImportOrderInput, company_id: int, refs: queries.References, errors: list[DomainError]
) -> dict[str, int | None]:
    """The order's foreign keys, from codes and external ids."""
    if given.client_code is None and given.client_external_id is None:
        errors.append(Invalid("send clientCode or clientExternalId", path=("client_code",)))
    client = refs.party(
        company_id,
        Role.CLIENT,
        errors,
        code=given.client_code,
        external_id=given.client_external_id,
    )
    rows = {
        "client_id": client,
        "agent_id": refs.party(company_id, Role.REPRESENTATIVE, errors, code=given.agent_code),
        "season_id": refs.coded(
            "seasons", company_id, given.season_code, ("season_code",), errors
        ),
        "payment_method_id": refs.coded(
            "payment_methods", company_id, given.payment_method_code, ("payment_method_code",),
            errors,
        ),
        "shipping_address_id": refs.address(
            client, given.shipping_address_external_id, errors, shipping=True
        ),
        "billing_address_id": refs.address(
            client, given.billing_address_external_id, errors, shipping=False
        ),
    }  # fmt: skip
    return {name: row.id if row is not None else None for name, row in rows.items()}


def _rows(
    plan: Plan,
    given: ImportOrderInput,
    company: models.Company,
    parties: dict[str, int | None],
    products: list[models.Product],
    checked: imports.Checked,
) -> money.Totals:
    """The rows the order becomes, priced by the domain's money rules."""
    status, order_type = OrderStatus(given.status), OrderType(given.type)
    prices = [line.unit_price if line.unit_price is not None else product.list_price
              for line, product in zip(given.lines, products, strict=True)]  # fmt: skip
    amounts = [money.line_amounts(line.quantity, price, [d.rate for d in line.discounts])
               for line, price in zip(given.lines, prices, strict=True)]  # fmt: skip
    totals = money.compute_totals(
        [amount.net for amount in amounts],
        [d.rate for d in given.discounts],
        tax_rate=company.tax_rate,
        shipping=given.shipping_amount,
    )
    instants, delivered = checked.instants, checked.delivered
    cancelled_at = instants["cancelled_at"] if status is OrderStatus.CANCELLED else None
    plan.lines = [
        {
            "position": position, "product_id": product.id,
            "units": product.units_per_package if line.units is None else line.units,
            "quantity": line.quantity,
            "unit_price": price, "gross_amount": amount.gross,
            "discount_amount": amount.discount, "amount": amount.net,
            "status": imports.imported_line_status(status, line.quantity, done),
            "delivered_quantity": done, "returned_quantity": 0, "estimated_delivery_on": day,
            "cancelled_at": cancelled_at if done == 0 else None,
            "observations": line.observations, "external_id": line.external_id,
        }
        for position, (line, product, price, amount, done, day) in enumerate(
            zip(given.lines, products, prices, amounts, delivered, checked.line_days, strict=True),
            start=1,
        )
    ]  # fmt: skip
    plan.line_discounts = [
        discount_rows(line.discounts, amount.discount_steps)
        for line, amount in zip(given.lines, amounts, strict=True)
    ]
    plan.header_discounts = discount_rows(given.discounts, totals.discount_steps)
    reason = given.cancellation_reason or (
        CancellationReason.OTHER if status is OrderStatus.CANCELLED else None
    )
    ordered_at = instants["ordered_at"]
    assert ordered_at is not None  # required, and _rows runs only when check_order found no error
    plan.order = {
        "company_id": company.id, "number": given.number or given.external_id,
        "series": given.series, "external_id": given.external_id, "source": given.source,
        "description": given.description, "type": order_type, "destination": given.destination,
        **parties, "observations": new_order.observations_for(order_type, given.observations),
        "status": status, "ordered_at": ordered_at,
        "estimated_delivery_on": checked.estimated_delivery_on
        or new_order.default_estimated_delivery(ordered_at),
        **{name: instants[name] for name in imports.INSTANTS[1:]},
        "cancellation_reason": reason, "cancellation_note": given.cancellation_note,
        "currency": company.currency, "tax_rate": company.tax_rate,
        **order_amounts(totals, plan.lines),
        "delivered_quantity": sum(delivered), "returned_quantity": 0,
    }  # fmt: skip
    return totals


def _row_errors(plan: Plan, given: ImportOrderInput, totals: money.Totals) -> list[DomainError]:
    """What only the priced rows show: amounts sent that differ, too large, or text too long."""
    errors = new_order.sent_amount_errors({name: getattr(given, name) for name in _SENT}, totals)
    grosses = [line["gross_amount"] for line in plan.lines]
    errors.extend(new_order.stored_amount_errors(grosses, totals))  # the same bound as createOrder
    errors.extend(imports.text_errors(plan.order, _LIMITS[models.Order]))
    for j, (line, discounts) in enumerate(zip(plan.lines, plan.line_discounts, strict=True)):
        errors.extend(
            imports.under(("lines", j), imports.text_errors(line, _LIMITS[models.OrderLine]))
        )
        errors.extend(_discount_text_errors(discounts, ("lines", j, "discounts")))
    errors.extend(_discount_text_errors(plan.header_discounts, ("discounts",)))
    return errors


def _discount_text_errors(rows: list[dict[str, Any]], path: tuple[Any, ...]) -> list[DomainError]:
    return [
        error
        for k, row in enumerate(rows)
        for error in imports.under((*path, k), imports.text_errors(row, _DISCOUNT_LIMITS))
    ]


def _refuse_repeats(plans: list[Plan]) -> None:
    """An identity, number or series may appear once per call: every repeat is refused."""
    keys: dict[tuple[str, str], list[Hashable | None]] = {
        ("external_id", "this source and external id"): [plan.key for plan in plans],
        ("number", "this number"): [_scoped(plan, "number") for plan in plans],
        ("series", "this series"): [_scoped(plan, "series") for plan in plans],
    }
    for (name, what), values in keys.items():
        for index, error in imports.repeat_errors(
            values, field=name, what=what, at="orders"
        ).items():
            plans[index].fail(error)


def _scoped(plan: Plan, name: str) -> tuple[int, str] | None:
    value = plan.order.get(name)
    return None if value is None else (plan.order["company_id"], value)


async def _settle(ctx: AppContext, plans: list[Plan]) -> list[Plan]:
    """Compare with what is stored, refuse taken numbers, write; the plans that lost a race back."""
    if not plans:
        return []
    session = ctx.session
    stored = await queries.imported_orders(session, [plan.key for plan in plans if plan.key])
    lines, discounts = await queries.contents_of(session, [row["id"] for row in stored.values()])
    for plan in plans:
        row = stored.get(plan.key) if plan.key else None
        if row is None:
            plan.outcome = ImportOutcome.CREATED
            continue
        before = _stored_content(row, lines[row["id"]], discounts[row["id"]], plan.fields)
        after = plan.content
        plan.order_id, plan.before = row["id"], row["status"]
        plan.changed = imports.changed_fields(before, after)
        same = imports.fingerprint(before) == imports.fingerprint(after)
        plan.outcome = ImportOutcome.UNCHANGED if same else ImportOutcome.UPDATED
    await _refuse_changed_here(ctx, plans)
    await _refuse_taken_numbers(ctx, plans)
    writing = [plan for plan in plans if plan.ok and plan.outcome is not ImportOutcome.UNCHANGED]
    try:
        async with session.begin_nested():
            await _write(ctx, writing)
    except IntegrityError:
        await _write_one_by_one(ctx, writing)
    raced = [plan for plan in writing if plan.ok and plan.order_id is None]
    for plan in raced:
        plan.outcome = None
    return raced


async def _refuse_changed_here(ctx: AppContext, plans: list[Plan]) -> None:
    """An order moved on here (confirmed, delivered...) is not overwritten by an import.

    It may hold stock, deliveries and returns that replacing its lines and status would orphan.
    """
    updating = [plan.order_id for plan in plans if plan.outcome is ImportOutcome.UPDATED]
    changed = await queries.changed_here(ctx.session, [i for i in updating if i is not None])
    for plan in plans:
        if plan.order_id in changed:
            message = (
                f"the order was changed here since ({changed[plan.order_id]}), so an import no"
                " longer overwrites it; use the lifecycle mutations"
            )
            plan.fail(InvalidTransition(message, path=("external_id",)))


async def _refuse_taken_numbers(ctx: AppContext, plans: list[Plan]) -> None:
    """A number or series another order of the company uses is refused on that field."""
    wanted = {
        (name, plan.order["company_id"], plan.order[name]): plan
        for plan in plans
        if plan.ok and plan.outcome is not ImportOutcome.UNCHANGED
        for name in ("number", "series")
        if plan.order[name] is not None
    }
    pairs = {name: [key[1:] for key in wanted if key[0] == name] for name in ("number", "series")}
    for holder in await queries.number_holders(ctx.session, pairs["number"], pairs["series"]):
        for name in ("number", "series"):
            plan = wanted.get((name, holder["company_id"], holder[name]))
            if plan is not None and plan.key != tuple(holder[k] for k in _IDENTITY):
                message = f"the company already has an order with {name} {holder[name]}"
                plan.fail(NotUnique(message, path=(name,)))


async def _write_one_by_one(ctx: AppContext, plans: list[Plan]) -> None:
    """After a batch hit a constraint (a concurrent writer), find the order that did, alone."""
    for plan in plans:
        if plan.outcome is ImportOutcome.CREATED:
            plan.order_id = None
        try:
            async with ctx.session.begin_nested():
                await _write(ctx, [plan])
        except IntegrityError as error:
            taken = violated_unique_field(error)
            message = f"this {taken} was taken meanwhile" if taken else "a reference changed"
            plan.fail(NotUnique(f"{message}; send the order again", path=(taken or "lines",)))


async def _write(ctx: AppContext, plans: list[Plan]) -> None:
    """Orders, lines, discounts and events of all these plans, a few multi-row statements each."""
    session = ctx.session
    creating = [plan for plan in plans if plan.outcome is ImportOutcome.CREATED]
    ids = await queries.insert_orders(session, [plan.order for plan in creating])
    for plan in creating:
        plan.order_id = ids.get(plan.key) if plan.key else None
    updating = [plan for plan in plans if plan.outcome is ImportOutcome.UPDATED]
    rows = [{"id": plan.order_id, **_without(plan.order, "created_by")} for plan in updating]
    await queries.replace_orders(session, rows)
    written = [plan for plan in plans if plan.order_id is not None]
    line_rows = [{"order_id": plan.order_id, **line} for plan in written for line in plan.lines]
    line_ids = await queries.insert_lines(session, line_rows)
    discounts = []
    for plan in written:
        assert plan.order_id is not None  # written: the plans that have an id
        owner = {"order_id": plan.order_id, "order_line_id": None}
        discounts += [owner | row for row in plan.header_discounts]
        for line, line_discounts in zip(plan.lines, plan.line_discounts, strict=True):
            owner = owner | {"order_line_id": line_ids[(plan.order_id, line["position"])]}
            discounts += [owner | row for row in line_discounts]
    await queries.insert_rows(session, models.Discount, discounts)
    events = [_event(plan, ctx.principal.key_id) for plan in written]
    await queries.insert_rows(session, models.OrderEvent, events)


def _event(plan: Plan, actor: str) -> dict[str, Any]:
    created = plan.outcome is ImportOutcome.CREATED
    details: dict[str, Any] = {
        "import": "created" if created else "updated",
        "source": plan.source,
        "externalId": plan.external_id,
        "fingerprint": imports.fingerprint(plan.content),
    }
    if not created:
        details["changed"] = [input_path((name,)) for name in plan.changed]
    return {
        "order_id": plan.order_id,
        "company_id": plan.order["company_id"],
        "kind": OrderEventKind.IMPORTED,
        "status_before": plan.before,
        "status_after": plan.order["status"],
        "actor": actor,
        "details": details,
    }


def _stored_content(
    row: queries.Row,
    lines: list[queries.Row],
    discounts: list[queries.Row],
    fields: dict[str, tuple[str, ...]],
) -> dict[str, Any]:
    per_line: dict[int | None, list[queries.Row]] = {}
    for discount in discounts:
        per_line.setdefault(discount["order_line_id"], []).append(discount)
    return imports.content(
        row,
        lines,
        [per_line.get(line["id"], []) for line in lines],
        per_line.get(None, []),
        fields=fields,
    )


def _without(row: dict[str, Any], name: str) -> dict[str, Any]:
    return {key: value for key, value in row.items() if key != name}
