"""Case-insensitive "contains" search where the client's text is literal, wildcards included."""

from typing import Any

import sqlalchemy as sa


def contains_text(columns: tuple[Any, ...], text: str) -> sa.ColumnElement[bool]:
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return sa.or_(*(column.ilike(pattern, escape="\\") for column in columns))
