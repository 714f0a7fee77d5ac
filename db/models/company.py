"""Companies: the tenants that receive orders."""

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import CheckConstraint, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.models.columns import Timestamps


class Company(Timestamps, Base):
    __tablename__ = "companies"
    __table_args__ = (CheckConstraint("tax_rate >= 0 AND tax_rate < 1", name="tax_rate_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    external_id: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    tax_id: Mapped[str | None] = mapped_column(String(32))
    tax_rate: Mapped[Decimal] = mapped_column(Numeric(6, 4), server_default=sa.text("0.18"))
    currency: Mapped[str] = mapped_column(String(3), server_default="PEN")
