"""A stock movement sent to a remote inventory whose order change has not committed (yet).

Written before the movement, deleted in the order change's own transaction: a row that stays
is a movement to undo, which the reconciler retries until the inventory takes it.
"""

from datetime import datetime

from sqlalchemy import Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class PendingUndo(Base):
    __tablename__ = "pending_undos"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)  # the movement's own key
    order_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
