"""Async row builders with sensible defaults; totals computed by the domain's own arithmetic."""

import itertools
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.domain import money
from app.domain.vocabulary import OrderStatus, OrderType, PartnerRole
from db import models

_serial = itertools.count(1)


def _next() -> int:
    return next(_serial)


class Factory:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _add(self, row: Any) -> Any:
        """Committed (a savepoint in tests): a mutation that rolls back keeps the test's setup."""
        self.session.add(row)
        await self.session.commit()
        return row

    async def company(self, **fields: Any) -> models.Company:
        n = _next()
        defaults = {"code": f"C{n}", "name": f"Company {n}", "tax_rate": Decimal("0.18")}
        return await self._add(models.Company(**(defaults | fields)))

    async def partner(
        self, company: models.Company, roles: Sequence[PartnerRole], **fields: Any
    ) -> models.Partner:
        n = _next()
        defaults = {"code": f"P{n}", "name": f"Partner {n}", "roles": [r.value for r in roles]}
        return await self._add(models.Partner(company_id=company.id, **(defaults | fields)))

    async def client(self, company: models.Company, **fields: Any) -> models.Partner:
        return await self.partner(company, [PartnerRole.CLIENT], **fields)

    async def agent(self, company: models.Company, **fields: Any) -> models.Partner:
        return await self.partner(company, [PartnerRole.REPRESENTATIVE], **fields)

    async def address(self, partner: models.Partner, **fields: Any) -> models.Address:
        defaults = {"address_line": f"Av. Larco {_next()}", "is_shipping": True, "is_billing": True}
        return await self._add(models.Address(partner_id=partner.id, **(defaults | fields)))

    async def season(self, company: models.Company, **fields: Any) -> models.Season:
        n = _next()
        defaults = {"code": f"S{n}", "description": f"Season {n}"}
        return await self._add(models.Season(company_id=company.id, **(defaults | fields)))

    async def payment_method(self, company: models.Company, **fields: Any) -> models.PaymentMethod:
        n = _next()
        defaults = {"code": f"PM{n}", "name": f"Payment method {n}"}
        return await self._add(models.PaymentMethod(company_id=company.id, **(defaults | fields)))

    async def product(
        self, company: models.Company, *, stock: int | None = 1000, **fields: Any
    ) -> models.Product:
        """A product with `stock` units on hand (None: never stocked)."""
        n = _next()
        defaults = {"code": f"PR{n}", "name": f"Product {n}", "list_price": Decimal("10.00")}
        product = await self._add(models.Product(company_id=company.id, **(defaults | fields)))
        if stock is not None:
            await self._add(models.StockItem(product_id=product.id, on_hand=stock))
        return product

    async def order(
        self,
        company: models.Company,
        client: models.Partner,
        lines: Sequence[tuple[models.Product, int, Decimal]] = (),
        *,
        line_discounts: Sequence[Decimal] = (),
        header_discounts: Sequence[Decimal] = (),
        **fields: Any,
    ) -> models.Order:
        """An order whose amounts follow the money rules; `lines` is (product, qty, price)."""
        n = _next()
        amounts = [money.line_amounts(qty, price, line_discounts) for _, qty, price in lines]
        totals = money.compute_totals(
            [a.net for a in amounts], header_discounts, tax_rate=company.tax_rate
        )
        ordered_at = fields.pop("ordered_at", datetime.now(UTC) - timedelta(minutes=n))
        defaults: dict[str, Any] = {
            "number": f"PED-{n:06d}",
            "series": f"A{n:06d}",
            "status": OrderStatus.PENDING,
            "type": OrderType.DOMESTIC,
            "ordered_at": ordered_at,
            "estimated_delivery_on": (ordered_at + timedelta(days=7)).date(),
            "tax_rate": company.tax_rate,
            "gross_amount": totals.gross,
            "discount_amount": totals.discount,
            "taxable_base": totals.taxable_base,
            "tax_amount": totals.tax,
            "shipping_amount": totals.shipping,
            "total_amount": totals.total,
            "total_quantity": sum(qty for _, qty, _ in lines),
        }
        order = await self._add(
            models.Order(company_id=company.id, client_id=client.id, **(defaults | fields))
        )
        for position, ((product, qty, price), amount) in enumerate(
            zip(lines, amounts, strict=True)
        ):
            line = await self._add(
                models.OrderLine(
                    order_id=order.id,
                    position=position + 1,
                    product_id=product.id,
                    quantity=qty,
                    unit_price=price,
                    gross_amount=amount.gross,
                    discount_amount=amount.discount,
                    amount=amount.net,
                )
            )
            for sequence, (rate, step) in enumerate(
                zip(line_discounts, amount.discount_steps, strict=True)
            ):
                self.session.add(
                    models.Discount(
                        order_id=order.id,
                        order_line_id=line.id,
                        sequence=sequence + 1,
                        rate=rate,
                        amount=step,
                    )
                )
        for sequence, (rate, step) in enumerate(
            zip(header_discounts, totals.discount_steps, strict=True)
        ):
            self.session.add(
                models.Discount(order_id=order.id, sequence=sequence + 1, rate=rate, amount=step)
            )
        await self.session.commit()
        return order

    async def event(self, order: models.Order, **fields: Any) -> models.OrderEvent:
        defaults = {"kind": "CREATED", "status_after": order.status}
        return await self._add(
            models.OrderEvent(order_id=order.id, company_id=order.company_id, **(defaults | fields))
        )
