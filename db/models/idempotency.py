"""A request's Idempotency-Key and the answer it got, so a retry gets that answer again."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, func
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class IdempotentRequest(Base):
    __tablename__ = "idempotent_requests"
    __table_args__ = (Index("ix_idempotent_requests_expires_at", "expires_at"),)

    # keys are the caller's own: two API keys may use the same text for different requests
    api_key_id: Mapped[int] = mapped_column(
        ForeignKey("api_keys.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    token: Mapped[str] = mapped_column(String(32))  # the running request's, see db/queries
    request_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the body
    status_code: Mapped[int | None] = mapped_column(Integer)  # None while the first runs
    content_type: Mapped[str | None] = mapped_column(String(100))
    body: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    expires_at: Mapped[datetime]
