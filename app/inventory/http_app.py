"""The inventory as its own HTTP service: JSON endpoints over the same Ledger as in process."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from pydantic import BaseModel, Field, ValidationError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.domain.stock import InsufficientStock
from app.inventory.ledger import Ledger
from db.engine import make_engine, unit_of_work


class Availability(BaseModel):
    product_ids: list[int] = Field(alias="productIds", max_length=1000)


class Movement(BaseModel):
    key: str = Field(min_length=1, max_length=120)
    order_id: int = Field(alias="orderId")
    quantities: dict[int, int] = Field(default_factory=dict)


class StockCount(BaseModel):
    on_hand: int = Field(alias="onHand", ge=0)


Handler = Callable[[Ledger, dict[str, Any]], Awaitable[dict[str, Any]]]


def _endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Parse JSON, run the handler in one committed transaction, map refusals to 409/422."""

    async def endpoint(request: Request) -> Response:
        sessionmaker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
        try:
            body = {**(await request.json()), **request.path_params}
            async with sessionmaker() as session, unit_of_work(session):
                answer = await handler(Ledger(session), body)
        except ValidationError as error:
            return JSONResponse({"code": "INVALID", "detail": error.errors()}, status_code=422)
        except ValueError:
            return JSONResponse({"code": "INVALID", "detail": "body is not JSON"}, status_code=422)
        except InsufficientStock as refusal:
            shortages = [
                {"productId": s.product_id, "requested": s.requested, "available": s.available}
                for s in refusal.shortages
            ]
            return JSONResponse({"code": "OUT_OF_STOCK", "shortages": shortages}, status_code=409)
        return JSONResponse(answer)

    return endpoint


async def _available(ledger: Ledger, body: dict[str, Any]) -> dict[str, Any]:
    ids = Availability.model_validate(body).product_ids
    return {"available": {str(k): v for k, v in (await ledger.available(ids)).items()}}


async def _reserve(ledger: Ledger, body: dict[str, Any]) -> dict[str, Any]:
    move = Movement.model_validate(body)
    await ledger.reserve(move.key, move.order_id, move.quantities)
    return {}


async def _release(ledger: Ledger, body: dict[str, Any]) -> dict[str, Any]:
    move = Movement.model_validate(body)
    released = await ledger.release(move.key, move.order_id)
    return {"released": {str(k): v for k, v in released.items()}}


async def _consume(ledger: Ledger, body: dict[str, Any]) -> dict[str, Any]:
    move = Movement.model_validate(body)
    await ledger.consume(move.key, move.order_id, move.quantities)
    return {}


async def _restock(ledger: Ledger, body: dict[str, Any]) -> dict[str, Any]:
    move = Movement.model_validate(body)
    await ledger.restock(move.key, move.order_id, move.quantities)
    return {}


async def _undo(ledger: Ledger, body: dict[str, Any]) -> dict[str, Any]:
    move = Movement.model_validate(body)
    await ledger.undo(move.key, move.order_id)
    return {}


async def _set_on_hand(ledger: Ledger, body: dict[str, Any]) -> dict[str, Any]:
    count = StockCount.model_validate(body)
    await ledger.set_on_hand(int(body["product_id"]), count.on_hand)
    return {}


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def create_inventory_app(database_url: str, *, engine: AsyncEngine | None = None) -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        own = engine or make_engine(database_url)
        app.state.sessionmaker = async_sessionmaker(own, expire_on_commit=False)
        yield
        if engine is None:
            await own.dispose()

    post = ["POST"]
    return Starlette(
        routes=[
            Route("/v1/availability", _endpoint(_available), methods=post),
            Route("/v1/reserve", _endpoint(_reserve), methods=post),
            Route("/v1/release", _endpoint(_release), methods=post),
            Route("/v1/consume", _endpoint(_consume), methods=post),
            Route("/v1/restock", _endpoint(_restock), methods=post),
            Route("/v1/undo", _endpoint(_undo), methods=post),
            Route("/v1/stock/{product_id:int}", _endpoint(_set_on_hand), methods=["PUT"]),
            Route("/healthz", healthz),
        ],
        lifespan=lifespan,
    )
