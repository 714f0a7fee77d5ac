"""The inventory as its own HTTP service: JSON endpoints over the same Ledger as in process."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any

from pydantic import BaseModel, Field, StrictInt, ValidationError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.domain.money import MAX_QUANTITY
from app.domain.stock import InsufficientStock
from app.domain.storable import INTEGER_MAX
from app.error_boundary import ErrorBoundaryMiddleware
from app.inventory.ledger import Ledger, UnknownProducts
from db.engine import make_engine, unit_of_work

RowId = Annotated[int, Field(gt=0, le=INTEGER_MAX)]
# a movement moves units: a negative one would free held stock or count stock out unchecked
Quantity = Annotated[StrictInt, Field(gt=0, le=MAX_QUANTITY)]


class Availability(BaseModel):
    product_ids: list[RowId] = Field(alias="productIds", max_length=1000)


class Movement(BaseModel):
    key: str = Field(min_length=1, max_length=120)
    order_id: RowId = Field(alias="orderId")
    quantities: dict[RowId, Quantity] = Field(default_factory=dict, max_length=1000)


class StockCount(BaseModel):
    product_id: RowId
    on_hand: StrictInt = Field(alias="onHand", ge=0, le=INTEGER_MAX)


Handler = Callable[[Ledger, dict[str, Any]], Awaitable[dict[str, Any]]]


def _endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Parse JSON, run the handler in one committed transaction, map refusals to 409/422.

    Every mistake in the request is a 422 with a JSON body, never a 500: the caller's circuit
    breaker counts 5xx as outages, and a bad request is not one.
    """

    async def endpoint(request: Request) -> Response:
        sessionmaker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
        try:
            body = await request.json()
        except ValueError:
            return _invalid("the body is not JSON")
        if not isinstance(body, dict):
            return _invalid("the body must be a JSON object")
        try:
            async with sessionmaker() as session, unit_of_work(session):
                answer = await handler(Ledger(session), {**body, **request.path_params})
        except ValidationError as error:
            detail = error.errors(include_url=False, include_context=False, include_input=False)
            return _invalid(detail)
        except UnknownProducts as unknown:
            body = {"code": "UNKNOWN_PRODUCT", "detail": str(unknown)}
            return JSONResponse({**body, "productIds": unknown.product_ids}, status_code=422)
        except InsufficientStock as refusal:
            shortages = [
                {"productId": s.product_id, "requested": s.requested, "available": s.available}
                for s in refusal.shortages
            ]
            return JSONResponse({"code": "OUT_OF_STOCK", "shortages": shortages}, status_code=409)
        return JSONResponse(answer)

    return endpoint


def _invalid(detail: Any) -> Response:
    return JSONResponse({"code": "INVALID", "detail": detail}, status_code=422)


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
    await ledger.set_on_hand(count.product_id, count.on_hand)
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
        # its database unavailable: a quick 503 with Retry-After, which the order side's
        # breaker does not count against it
        middleware=[Middleware(ErrorBoundaryMiddleware)],
        lifespan=lifespan,
    )
