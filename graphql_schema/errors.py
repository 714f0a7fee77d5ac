"""Errors as clients see them: payload errors with a code and input path, and masked bugs."""

import logging
from collections.abc import Sequence
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.relay.types import GlobalIDValueError

from app.domain.errors import DomainError, ErrorCode
from db.availability import database_unavailable, describe, timed_out
from db.pagination import PageArgumentError

log = logging.getLogger(__name__)

ErrorCodeEnum = ErrorCode  # registered as is (strawberry.enum returns the class): a valid type
strawberry.enum(ErrorCodeEnum, name="ErrorCode", description="What went wrong.")


def input_path(path: Sequence[str | int]) -> str:
    """("lines", 2, "unit_price") -> "lines.2.unitPrice": the path as the client spelled it."""
    return ".".join(str(part) if isinstance(part, int) else _camel(part) for part in path)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


@strawberry.type(description="A problem with the input that the client can act on.")
class UserError:
    code: ErrorCodeEnum
    field: str | None = strawberry.field(
        description="Path of the offending input field, e.g. `lines.2.quantity`."
    )
    message: str

    @classmethod
    def from_domain(cls, error: DomainError) -> "UserError":
        return cls(code=error.code, field=input_path(error.path) or None, message=error.message)


class QueryInputError(Exception):
    """A bad query argument (wrong id type, unknown number...); its message reaches the client."""

    def __init__(self, argument: str, message: str) -> None:
        super().__init__(f"{argument}: {message}")
        self.argument = argument


_SHOWN = (QueryInputError, PageArgumentError, GlobalIDValueError, DomainError)


def is_deliberate(error: GraphQLError) -> bool:
    """Validation errors and errors we raise on purpose: the client acts on them, we need no log."""
    original = error.original_error
    # graphql-core wraps a bad variable value in another GraphQLError: that is the client's too
    return original is None or isinstance(original, (*_SHOWN, GraphQLError))


def client_extensions(error: GraphQLError) -> dict[str, Any] | None:
    """A code for a deliberate error that carries none, and the argument it names when known.

    Refusals that already have a code (FORBIDDEN, LIMIT_EXCEEDED...) keep theirs; anything
    else the client sent wrong (a bad argument, an unknown field, a bad variable) is INVALID.
    """
    if "code" in (error.extensions or {}) or not is_deliberate(error):
        return None
    original = error.original_error
    if isinstance(original, (QueryInputError, PageArgumentError)):
        return {**(error.extensions or {}), "code": "INVALID", "argument": original.argument}
    if isinstance(original, DomainError):
        return {**(error.extensions or {}), "code": original.code.value}
    return {**(error.extensions or {}), "code": "INVALID"}


def should_mask(error: GraphQLError) -> bool:
    """Let deliberate errors through; hide everything else (it is logged with the request id).

    A statement PostgreSQL cancelled at the statement timeout is masked too (its message holds
    the SQL) but is no bug: it is logged as a warning and told as TIMEOUT (see ClientErrors).
    """
    if is_deliberate(error):
        return False
    if timed_out(error):
        log.warning("statement timeout at %s", error.path)
        return True
    if database_unavailable(error):
        log.warning("database unavailable at %s: %s", error.path, describe(error))
        return True
    log.error("unexpected error at %s", error.path, exc_info=error.original_error)
    return True
