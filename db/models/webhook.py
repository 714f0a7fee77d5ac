"""Webhook endpoints, and the outbox of deliveries to them with every attempt logged.

A delivery row is written in the transaction that appends the order event (the outbox), so an
event that rolled back has none and one that committed keeps its row until it is delivered.
"""

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.models.columns import Timestamps


class WebhookEndpoint(Timestamps, Base):
    __tablename__ = "webhook_endpoints"
    __table_args__ = (Index("ix_webhook_endpoints_company_id_id", "company_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str | None] = mapped_column(String(500))
    events: Mapped[list[str]] = mapped_column(ARRAY(String(32)))  # OrderEventKind values
    # kept in the clear: signing needs it (as an API key's hash could not); shown once
    secret: Mapped[str] = mapped_column(String(100))
    # after a rotation, requests are signed with the old secret too until then (see rotate)
    previous_secret: Mapped[str | None] = mapped_column(String(100))
    previous_secret_until: Mapped[datetime | None]
    enabled: Mapped[bool] = mapped_column(Boolean, server_default="true")
    disabled_reason: Mapped[str | None] = mapped_column(String(500))
    disabled_at: Mapped[datetime | None]
    # first failed attempt since the last success: how long the endpoint has been failing
    failing_since: Mapped[datetime | None]


class WebhookDelivery(Base):
    """One event to one endpoint; `body` is fixed at its first attempt so retries match."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        CheckConstraint("status IN ('PENDING', 'DELIVERED', 'FAILED')", name="status"),
        Index("ix_webhook_deliveries_due", "next_attempt_at",
              postgresql_where="status = 'PENDING'"),
        Index("ix_webhook_deliveries_chain", "endpoint_id", "order_id", "event_id",
              postgresql_where="status = 'PENDING'"),
        Index("ix_webhook_deliveries_endpoint_id_id", "endpoint_id", "id"),
        Index("ix_webhook_deliveries_event_id_endpoint_id", "event_id", "endpoint_id", unique=True),
        Index("ix_webhook_deliveries_finished_at", "finished_at",
              postgresql_where="status <> 'PENDING'"),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    company_id: Mapped[int] = mapped_column(Integer)  # the endpoint's, for the scope filter
    event_id: Mapped[int] = mapped_column(Integer)  # no FK, as order_events has none to orders
    order_id: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), server_default="PENDING")
    attempt_count: Mapped[int] = mapped_column(server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(server_default=func.now())
    body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    finished_at: Mapped[datetime | None]


class WebhookAttempt(Base):
    __tablename__ = "webhook_attempts"
    __table_args__ = (Index("ix_webhook_attempts_delivery_id_id", "delivery_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE")
    )
    attempted_at: Mapped[datetime] = mapped_column(server_default=func.now())
    status_code: Mapped[int | None]
    duration_ms: Mapped[int]
    response_snippet: Mapped[str | None] = mapped_column(String(1000))
    error: Mapped[str | None] = mapped_column(String(500))
    retry_in_ms: Mapped[int | None]  # the backoff chosen after this attempt, if it was retried
