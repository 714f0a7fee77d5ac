"""Whether a failure means "the database cannot serve now" rather than "this request is wrong".

Such failures (the pool exhausted, a server starting, restarting or unreachable, a connection
that dropped) are told to clients as UNAVAILABLE with a hint to retry, and logged as one line,
not as a bug's traceback.
"""

import logging
import os
import traceback
from collections.abc import Iterator

import asyncpg.exceptions as pg
import sqlalchemy.exc as sa_exc

# what the driver says of a connection that dropped or that it left in the middle of an operation
BROKEN_CONNECTION = (pg.InterfaceError, pg.InternalClientError, pg.ConnectionDoesNotExistError)
_STATES = ("08", "57P01", "57P02", "57P03", "53300")  # connection; shutdown; starting; too many
_DRIVER = (
    pg.PostgresConnectionError,
    pg.CannotConnectNowError,
    pg.AdminShutdownError,
    pg.CrashShutdownError,
    pg.TooManyConnectionsError,
    pg.ConnectionDoesNotExistError,
    *BROKEN_CONNECTION,  # "connection is closed", "another operation is in progress"
)
_QUERY_CANCELED = "57014"  # a statement cancelled by its timeout
RETRY_AFTER_S = 1  # what clients are told to wait: pools free up and restarts end in seconds


def causes(error: BaseException | None, limit: int = 10) -> Iterator[BaseException]:
    """The error and what it wraps: a GraphQL error's original, SQLAlchemy's `orig`, a cause."""
    for _ in range(limit):
        if error is None:
            return
        yield error
        error = (
            getattr(error, "orig", None)
            or error.__cause__
            or getattr(error, "original_error", None)
        )


def database_unavailable(error: BaseException | None) -> bool:
    """True for the pool's timeout and for lost, refused or not-yet-accepting connections."""
    return any(_unavailability(cause) for cause in causes(error))


def _unavailability(error: BaseException) -> bool:
    if isinstance(error, (sa_exc.TimeoutError, *_DRIVER)):
        return True
    # a refused or reset socket, a missing Unix socket, asyncpg's own timeout: only when the
    # driver raised it; the same exception elsewhere is a bug, or another peer's failure
    if isinstance(error, OSError) and _raised_by_the_driver(error):
        return True
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return True
    state = getattr(error, "sqlstate", None)
    return isinstance(state, str) and state.startswith(_STATES)


def timed_out(error: BaseException | None) -> bool:
    """Whether the error, or what caused it, is PostgreSQL cancelling a statement."""
    return any(getattr(cause, "sqlstate", None) == _QUERY_CANCELED for cause in causes(error))


def _raised_by_the_driver(error: BaseException) -> bool:
    frames = traceback.extract_tb(error.__traceback__) if error.__traceback__ else []
    return any(f"{os.sep}asyncpg{os.sep}" in frame.filename for frame in frames)


def broken_connection(error: BaseException | None) -> bool:
    """The driver's own word (under SQLAlchemy's wrapping) that a connection is unusable."""
    return any(isinstance(cause, BROKEN_CONNECTION) for cause in causes(error))


def describe(error: BaseException) -> str:
    """One short line for the log: an outage is a fact, not a traceback."""
    text = str(error) or type(error).__name__
    return text.splitlines()[0][:200]


class OutageLog:
    """One warning when the database goes away and one when it is back, for a background loop.

    `failed` says whether an error was such an outage (logged once per outage); any other
    error is the caller's to log as the bug it is.
    """

    def __init__(self, logger: logging.Logger, who: str) -> None:
        self.logger, self.who, self.out = logger, who, False

    def failed(self, error: BaseException) -> bool:
        if not database_unavailable(error):
            return False
        if not self.out:
            self.logger.warning("%s: database unavailable, waiting: %s", self.who, describe(error))
            self.out = True
        return True

    def worked(self) -> None:
        if self.out:
            self.logger.warning("%s: database back, working again", self.who)
            self.out = False
