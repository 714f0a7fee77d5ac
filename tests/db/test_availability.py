"""Which failures read as "the database cannot serve now": the driver's, not any OSError."""

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from db.availability import database_unavailable
from tests.served import free_port


async def test_a_refused_connection_is_unavailability():
    engine = create_async_engine(f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/none")
    try:
        async with engine.connect() as connection:
            await connection.execute(sa.text("SELECT 1"))
    except Exception as error:
        refused = error
    finally:
        await engine.dispose()

    assert database_unavailable(refused)


def test_an_os_error_of_our_own_code_is_a_bug_not_an_outage():
    def read_missing_file() -> None:
        with open("/nonexistent/orders-api"):
            pass

    try:
        read_missing_file()
    except OSError as error:
        missing = error
    try:
        raise ValueError("a bug") from TimeoutError()
    except ValueError as error:
        wrapped = error

    assert not database_unavailable(missing)
    assert not database_unavailable(wrapped)
