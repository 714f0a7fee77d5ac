"""Which input field a violated unique constraint is about, read from the metadata itself."""

from sqlalchemy import UniqueConstraint
from sqlalchemy.exc import IntegrityError

import db.models  # noqa: F401  (registers every table)
from db.base import Base

_SCOPE_COLUMNS = {"company_id", "order_id", "client_id"}


def _unique_fields() -> dict[str, str]:
    fields: dict[str, str] = {}
    for table in Base.metadata.tables.values():
        for constraint in table.constraints:
            if isinstance(constraint, UniqueConstraint) and isinstance(constraint.name, str):
                names = [c.name for c in constraint.columns if c.name not in _SCOPE_COLUMNS]
                if names:
                    fields[constraint.name] = names[-1]
    return fields


UNIQUE_FIELDS = _unique_fields()


def violated_unique_field(error: IntegrityError) -> str | None:
    """The field behind a unique violation (e.g. "number"), or None for any other failure."""
    cause = getattr(error.orig, "__cause__", None)
    name = getattr(cause, "constraint_name", None)
    if getattr(cause, "sqlstate", None) != "23505" or name is None:
        return None
    return UNIQUE_FIELDS.get(name)
