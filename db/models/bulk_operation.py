"""Background bulk operations: a job, and its items that workers claim in chunks."""

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class BulkOperation(Base):
    __tablename__ = "bulk_operations"
    __table_args__ = (
        CheckConstraint(
            "status IN ('CREATED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELED')", name="status"
        ),
        CheckConstraint("kind IN ('IMPORT', 'BATCH_UPDATE', 'EXPORT')", name="kind"),
        Index("ix_bulk_operations_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), server_default="CREATED")
    # whom the work runs as: the creating key's companies and scopes, fixed at creation
    key_id: Mapped[str] = mapped_column(String(120))
    company_ids: Mapped[list[int]] = mapped_column(ARRAY(Integer))
    scopes: Mapped[list[str]] = mapped_column(ARRAY(String(32)))
    total_count: Mapped[int]
    done_count: Mapped[int] = mapped_column(server_default="0")
    failed_count: Mapped[int] = mapped_column(server_default="0")
    error_message: Mapped[str | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class BulkOperationItem(Base):
    """One order to import or one status change; `result` holds what happened to it."""

    __tablename__ = "bulk_operation_items"
    __table_args__ = (
        CheckConstraint("status IN ('PENDING', 'DONE', 'FAILED')", name="status"),
        Index("ix_bulk_operation_items_pending", "operation_id", "position",
              postgresql_where="status = 'PENDING'"),
        Index("ix_bulk_operation_items_operation_id_status_position",
              "operation_id", "status", "position"),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("bulk_operations.id", ondelete="CASCADE"))
    position: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), server_default="PENDING")
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    processed_at: Mapped[datetime | None]
