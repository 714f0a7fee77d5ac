"""API keys: only a hash is stored; a key covers one or more companies and carries scopes."""

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.models.columns import Timestamps


class ApiKey(Timestamps, Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(128), unique=True)
    # None: every company, present and future (the admin key made on a fresh setup)
    company_ids: Mapped[list[int] | None] = mapped_column(ARRAY(Integer))
    scopes: Mapped[list[str]] = mapped_column(ARRAY(String(32)))
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
