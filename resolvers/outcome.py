"""Run a mutation's work in one transaction and turn domain failures into payload errors."""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from app.domain.errors import DomainError, DomainErrors, InventoryUnavailable, NotUnique
from app.stock_guard import UNANSWERED, GuardedStock
from db import models
from db.constraints import violated_unique_field
from db.engine import unit_of_work
from graphql_schema.errors import UserError

T = TypeVar("T")


async def in_transaction(
    session: AsyncSession,
    work: Callable[[], Awaitable[T]],
    stock: GuardedStock | None = None,
    *,
    needs_inventory: bool = False,
) -> tuple[T | None, list[UserError]]:
    """Commit what `work` did and return its result, or roll back and return the errors.

    With `stock`, remote reservations made by `work` are taken back when it does not commit.
    Work that always asks the inventory is refused before it starts while the breaker is open:
    it would be refused anyway, after its reads.
    """
    if needs_inventory and stock is not None and stock.refusing:
        return None, [UserError.from_domain(InventoryUnavailable(UNANSWERED))]
    committed = False
    try:
        async with unit_of_work(session):
            result = await work()
            if stock is not None:
                await stock.before_commit(session)
            if isinstance(result, models.Order):  # what an answer lost after the commit names
                session.info.setdefault("written", []).append(to_base64("Order", result.id))
        committed = True
        return result, []
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
    finally:
        if stock is not None:
            await stock.settle(committed=committed)
