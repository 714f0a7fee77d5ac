"""The catalog a company sells with: products, seasons, payment methods."""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.models.columns import Timestamps


class Product(Timestamps, Base):
    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint("company_id", "code"),
        CheckConstraint("list_price >= 0", name="list_price_non_negative"),
        CheckConstraint("units_per_package > 0", name="units_positive"),
        Index("ix_products_company_id_name", "company_id", "name", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    code: Mapped[str] = mapped_column(String(32))
    internal_code: Mapped[str | None] = mapped_column(String(32))
    external_id: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    units_per_package: Mapped[int] = mapped_column(server_default="1")
    list_price: Mapped[Decimal]
    active: Mapped[bool] = mapped_column(server_default=sa.true())


class Season(Timestamps, Base):
    __tablename__ = "seasons"
    __table_args__ = (
        UniqueConstraint("company_id", "code"),
        CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", "dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    code: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str | None] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]


class PaymentMethod(Timestamps, Base):
    __tablename__ = "payment_methods"
    __table_args__ = (UniqueConstraint("company_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
