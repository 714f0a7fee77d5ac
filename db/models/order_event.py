"""Order history: one row per change, appended in the change's own transaction."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.domain.vocabulary import OrderEventKind, OrderStatus
from db.base import Base
from db.models.columns import enum_column


class OrderEvent(Base):
    __tablename__ = "order_events"
    __table_args__ = (
        Index("ix_order_events_order_id_occurred_at_id", "order_id", "occurred_at", "id"),
        Index("ix_order_events_company_id_id", "company_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # No FK to orders: history outlives a deleted order (the delete itself is an event).
    order_id: Mapped[int]
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    kind: Mapped[OrderEventKind] = enum_column(OrderEventKind, "kind")
    status_before: Mapped[OrderStatus | None] = enum_column(
        OrderStatus, "status_before", nullable=True
    )
    status_after: Mapped[OrderStatus | None] = enum_column(
        OrderStatus, "status_after", nullable=True
    )
    actor: Mapped[str | None] = mapped_column(String(100))
    occurred_at: Mapped[datetime] = mapped_column(server_default=func.now())
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
