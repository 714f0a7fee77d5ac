"""Business partners (clients and agents are partners with a role) and their addresses."""

import sqlalchemy as sa
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.models.columns import Timestamps


class Partner(Timestamps, Base):
    """One row per partner per company; `roles` holds CLIENT and/or REPRESENTATIVE."""

    __tablename__ = "partners"
    __table_args__ = (
        UniqueConstraint("company_id", "code"),
        CheckConstraint(
            "cardinality(roles) > 0 AND roles <@ ARRAY['CLIENT','REPRESENTATIVE']::varchar[]",
            name="known_roles",
        ),
        Index("ix_partners_roles", "roles", postgresql_using="gin"),
        Index("ix_partners_company_id_name", "company_id", "name", "id"),
        Index("ix_partners_company_id_external_id", "company_id", "external_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    code: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str | None] = mapped_column(String(64))
    roles: Mapped[list[str]] = mapped_column(ARRAY(String(16)))
    tax_id: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    store_code: Mapped[str | None] = mapped_column(String(32))
    route_code: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(server_default=sa.true())


class Address(Timestamps, Base):
    __tablename__ = "addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    external_id: Mapped[str | None] = mapped_column(String(64))
    label: Mapped[str | None] = mapped_column(String(100))
    address_line: Mapped[str] = mapped_column(String(300))
    city: Mapped[str | None] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100))
    zip_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2), server_default="PE")
    is_shipping: Mapped[bool] = mapped_column(server_default=sa.false())
    is_billing: Mapped[bool] = mapped_column(server_default=sa.false())
