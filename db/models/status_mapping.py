"""Status mappings: a company's own id and label for each order and line status, for its ERP."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class StatusMapping(Base):
    __tablename__ = "status_mappings"
    __table_args__ = (
        CheckConstraint("kind IN ('ORDER', 'LINE')", name="kind"),
        UniqueConstraint("company_id", "kind", "remote_id"),  # a remote id names one status
    )

    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    status: Mapped[str] = mapped_column(String(32), primary_key=True)
    remote_id: Mapped[str] = mapped_column(String(64))
    label: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())
