"""Run a mutation's work in one transaction and turn domain failures into payload errors."""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.domain.errors import DomainError, DomainErrors, NotUnique
from db.constraints import violated_unique_field
from db.engine import unit_of_work
from graphql_schema.errors import UserError

T = TypeVar("T")


async def in_transaction(
    session: AsyncSession, work: Callable[[], Awaitable[T]]
) -> tuple[T | None, list[UserError]]:
    """Commit what `work` did and return its result, or roll back and return the errors."""
    try:
        async with unit_of_work(session):
            return await work(), []
    except DomainErrors as failures:
        return None, [UserError.from_domain(error) for error in failures.errors]
    except DomainError as failure:
        return None, [UserError.from_domain(failure)]
    except IntegrityError as error:
        # a concurrent writer took the same code or number between our check and our insert
        field = violated_unique_field(error)
        if field is None:
            raise
        return None, [UserError.from_domain(NotUnique(f"this {field} is taken", path=(field,)))]
