"""Inventory: stock per product, what each order holds, and an idempotent movement log."""

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class StockItem(Base):
    """available = on_hand - reserved; the CHECKs keep both from ever going below zero."""

    __tablename__ = "stock_items"
    __table_args__ = (
        CheckConstraint("on_hand >= 0", name="on_hand_non_negative"),
        CheckConstraint("reserved >= 0 AND reserved <= on_hand", name="reserved_within_on_hand"),
    )

    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    on_hand: Mapped[int] = mapped_column(server_default="0")
    reserved: Mapped[int] = mapped_column(server_default="0")
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class StockReservation(Base):
    """Units an order holds and has not received yet.

    No FK to orders: the inventory may be another service, and `inventory reconcile` finds the
    holds whose order is gone.
    """

    __tablename__ = "stock_reservations"
    __table_args__ = (CheckConstraint("quantity >= 0", name="quantity_non_negative"),)

    order_id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    quantity: Mapped[int]


class StockMovement(Base):
    """One applied operation. Its key makes a retried call a no-op the second time."""

    __tablename__ = "stock_movements"
    __table_args__ = (Index("ix_stock_movements_order_id", "order_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    order_id: Mapped[int | None]
    kind: Mapped[str] = mapped_column(String(16))
    # what it did, per product id: [on-hand change, reserved change]; `undo` applies the reverse
    effect: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    applied_at: Mapped[datetime] = mapped_column(server_default=func.now())
