"""Orders, their lines and their discounts (header discounts have no line)."""

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from app.domain.vocabulary import CancellationReason, LineStatus, OrderStatus, OrderType
from db.base import Base
from db.models.columns import Timestamps, enum_column


class Order(Timestamps, Base):
    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("company_id", "number"),
        UniqueConstraint("company_id", "series"),
        UniqueConstraint("company_id", "source", "external_id"),
        CheckConstraint(
            "total_quantity >= 0 AND delivered_quantity >= 0 AND returned_quantity >= 0"
            " AND delivered_quantity <= total_quantity AND returned_quantity <= delivered_quantity",
            name="quantities",
        ),
        CheckConstraint(
            "gross_amount >= 0 AND discount_amount >= 0 AND taxable_base >= 0"
            " AND tax_amount >= 0 AND shipping_amount >= 0 AND total_amount >= 0",
            name="amounts_non_negative",
        ),
        # Every keyset order is (sort key, id); each gets its own index.
        Index("ix_orders_ordered_at_id", "ordered_at", "id"),
        Index("ix_orders_updated_at_id", "updated_at", "id"),
        Index("ix_orders_number_id", "number", "id"),
        Index("ix_orders_total_amount_id", "total_amount", "id"),
        Index("ix_orders_company_id_status", "company_id", "status"),
        Index("ix_orders_client_id_ordered_at", "client_id", "ordered_at", "id"),
        Index("ix_orders_agent_id", "agent_id"),
        Index("ix_orders_season_id", "season_id"),
        Index("ix_orders_type", "type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    number: Mapped[str] = mapped_column(String(32))
    series: Mapped[str | None] = mapped_column(String(32))
    external_id: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str | None] = mapped_column(String(32))
    description: Mapped[str | None] = mapped_column(Text)
    type: Mapped[OrderType] = enum_column(
        OrderType, "type", server_default=OrderType.DOMESTIC.value
    )
    destination: Mapped[str | None] = mapped_column(String(200))
    client_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    season_id: Mapped[int | None] = mapped_column(ForeignKey("seasons.id"))
    payment_method_id: Mapped[int | None] = mapped_column(ForeignKey("payment_methods.id"))
    shipping_address_id: Mapped[int | None] = mapped_column(ForeignKey("addresses.id"))
    billing_address_id: Mapped[int | None] = mapped_column(ForeignKey("addresses.id"))
    observations: Mapped[str | None] = mapped_column(Text)
    status: Mapped[OrderStatus] = enum_column(OrderStatus, "status")
    ordered_at: Mapped[datetime]
    estimated_delivery_on: Mapped[date | None]
    confirmed_at: Mapped[datetime | None]
    shipped_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    cancellation_reason: Mapped[CancellationReason | None] = enum_column(
        CancellationReason, "cancellation_reason", nullable=True
    )
    cancellation_note: Mapped[str | None] = mapped_column(Text)
    currency: Mapped[str] = mapped_column(String(3), server_default="PEN")
    tax_rate: Mapped[Decimal] = mapped_column(Numeric(6, 4))
    gross_amount: Mapped[Decimal]
    discount_amount: Mapped[Decimal]
    taxable_base: Mapped[Decimal]
    tax_amount: Mapped[Decimal]
    shipping_amount: Mapped[Decimal] = mapped_column(server_default="0")
    total_amount: Mapped[Decimal]
    total_quantity: Mapped[int] = mapped_column(server_default="0")
    delivered_quantity: Mapped[int] = mapped_column(server_default="0")
    returned_quantity: Mapped[int] = mapped_column(server_default="0")
    created_by: Mapped[str | None] = mapped_column(String(100))
    updated_by: Mapped[str | None] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    @hybrid_property
    def pending_quantity(self) -> int:
        """Not delivered yet; the same expression in SQL for the compiled read path."""
        return self.total_quantity - self.delivered_quantity

    # The UPDATE carries "WHERE version = <read>", so a stale write fails in SQL, not silently.
    # The application moves the version (once per change, however many flushes the change takes).
    __mapper_args__ = {
        "version_id_col": version,
        "version_id_generator": False,
        "eager_defaults": True,  # updated_at comes back with the UPDATE, no second SELECT
    }


class OrderLine(Base):
    __tablename__ = "order_lines"
    __table_args__ = (
        UniqueConstraint("order_id", "position"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("units > 0", name="units_positive"),
        CheckConstraint(
            "delivered_quantity >= 0 AND delivered_quantity <= quantity"
            " AND returned_quantity >= 0 AND returned_quantity <= delivered_quantity",
            name="delivered_returned",
        ),
        CheckConstraint("unit_price >= 0 AND amount >= 0", name="amounts_non_negative"),
        Index("ix_order_lines_product_id", "product_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    position: Mapped[int]
    external_id: Mapped[str | None] = mapped_column(String(64))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    units: Mapped[int] = mapped_column(server_default="1")
    quantity: Mapped[int]
    unit_price: Mapped[Decimal]
    gross_amount: Mapped[Decimal]
    discount_amount: Mapped[Decimal] = mapped_column(server_default="0")
    amount: Mapped[Decimal]
    status: Mapped[LineStatus] = enum_column(
        LineStatus, "line_status", server_default=LineStatus.OPEN.value
    )
    delivered_quantity: Mapped[int] = mapped_column(server_default="0")
    returned_quantity: Mapped[int] = mapped_column(server_default="0")
    estimated_delivery_on: Mapped[date | None]
    cancelled_at: Mapped[datetime | None]
    observations: Mapped[str | None] = mapped_column(Text)

    @hybrid_property
    def pending_quantity(self) -> int:
        """Still to deliver; the same expression in SQL for the compiled read path."""
        return self.quantity - self.delivered_quantity


class Discount(Base):
    """A discount rate applied in sequence; `order_line_id` is null for header discounts."""

    __tablename__ = "discounts"
    __table_args__ = (
        CheckConstraint("rate >= 0 AND rate <= 1", name="rate_fraction"),
        CheckConstraint("amount >= 0", name="amount_non_negative"),
        Index("ix_discounts_order_id", "order_id"),
        Index("ix_discounts_order_line_id", "order_line_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    order_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("order_lines.id", ondelete="CASCADE")
    )
    external_id: Mapped[str | None] = mapped_column(String(64))
    sequence: Mapped[int]
    type_code: Mapped[str | None] = mapped_column(String(32))
    type_name: Mapped[str | None] = mapped_column(String(100))
    rate: Mapped[Decimal] = mapped_column(Numeric(7, 4))
    amount: Mapped[Decimal] = mapped_column(server_default=sa.text("0"))
