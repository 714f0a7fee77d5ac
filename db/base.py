"""Declarative base: stable constraint names, Decimal money and aware timestamps by default."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, MetaData, Numeric
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Stable constraint names keep Alembic migrations reviewable."""

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map = {
        Decimal: Numeric(14, 2),
        datetime: DateTime(timezone=True),
        date: Date,
    }
