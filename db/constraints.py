"""What the tables allow, read from their metadata: unique fields and text lengths."""

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.exc import IntegrityError

import db.models  # noqa: F401  (registers every table)
from app.domain.errors import DomainError, Invalid
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


def length_errors(model: type[Base], given: object, fields: tuple[str, ...]) -> list[DomainError]:
    """INVALID on each given text longer than its column, before PostgreSQL refuses it."""
    columns = Base.metadata.tables[model.__tablename__].columns
    errors: list[DomainError] = []
    for name in fields:
        value = getattr(given, name, None)
        length = getattr(columns[name].type, "length", None)
        too_long = isinstance(value, str) and length is not None and len(value) > length
        if too_long and isinstance(columns[name].type, String):
            errors.append(Invalid(f"at most {length} characters", path=(name,)))
    return errors
