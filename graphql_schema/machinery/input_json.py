"""Strawberry input objects back to the JSON a client would send: jobs store their items so."""

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from strawberry import Some, relay
from strawberry.utils.str_converters import to_camel_case

from graphql_schema.machinery.library_internals import definition_of, has_object_definition


def to_json(value: Any) -> Any:
    """GraphQL-shaped JSON: camelCase names, money and dates as strings, enums by name."""
    if has_object_definition(value):
        fields = definition_of(value).fields
        out: dict[str, Any] = {}
        for field in fields:
            raw = getattr(value, field.python_name, None)
            if raw is None or raw is dataclasses.MISSING:
                continue
            out[field.graphql_name or to_camel_case(field.python_name)] = to_json(raw)
        return out
    if isinstance(value, Some):
        return to_json(value.value)
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    if isinstance(value, relay.GlobalID):
        return str(value)
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
