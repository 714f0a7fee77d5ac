"""Quick-order suggestions: a client's ranked list of products to re-order in one click."""

from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.models.columns import Timestamps


class QuickOrderSuggestion(Timestamps, Base):
    __tablename__ = "quick_order_suggestions"
    __table_args__ = (
        UniqueConstraint("client_id", "product_id", "units"),
        CheckConstraint("quantity > 0 AND units > 0", name="positive"),
        Index("ix_quick_order_suggestions_client_id_rank", "client_id", "rank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    units: Mapped[int] = mapped_column(server_default="1")
    quantity: Mapped[int] = mapped_column(server_default="1")
    rank: Mapped[int]
    display_in_group: Mapped[list[Any]] = mapped_column(JSONB, server_default="[]")
