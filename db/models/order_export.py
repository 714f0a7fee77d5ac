"""Order exports: the file a background EXPORT job writes, and how long it may be downloaded."""

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class OrderExport(Base):
    """One per EXPORT bulk operation; the operation holds status, scope and progress."""

    __tablename__ = "order_exports"
    __table_args__ = (CheckConstraint("format IN ('XML', 'JSONL')", name="format"),)

    operation_id: Mapped[int] = mapped_column(
        ForeignKey("bulk_operations.id", ondelete="CASCADE"), primary_key=True
    )
    format: Mapped[str] = mapped_column(String(8))
    # the resolved list filter (see db.queries.order_exports.filter_to_json)
    filter: Mapped[dict[str, Any]] = mapped_column(JSONB)
    file_name: Mapped[str | None] = mapped_column(Text)
    # a worker that stops renewing this (it died) leaves the export to the next worker
    lease_until: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
