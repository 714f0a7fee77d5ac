"""The typed context every resolver receives, assembled per request without I/O of its own."""

from dataclasses import dataclass
from typing import TypeAlias

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import Principal
from app.settings import Settings
from app.stock_port import StockPort, UntrackedStock
from resolvers.dataloaders import Loaders


@dataclass(slots=True)
class AppContext:
    """Everything a resolver may touch during one request."""

    session: AsyncSession
    loaders: Loaders
    principal: Principal
    settings: Settings
    request_id: str
    stock: StockPort


Info: TypeAlias = strawberry.Info[AppContext, None]


def build_context(
    session: AsyncSession,
    principal: Principal,
    settings: Settings,
    request_id: str,
    stock: StockPort | None = None,
) -> AppContext:
    return AppContext(
        session=session,
        loaders=Loaders(session, company_ids=principal.company_ids),
        principal=principal,
        settings=settings,
        request_id=request_id,
        stock=stock or UntrackedStock(),
    )
