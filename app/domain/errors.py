"""Failures a client can act on. Anything else is a bug and gets masked at the edge."""

from enum import StrEnum
from typing import ClassVar, TypeAlias

InputPath: TypeAlias = tuple[str | int, ...]


class ErrorCode(StrEnum):
    NOT_FOUND = "NOT_FOUND"
    INVALID = "INVALID"
    NOT_UNIQUE = "NOT_UNIQUE"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    OUT_OF_STOCK = "OUT_OF_STOCK"
    INVENTORY_UNAVAILABLE = "INVENTORY_UNAVAILABLE"
    VERSION_CONFLICT = "VERSION_CONFLICT"
    FORBIDDEN = "FORBIDDEN"
    LIMIT_EXCEEDED = "LIMIT_EXCEEDED"
    INTERNAL = "INTERNAL"  # a bug on our side; the message carries no detail


class DomainError(Exception):
    code: ClassVar[ErrorCode]

    def __init__(self, message: str, *, path: InputPath = ()) -> None:
        super().__init__(message)
        self.message = message
        self.path = path  # where in the input the problem is, e.g. ("lines", 2, "quantity")


class NotFound(DomainError):
    code = ErrorCode.NOT_FOUND


class Invalid(DomainError):
    code = ErrorCode.INVALID


class NotUnique(DomainError):
    code = ErrorCode.NOT_UNIQUE


class InvalidTransition(DomainError):
    code = ErrorCode.INVALID_TRANSITION


class OutOfStock(DomainError):
    code = ErrorCode.OUT_OF_STOCK


class InventoryUnavailable(DomainError):
    code = ErrorCode.INVENTORY_UNAVAILABLE


class VersionConflict(DomainError):
    code = ErrorCode.VERSION_CONFLICT


class Forbidden(DomainError):
    code = ErrorCode.FORBIDDEN


class LimitExceeded(DomainError):
    code = ErrorCode.LIMIT_EXCEEDED


class DomainErrors(Exception):
    """Several violations found in one pass, reported together rather than one per round trip."""

    def __init__(self, errors: list[DomainError]) -> None:
        unique = {(error.code, error.path, error.message): error for error in reversed(errors)}
        self.errors = list(reversed(unique.values()))  # one report per problem and place
        super().__init__("; ".join(error.message for error in self.errors))
