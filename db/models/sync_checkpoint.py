"""Sync checkpoints: how far each integration of an API key has acknowledged the order feed."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class SyncCheckpoint(Base):
    """The feed position (updated_at, order id) an integration has acknowledged, per key."""

    __tablename__ = "sync_checkpoints"

    key_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    integration: Mapped[str] = mapped_column(String(64), primary_key=True)
    position_at: Mapped[datetime]
    position_id: Mapped[int]
    acknowledged_at: Mapped[datetime] = mapped_column(server_default=func.now())


class OrderSyncState(Base):
    """When an integration was last sent an order, and whether it acknowledged that version."""

    __tablename__ = "order_sync_states"
    __table_args__ = (Index("ix_order_sync_states_key_id_integration", "key_id", "integration"),)

    order_id: Mapped[int] = mapped_column(
        ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True
    )
    key_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    integration: Mapped[str] = mapped_column(String(64), primary_key=True)
    sent_updated_at: Mapped[datetime]  # the order's updated_at in the version last sent
    last_sent_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
