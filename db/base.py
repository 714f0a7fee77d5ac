"""Declarative base: stable constraint names, Decimal money and aware timestamps by default."""

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import Date, DateTime, MetaData, Numeric, Table
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

    if TYPE_CHECKING:
        # every model is declared with __tablename__, so this is a Table, not just any
        # FromClause as SQLAlchemy types it: Core insert/update/delete accept it as it is
        __table__: ClassVar[Table]
