"""Demo data: three companies, their partners and catalogue, and orders in every lifecycle state."""

import asyncio
import json
import random
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate
from typing import Any

import asyncpg
from strawberry.relay import to_base64

from app.domain.lifecycle import HOLDS_STOCK
from app.domain.money import Totals, compute_totals, line_amounts
from app.domain.new_order import default_estimated_delivery, observations_for
from app.domain.vocabulary import (
    CancellationReason,
    LineStatus,
    OrderEventKind,
    OrderStatus,
    OrderType,
    PartnerRole,
)
from db.demo_data import (
    CANCELLATION_NOTES,
    CATALOGUE,
    COUNTRIES,
    DESCRIPTIONS,
    HEADER_DISCOUNTS,
    HEADER_RATES,
    LINE_COUNTS,
    LINE_DISCOUNTS,
    LINE_RATES,
    OBSERVATIONS,
    PACKAGINGS,
    QUANTITIES,
    REASON_WEIGHTS,
    RETURN_NOTES,
    SIZE_FACTORS,
    STATUS_WEIGHTS_BY_AGE,
    STATUSES,
    STEP_GAPS,
    Country,
)

# One COPY per table, parents first. The column lists are explicit so server defaults fill the rest.
COLUMNS: dict[str, tuple[str, ...]] = {
    "companies": (
        "id", "code", "external_id", "name", "tax_id", "tax_rate", "currency", "created_at",
        "updated_at",
    ),
    "partners": (
        "id", "company_id", "code", "external_id", "roles", "tax_id", "name", "email", "phone",
        "store_code", "route_code", "active", "created_at", "updated_at",
    ),
    "addresses": (
        "id", "partner_id", "external_id", "label", "address_line", "city", "region", "zip_code",
        "country", "is_shipping", "is_billing", "created_at", "updated_at",
    ),
    "seasons": (
        "id", "company_id", "code", "external_id", "description", "starts_on", "ends_on",
        "created_at", "updated_at",
    ),
    "products": (
        "id", "company_id", "code", "internal_code", "external_id", "name", "units_per_package",
        "list_price", "active", "created_at", "updated_at",
    ),
    "payment_methods": ("id", "company_id", "code", "name", "created_at", "updated_at"),
    "orders": (
        "id", "company_id", "number", "series", "external_id", "source", "description", "type",
        "destination", "client_id", "agent_id", "season_id", "payment_method_id",
        "shipping_address_id", "billing_address_id", "observations", "status", "ordered_at",
        "estimated_delivery_on", "confirmed_at", "shipped_at", "delivered_at", "cancelled_at",
        "cancellation_reason", "cancellation_note", "currency", "tax_rate", "gross_amount",
        "discount_amount", "taxable_base", "tax_amount", "shipping_amount", "total_amount",
        "total_quantity", "delivered_quantity", "returned_quantity", "created_by", "updated_by",
        "version", "created_at", "updated_at",
    ),
    "order_lines": (
        "id", "order_id", "position", "external_id", "product_id", "units", "quantity",
        "unit_price", "gross_amount", "discount_amount", "amount", "status", "delivered_quantity",
        "returned_quantity", "estimated_delivery_on", "cancelled_at", "observations",
    ),
    "discounts": (
        "id", "order_id", "order_line_id", "external_id", "sequence", "type_code", "type_name",
        "rate", "amount",
    ),
    "deliveries": ("id", "order_id", "delivered_on", "complete", "note", "recorded_at"),
    "delivery_items": ("id", "delivery_id", "order_line_id", "product_id", "units", "quantity"),
    "returns": ("id", "order_id", "returned_on", "note", "recorded_at"),
    "return_items": ("id", "return_id", "order_line_id", "product_id", "units", "quantity"),
    "order_events": (
        "id", "order_id", "company_id", "kind", "status_before", "status_after", "actor",
        "occurred_at", "details",
    ),
    "quick_order_suggestions": (
        "id", "client_id", "product_id", "units", "quantity", "rank", "created_at", "updated_at",
    ),
}  # fmt: skip

# Keyed by product or (order, product), not by a serial id: copied after the tables above.
STOCK_COLUMNS = {
    "stock_items": ("product_id", "on_hand", "reserved"),
    "stock_reservations": ("order_id", "product_id", "quantity"),
}

CLIENTS_PER_COMPANY = 150  # three of them are also agents
AGENTS_PER_COMPANY = 10
PRODUCTS_PER_COMPANY = 400
HISTORY = timedelta(days=548)  # 18 months of orders
Status = OrderStatus


class DemoDataPresent(RuntimeError):
    """The database already holds orders (or the demo companies): seeding would duplicate them."""


@dataclass(frozen=True, slots=True)
class SeedSummary:
    """Rows written per table, in insertion order."""

    companies: int
    partners: int
    addresses: int
    seasons: int
    products: int
    payment_methods: int
    orders: int
    order_lines: int
    discounts: int
    deliveries: int
    delivery_items: int
    returns: int
    return_items: int
    order_events: int
    quick_order_suggestions: int
    stock_items: int
    stock_reservations: int


def asyncpg_dsn(dsn: str) -> str:
    """asyncpg.connect wants a libpq URL: drop SQLAlchemy's "+driver"; query args (host) stay."""
    return re.sub(r"^postgres(?:ql)?\+\w+://", "postgresql://", dsn)


async def seed_demo(
    dsn: str,
    *,
    orders: int = 10_000,
    random_seed: int = 7,
    progress: Callable[[str], None] | None = None,
) -> SeedSummary:
    """Fill an empty database with demo data in one transaction, using COPY for speed.

    Raises DemoDataPresent when orders (or the demo companies) are already there, so a second
    run never duplicates. The same seed gives the same data, relative to the current time.
    """
    if orders < 0:
        raise ValueError(f"orders must not be negative, got {orders}")
    say = progress or (lambda _message: None)
    conn = await asyncpg.connect(asyncpg_dsn(dsn))
    try:
        async with conn.transaction():
            # Blocks concurrent writers (readers go on) so the ids read below stay free.
            tables = ", ".join([*COLUMNS, *STOCK_COLUMNS])
            await conn.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")
            await _refuse_existing_data(conn)
            first_ids = {table: await _first_free_id(conn, table) for table in COLUMNS}
            say(f"generating {orders} orders")
            rows = await asyncio.to_thread(_generate, orders, random_seed, first_ids)
            for table, records in rows.items():
                say(f"copying {len(records)} rows into {table}")
                columns = COLUMNS.get(table) or STOCK_COLUMNS[table]
                await conn.copy_records_to_table(table, records=records, columns=columns)
                if records and table in COLUMNS:
                    await conn.execute(
                        "SELECT setval(pg_get_serial_sequence($1, 'id'), $2)",
                        table,
                        max(row[0] for row in records),
                    )
            say("analyzing")
            await conn.execute(f"ANALYZE {tables}")
    finally:
        await conn.close()
    summary = SeedSummary(**{table: len(records) for table, records in rows.items()})
    say(f"done: {summary}")
    return summary


async def _refuse_existing_data(conn: asyncpg.Connection) -> None:
    if await conn.fetchval("SELECT EXISTS (SELECT 1 FROM orders)"):
        raise DemoDataPresent("the database already has orders; seed an empty database")
    if await conn.fetchval("SELECT EXISTS (SELECT 1 FROM stock_reservations)"):
        raise DemoDataPresent("the inventory already holds reservations; seed an empty database")
    codes = [country.code for country in COUNTRIES]
    taken = await conn.fetchval("SELECT array_agg(code) FROM companies WHERE code = ANY($1)", codes)
    if taken:
        raise DemoDataPresent(f"the demo companies already exist: {', '.join(taken)}")


async def _first_free_id(conn: asyncpg.Connection, table: str) -> int:
    """Past both the highest id and the sequence, so ids of deleted rows are never reused."""
    sequence = await conn.fetchval("SELECT pg_get_serial_sequence($1, 'id')", table)
    highest = await conn.fetchval(f"SELECT coalesce(max(id), 0) FROM {table}")
    last_value, is_called = await conn.fetchrow(f"SELECT last_value, is_called FROM {sequence}")
    return int(max(highest, last_value if is_called else last_value - 1)) + 1


# --- generation: pure Python, no I/O ------------------------------------------------------------


@dataclass(slots=True)
class _Client:
    id: int
    code: str
    name: str
    shipping: list[tuple[int, str]]  # address id, city
    billing: list[int]


@dataclass(frozen=True, slots=True)
class _Product:
    id: int
    code: str
    units: int
    price: Decimal


@dataclass(slots=True)
class _Company:
    country: Country
    id: int
    clients: list[_Client] = field(default_factory=list)
    client_weights: list[float] = field(default_factory=list)  # cumulative, for rng.choices
    agents: list[tuple[int, str]] = field(default_factory=list)  # partner id, code
    seasons: list[tuple[int, date, date]] = field(default_factory=list)
    products: list[_Product] = field(default_factory=list)
    payment_methods: list[int] = field(default_factory=list)
    orders_numbered: int = 0


@dataclass(slots=True)
class _Line:
    id: int
    product: _Product
    quantity: int
    delivered: int = 0
    returned: int = 0


def _generate(
    order_count: int, random_seed: int, first_ids: dict[str, int]
) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, as tuples in COLUMNS order."""
    return _Generator(random_seed, first_ids).run(order_count)


class _Generator:
    """Builds rows table by table; ids are handed out in insertion order from `first_ids`."""

    def __init__(self, random_seed: int, first_ids: dict[str, int]) -> None:
        self.rng = random.Random(random_seed)
        self.next_id = dict(first_ids)
        self.rows: dict[str, list[tuple[Any, ...]]] = {
            table: [] for table in [*COLUMNS, *STOCK_COLUMNS]
        }
        self.held: Counter[tuple[int, int]] = Counter()  # (order id, product id) -> units
        self.now = datetime.now(UTC).replace(microsecond=0)
        self.reference_created_at = self.now - HISTORY - timedelta(days=60)
        self.suggestions: dict[int, Counter[tuple[int, int, int]]] = defaultdict(Counter)

    def run(self, order_count: int) -> dict[str, list[tuple[Any, ...]]]:
        companies = [self._company(country) for country in COUNTRIES]
        self._orders(companies, order_count)
        self._quick_order_suggestions()
        self._stock(companies)
        return self.rows

    def _id(self, table: str) -> int:
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def _add(self, table: str, *values: Any) -> int:
        """Append a row whose id comes first; returns that id."""
        row_id = self._id(table)
        self.rows[table].append((row_id, *values))
        return row_id

    def _digits(self, pattern: str) -> str:
        return "".join(str(self.rng.randrange(10)) if ch == "#" else ch for ch in pattern)

    # --- the catalog ------------------------------------------------------------------------------

    def _company(self, country: Country) -> _Company:
        at = self.reference_created_at
        company = _Company(
            country,
            self._add(
                "companies", country.code, f"ERP-{country.country}", country.name,
                country.tax_id, country.tax_rate, country.currency, at, at,
            ),
        )  # fmt: skip
        self._partners(company)
        self._seasons(company)
        self._products(company)
        for code, name in country.payment_methods:
            company.payment_methods.append(
                self._add("payment_methods", company.id, code, name, at, at)
            )
        return company

    def _partners(self, company: _Company) -> None:
        rng, country, at = self.rng, company.country, self.reference_created_at
        for n in range(1, CLIENTS_PER_COMPANY + 1):
            both = n > CLIENTS_PER_COMPANY - 3  # the last three clients also sell for us
            name = rng.choice(country.shop_names).format(
                s=rng.choice(country.surnames), f=rng.choice(country.first_names)
            )
            code = f"CLI-{n:04d}"
            city_index = rng.randrange(len(country.cities))
            store_code = f"T{n:04d}"
            route_code = f"R{city_index + 1:02d}-{rng.randint(1, 4)}"
            roles = [PartnerRole.CLIENT.value]
            if both:
                roles.append(PartnerRole.REPRESENTATIVE.value)
            partner_id = self._add(
                "partners", company.id, code, f"{country.country}-C{n:05d}", roles,
                self._digits(country.client_tax_id), name,
                f"compras.{code.lower()}@{country.email_domain}", self._digits(country.phone),
                store_code, route_code, rng.random() > 0.02, at, at,
            )  # fmt: skip
            client = _Client(partner_id, code, name, [], [])
            self._addresses(company, client, city_index, store_code)
            company.clients.append(client)
            if both:
                company.agents.append((partner_id, code))
        # A few clients order a lot, most order now and then.
        weights = [1 / (rank**0.8) for rank in range(1, len(company.clients) + 1)]
        rng.shuffle(weights)
        company.client_weights = list(accumulate(weights))
        for n in range(1, AGENTS_PER_COMPANY - 3 + 1):
            first, last = rng.choice(country.first_names), rng.choice(country.surnames)
            code = f"REP-{n:03d}"
            email = f"{code.lower()}@{country.email_domain}"
            partner_id = self._add(
                "partners", company.id, code, f"{country.country}-R{n:03d}",
                [PartnerRole.REPRESENTATIVE.value], self._digits("########"), f"{first} {last}",
                email, self._digits(country.phone), None, None, True, at, at,
            )  # fmt: skip
            company.agents.append((partner_id, code))

    def _addresses(
        self, company: _Company, client: _Client, city_index: int, store_code: str
    ) -> None:
        """1 to 3 addresses: the first is always billing, and at least one is shipping."""
        rng, country, at = self.rng, company.country, self.reference_created_at
        count = rng.choice((1, 1, 2, 2, 3))
        for k in range(count):
            if k > 0:
                city_index = rng.randrange(len(country.cities))
            city, region, zip_code = country.cities[city_index]
            billing = k == 0
            shipping = k > 0 or count == 1 or rng.random() < 0.5
            label = "Domicilio fiscal" if billing and not shipping else f"Tienda {store_code}"
            if k > 0:
                label = f"Almacén {k} ({store_code})"
            address_id = self._add(
                "addresses", client.id, f"{client.code}-D{k + 1}", label,
                f"{rng.choice(country.streets)} {rng.randint(100, 4999)}", city, region, zip_code,
                country.country, shipping, billing, at, at,
            )  # fmt: skip
            if shipping:
                client.shipping.append((address_id, city))
            if billing:
                client.billing.append(address_id)

    def _seasons(self, company: _Company) -> None:
        """Four half-year seasons (March and September starts) covering the last 18 months."""
        at, today = self.reference_created_at, self.now.date()
        start = date(today.year, 9 if today.month >= 9 else 3, 1)
        if today.month < 3:
            start = date(today.year - 1, 9, 1)
        starts = [start]
        for _ in range(3):
            previous = starts[-1]
            starts.append(
                date(previous.year, 3, 1) if previous.month == 9 else date(previous.year - 1, 9, 1)
            )
        for begin in reversed(starts):
            end = date(begin.year + 1, 2, 28) if begin.month == 9 else date(begin.year, 8, 31)
            spring = (begin.month == 9) == company.country.spring_summer_from_september
            prefix, label = ("PV", "Primavera-Verano") if spring else ("OI", "Otoño-Invierno")
            years = f"{begin.year}" if begin.month == 3 else f"{begin.year}/{begin.year + 1}"
            code = f"{prefix}-{begin.year}"
            season_id = self._add(
                "seasons", company.id, code, f"{company.country.country}-{code}",
                f"Temporada {label} {years}", begin, end, at, at,
            )  # fmt: skip
            company.seasons.append((season_id, begin, end))

    def _products(self, company: _Company) -> None:
        rng, country, at = self.rng, company.country, self.reference_created_at
        variants = [
            (base, size, SIZE_FACTORS[i], Decimal(price), brand, units, suffix)
            for base, sizes, price in CATALOGUE
            for i, size in enumerate(sizes)
            for brand in country.brands
            for units, suffix in PACKAGINGS
        ]
        chosen = rng.sample(variants, PRODUCTS_PER_COMPANY)
        for n, (base, size, factor, price, brand, units, suffix) in enumerate(chosen, start=1):
            brand_factor = Decimal(rng.randint(85, 125)) / 100
            raw = price * factor * brand_factor * units * country.price_factor
            discount_for_bulk = Decimal("0.95") if units > 1 else Decimal("1")
            step = country.price_step
            list_price = ((raw * discount_for_bulk / step).to_integral_value() * step).quantize(
                Decimal("0.01")
            )
            list_price = max(list_price, step)
            code = f"P{n:05d}"
            product_id = self._add(
                "products", company.id, code, str(500 + n), f"SKU-{country.country}-{n:05d}",
                f"{base} {brand} {size}{suffix}", units, list_price, rng.random() > 0.03, at, at,
            )  # fmt: skip
            company.products.append(_Product(product_id, code, units, list_price))

    # --- orders ----------------------------------------------------------------------------------

    def _orders(self, companies: list[_Company], count: int) -> None:
        """Dates first, so ids and per-company numbers grow with the order date."""
        rng = self.rng
        span = int(HISTORY.total_seconds())
        dates = sorted(
            self.now - timedelta(seconds=rng.randint(3 * 3600, span)) for _ in range(count)
        )
        weights = [country.weight for country in COUNTRIES]
        owners = rng.choices(companies, weights=weights, k=count)
        statuses = [self._status_for(ordered_at) for ordered_at in dates]
        # The newest orders take one of each status, so even a small seed shows them all.
        newest = list(STATUSES)
        rng.shuffle(newest)
        for offset, status in enumerate(newest[:count], start=1):
            statuses[-offset] = status
        for ordered_at, company, status in zip(dates, owners, statuses, strict=True):
            self._order(company, ordered_at, status)

    def _status_for(self, ordered_at: datetime) -> OrderStatus:
        age = (self.now - ordered_at).days
        weights = next(w for max_age, w in STATUS_WEIGHTS_BY_AGE if age < max_age)
        return self.rng.choices(STATUSES, weights=weights)[0]

    def _order(self, company: _Company, ordered_at: datetime, status: OrderStatus) -> None:
        rng, country = self.rng, company.country
        order_id = self._id("orders")
        company.orders_numbered += 1
        n = company.orders_numbered
        client = rng.choices(company.clients, cum_weights=company.client_weights)[0]
        agent_id, agent_code = rng.choice(company.agents)
        if agent_id == client.id:  # a partner who is both never sells to itself
            agent_id, agent_code = company.agents[0]
        shipping_id, city = rng.choice(client.shipping)
        international = rng.random() < 0.07
        order_type = OrderType.INTERNATIONAL if international else OrderType.DOMESTIC
        # the same defaults createOrder applies: customs note, delivery a week after the order
        observations = observations_for(order_type, rng.choice(OBSERVATIONS))
        destination = rng.choice(country.foreign_destinations) if international else city
        imported = rng.random() < 0.15
        estimated = default_estimated_delivery(ordered_at)

        path = self._path(status)
        lines = self._lines(company, path)
        self._plan_deliveries(lines, path)
        if status in HOLDS_STOCK:  # confirmed and not delivered yet: its stock is reserved
            for line in lines:
                if line.quantity > line.delivered:
                    self.held[(order_id, line.product.id)] += line.quantity - line.delivered
        times = self._times(ordered_at, path)

        line_rows, nets, line_discounts = [], [], []
        for position, line in enumerate(lines, start=1):
            unit_price = line.product.price
            if rng.random() < 0.1:  # a negotiated price
                unit_price = (unit_price * Decimal(rng.randint(90, 98)) / 100).quantize(
                    Decimal("0.01")
                )
            rates = self._rates(LINE_RATES, 0.18)
            amounts = line_amounts(line.quantity, unit_price, rates)
            nets.append(amounts.net)
            for sequence, (rate, taken) in enumerate(
                zip(rates, amounts.discount_steps, strict=True), 1
            ):
                code, name = LINE_DISCOUNTS[(position + sequence) % len(LINE_DISCOUNTS)]
                line_discounts.append((order_id, line.id, None, sequence, code, name, rate, taken))
            line_rows.append((line, position, unit_price, amounts))

        header_rates = self._rates(HEADER_RATES, 0.15)
        gross = sum(nets, start=Decimal(0))
        shipping = self._shipping(country, gross, international)
        totals = compute_totals(nets, header_rates, tax_rate=country.tax_rate, shipping=shipping)
        for sequence, (rate, taken) in enumerate(
            zip(header_rates, totals.discount_steps, strict=True), 1
        ):
            code, name = HEADER_DISCOUNTS[(n + sequence) % len(HEADER_DISCOUNTS)]
            self._add("discounts", order_id, None, None, sequence, code, name, rate, taken)
        for discount in line_discounts:
            self._add("discounts", *discount)

        reason = None
        if status is Status.CANCELLED:
            reason = rng.choices(tuple(CancellationReason), weights=REASON_WEIGHTS)[0]
        stamps = self._events(
            company, order_id, path, times, lines, estimated, reason, imported, agent_code, totals
        )
        cancelled_at = stamps.get("CANCELLED")
        for line, position, unit_price, amounts in line_rows:
            line_status = _line_status(line)
            if cancelled_at and line_status is not LineStatus.DELIVERED:
                line_status = LineStatus.CANCELLED
            self.rows["order_lines"].append((
                line.id, order_id, position, None, line.product.id, line.product.units,
                line.quantity, unit_price, amounts.gross, amounts.discount, amounts.net,
                line_status.value, line.delivered, line.returned, estimated,
                cancelled_at if line_status is LineStatus.CANCELLED else None,
                "Verificar fecha de vencimiento." if rng.random() < 0.03 else None,
            ))  # fmt: skip
            self.suggestions[client.id][(line.product.id, line.product.units, line.quantity)] += 1

        actors = stamps["actors"]
        self.rows["orders"].append((
            order_id, company.id, f"PED-{ordered_at.year}-{n:06d}", f"A001-{n:06d}",
            f"{n:08d}" if imported else None, "ERP" if imported else None,
            rng.choice(DESCRIPTIONS),
            order_type.value,
            destination, client.id, agent_id, self._season(company, ordered_at),
            rng.choice(company.payment_methods), shipping_id, rng.choice(client.billing),
            observations, status.value, ordered_at, estimated, stamps.get("CONFIRMED"),
            stamps.get("SHIPPED"), stamps.get("COMPLETE"), cancelled_at,
            reason.value if reason else None, CANCELLATION_NOTES[reason] if reason else None,
            country.currency, country.tax_rate, totals.gross, totals.discount,
            totals.taxable_base, totals.tax, totals.shipping, totals.total,
            sum(line.quantity for line in lines), sum(line.delivered for line in lines),
            sum(line.returned for line in lines), actors[0], actors[-1], len(actors),
            ordered_at, times[-1],
        ))  # fmt: skip

    def _path(self, status: OrderStatus) -> list[str]:
        """The lifecycle steps that lead to `status`, e.g. CREATED, CONFIRMED, SHIPPED, COMPLETE."""
        rng = self.rng
        path = ["CREATED"]
        if rng.random() < 0.08:
            path.append("UPDATED")
        stage = status
        if status is Status.CANCELLED:
            stage = rng.choices(
                (Status.PENDING, Status.CONFIRMED, Status.SHIPPED, Status.PARTIALLY_DELIVERED),
                weights=(50, 30, 12, 8),
            )[0]
        if stage is not Status.PENDING:
            path.append("CONFIRMED")
        delivering = stage in (Status.PARTIALLY_DELIVERED, Status.DELIVERED)
        if stage is Status.SHIPPED or (delivering and rng.random() < 0.8):
            path.append("SHIPPED")
        if stage is Status.PARTIALLY_DELIVERED:
            path += ["PARTIAL"] * (2 if rng.random() < 0.3 else 1)
        elif stage is Status.DELIVERED:
            path += ["PARTIAL", "COMPLETE"] if rng.random() < 0.3 else ["COMPLETE"]
        if status is Status.CANCELLED:
            path.append("CANCELLED")
        elif delivering and rng.random() < (0.1 if stage is Status.DELIVERED else 0.05):
            path.append("RETURNED")
        return path

    def _lines(self, company: _Company, path: list[str]) -> list[_Line]:
        rng = self.rng
        products = rng.sample(company.products, rng.choice(LINE_COUNTS))
        lines = [_Line(self._id("order_lines"), p, rng.choice(QUANTITIES)) for p in products]
        if "PARTIAL" in path and all(line.quantity == 1 for line in lines):
            lines[0].quantity = 2  # room for a line that is only partly delivered
        return lines

    def _plan_deliveries(self, lines: list[_Line], path: list[str]) -> None:
        """Set each line's final delivered quantity; the split per delivery comes later.

        May drop a second partial delivery from `path` when there is too little to split.
        """
        if "COMPLETE" in path:
            for line in lines:
                line.delivered = line.quantity
        elif "PARTIAL" in path:
            rng = self.rng
            partly = rng.choice([line for line in lines if line.quantity >= 2])
            for line in lines:
                if line is partly:
                    line.delivered = rng.randint(1, line.quantity - 1)
                else:
                    line.delivered = rng.choice((0, line.quantity, rng.randint(0, line.quantity)))
            if path.count("PARTIAL") > 1 and sum(line.delivered for line in lines) < 2:
                path.remove("PARTIAL")  # one unit cannot travel in two deliveries

    def _rates(self, choices: Sequence[Decimal], probability: float) -> list[Decimal]:
        if self.rng.random() >= probability:
            return []
        return [self.rng.choice(choices) for _ in range(1 if self.rng.random() < 0.7 else 2)]

    def _shipping(self, country: Country, gross: Decimal, international: bool) -> Decimal:
        factor = country.price_factor
        if international:
            return (Decimal(self.rng.choice((80, 120, 150, 250))) * factor).quantize(Decimal("1"))
        if gross >= 500 * factor:
            return Decimal("0.00")
        return (Decimal(self.rng.choice((0, 8, 12, 15, 20))) * factor).quantize(Decimal("0.01"))

    def _season(self, company: _Company, ordered_at: datetime) -> int | None:
        if self.rng.random() < 0.1:
            return None
        day = ordered_at.date()
        return next((sid for sid, start, end in company.seasons if start <= day <= end), None)

    def _times(self, ordered_at: datetime, path: list[str]) -> list[datetime]:
        """One timestamp per step; squeezed when the chain would otherwise reach the future."""
        offsets = [0]
        for step in path[1:]:
            low, high = STEP_GAPS[step]
            offsets.append(offsets[-1] + self.rng.randint(low, high))
        room = (self.now - timedelta(minutes=1) - ordered_at).total_seconds()
        if offsets[-1] > room:
            offsets = [int(offset * room / offsets[-1]) for offset in offsets]
        return [ordered_at + timedelta(seconds=offset) for offset in offsets]

    def _events(
        self,
        company: _Company,
        order_id: int,
        path: list[str],
        times: list[datetime],
        lines: list[_Line],
        estimated: date,
        reason: CancellationReason | None,
        imported: bool,
        agent_code: str,
        totals: Totals,
    ) -> dict[str, Any]:
        """History rows, plus deliveries and returns; returns each step's time and the actors."""
        rng, country = self.rng, company.country
        stamps: dict[str, Any] = {}
        actors: list[str] = []
        delivered_so_far = {line.id: 0 for line in lines}
        partial_steps = path.count("PARTIAL")
        partial_seen = 0
        before: OrderStatus | None = None
        for step, at in zip(path, times, strict=True):
            details: dict[str, Any] = {}
            after = before
            if step == "CREATED":
                actor = (
                    "erp-sync" if imported else rng.choice(("api:web-shop", f"agent:{agent_code}"))
                )
                kind, after = OrderEventKind.CREATED, Status.PENDING
                details = {
                    "source": "ERP" if imported else "API",
                    "lines": len(lines),
                    "total_amount": str(totals.total),
                    "currency": country.currency,
                }
            elif step == "UPDATED":
                actor, kind = "api:backoffice", OrderEventKind.UPDATED
                fields_changed = rng.choice((["observations"], ["payment_method"], ["lines"]))
                details = {"changed_fields": fields_changed}
            elif step == "CONFIRMED":
                actor, kind, after = "api:backoffice", OrderEventKind.CONFIRMED, Status.CONFIRMED
                details = {"estimated_delivery_on": estimated.isoformat()}
            elif step == "SHIPPED":
                actor, kind, after = "api:logistics", OrderEventKind.SHIPPED, Status.SHIPPED
                details = {
                    "carrier": rng.choice(country.carriers),
                    "tracking_number": self._digits("TRK##########"),
                }
            elif step in ("PARTIAL", "COMPLETE"):
                partial_seen += step == "PARTIAL"
                # the last partial delivery moves whatever remains, unless a complete one follows
                last_partial = partial_seen == partial_steps and "COMPLETE" not in path
                moved = self._delivery_split(lines, delivered_so_far, step, last_partial)
                actor, kind = "api:logistics", OrderEventKind.DELIVERED
                after = Status.DELIVERED if step == "COMPLETE" else Status.PARTIALLY_DELIVERED
                delivery_id = self._add(
                    "deliveries", order_id, at.date(), step == "COMPLETE",
                    rng.choice((None, "Recibido conforme.", "Entregado en almacén.")), at,
                )  # fmt: skip
                details = {
                    "deliveryId": to_base64("Delivery", delivery_id),
                    "complete": step == "COMPLETE",
                }
                details["items"] = self._items("delivery_items", delivery_id, moved)
            elif step == "RETURNED":
                moved = self._plan_return(lines)
                note = rng.choice(RETURN_NOTES)
                actor, kind = "api:backoffice", OrderEventKind.RETURNED
                return_id = self._add("returns", order_id, at.date(), note, at)
                details = {"returnId": to_base64("Return", return_id), "note": note}
                details["items"] = self._items("return_items", return_id, moved)
            else:  # CANCELLED
                assert reason is not None
                actor, kind, after = "api:backoffice", OrderEventKind.CANCELLED, Status.CANCELLED
                details = {"reason": reason.value, "note": CANCELLATION_NOTES[reason]}
            stamps[step] = at
            actors.append(actor)
            self._add(
                "order_events", order_id, company.id, kind.value,
                before.value if before else None, after.value if after else None, actor, at,
                json.dumps(details, ensure_ascii=False),
            )  # fmt: skip
            before = after
        stamps["actors"] = actors
        return stamps

    def _delivery_split(
        self, lines: list[_Line], so_far: dict[int, int], step: str, last_partial: bool
    ) -> list[tuple[_Line, int]]:
        """What this delivery moves per line, so that all deliveries add up to line.delivered.

        A first partial delivery before another one takes a random share, but never all of what
        is left (the next delivery needs something) and never nothing.
        """
        left = [(line, line.delivered - so_far[line.id]) for line in lines]
        if step == "COMPLETE" or last_partial:
            moved = [(line, qty) for line, qty in left if qty > 0]
        else:
            moved = [(line, self.rng.randint(0, qty)) for line, qty in left]
            remaining = sum(qty for _, qty in left)
            if sum(qty for _, qty in moved) == remaining and remaining > 1:
                # take one unit back from some line so the next delivery has something
                index = next(i for i, (_, qty) in enumerate(moved) if qty > 0)
                moved[index] = (moved[index][0], moved[index][1] - 1)
            if sum(qty for _, qty in moved) == 0:
                index = next(i for i, (_, qty) in enumerate(left) if qty > 0)
                moved[index] = (left[index][0], 1)
            moved = [(line, qty) for line, qty in moved if qty > 0]
        for line, qty in moved:
            so_far[line.id] += qty
        return moved

    def _plan_return(self, lines: list[_Line]) -> list[tuple[_Line, int]]:
        delivered = [line for line in lines if line.delivered > 0]
        chosen = self.rng.sample(delivered, min(len(delivered), self.rng.choice((1, 1, 2))))
        moved = []
        for line in chosen:
            line.returned = self.rng.randint(1, max(1, line.delivered // 2))
            moved.append((line, line.returned))
        return moved

    def _items(
        self, table: str, parent_id: int, moved: list[tuple[_Line, int]]
    ) -> list[dict[str, Any]]:
        """Item rows for a delivery or a return, and the same items for the event details."""
        items = []
        for line, qty in moved:
            product = line.product
            self._add(table, parent_id, line.id, product.id, product.units, qty)
            items.append({"productCode": product.code, "units": product.units, "quantity": qty})
        return items

    def _stock(self, companies: list[_Company]) -> None:
        """Stock on hand for every product, and the reservations of the open orders.

        Reserved units match what open orders hold; a few products have nothing free, so
        OUT_OF_STOCK is easy to see.
        """
        reserved: Counter[int] = Counter()
        for (order_id, product_id), units in sorted(self.held.items()):
            self.rows["stock_reservations"].append((order_id, product_id, units))
            reserved[product_id] += units
        for company in companies:
            for product in company.products:
                free = 0 if self.rng.random() < 0.04 else self.rng.randint(20, 600)
                held = reserved[product.id]
                self.rows["stock_items"].append((product.id, held + free, held))

    def _quick_order_suggestions(self) -> None:
        """Each regular client's five most ordered products, at the quantity it orders most."""
        at = self.now
        for client_id, counter in self.suggestions.items():
            by_product: dict[tuple[int, int], Counter[int]] = defaultdict(Counter)
            for (product_id, units, quantity), times in counter.items():
                by_product[(product_id, units)][quantity] += times
            if len(by_product) < 8:
                continue
            ranked = sorted(by_product.items(), key=lambda item: -item[1].total())[:5]
            for rank, ((product_id, units), quantities) in enumerate(ranked, start=1):
                quantity = quantities.most_common(1)[0][0]
                self._add(
                    "quick_order_suggestions", client_id, product_id, units, quantity, rank, at, at
                )


def _line_status(line: _Line) -> LineStatus:
    """As app.domain.deliveries.line_status: OPEN, then PARTIALLY_DELIVERED, then DELIVERED."""
    if line.delivered <= 0:
        return LineStatus.OPEN
    if line.delivered < line.quantity:
        return LineStatus.PARTIALLY_DELIVERED
    return LineStatus.DELIVERED
