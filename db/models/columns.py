"""Column shapes that recur across tables."""

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func
from sqlalchemy.orm import Mapped, mapped_column


def enum_column(enum: type[StrEnum], name: str, **kwargs: Any) -> Mapped[Any]:
    """A VARCHAR with a named CHECK: adding a value later is an ordinary migration."""
    return mapped_column(
        sa.Enum(
            enum,
            name=name,
            native_enum=False,
            length=32,
            validate_strings=True,
            create_constraint=True,
        ),
        **kwargs,
    )


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())
