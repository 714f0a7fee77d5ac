"""What a request's log lines carry, and two log formats: text for a terminal, JSON for machines.

Each request gets one `RequestRecord`; the layers that learn something fill it in (the key
check its key and companies, the GraphQL extensions its operation and read path), and every log
line written while it runs carries it, so a masked error is found from the request id the client
saw. Code logs through the standard library; structlog renders the JSON lines.
"""

import logging
import os
import sys
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Literal, TextIO

import structlog
from structlog.typing import EventDict

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")


@dataclass(slots=True)
class RequestRecord:
    """One request, as its log lines and metrics describe it."""

    request_id: str
    api_key_id: int | None = None
    company_ids: frozenset[int] | None = None  # None: every company (an admin key), or no key
    operation_name: str | None = None
    operation_type: str | None = None
    read_path: str | None = None  # "compiled" or "reference", once GraphQL ran
    outcome: str | None = None  # "ok" or the first error's code
    statements: int = field(default=0, metadata={"doc": "SQL statements sent for the request"})

    def fields(self) -> dict[str, Any]:
        """The record as log fields, leaving out what is not known yet."""
        known = {
            "request_id": self.request_id,
            "api_key_id": self.api_key_id,
            "company_ids": sorted(self.company_ids) if self.company_ids is not None else None,
            "operation": self.operation_name,
            "operation_type": self.operation_type,
            "read_path": self.read_path,
        }
        return {name: value for name, value in known.items() if value is not None}


current_request: ContextVar[RequestRecord | None] = ContextVar("current_request", default=None)


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def _process(_: Any, __: str, event: EventDict) -> EventDict:
    """Which server process wrote the line: several workers share one log."""
    event["pid"] = os.getpid()
    return event


def _request_fields(_: Any, __: str, event: EventDict) -> EventDict:
    """A structlog processor: the running request's fields, under whatever the line itself says."""
    request = current_request.get()
    if request is not None:
        return {**request.fields(), **event}
    request_id = request_id_var.get()  # a background job's lines name their job
    return {**({"request_id": request_id} if request_id != "-" else {}), **event}


_FIRST = ("time", "level", "message")


def _readable_order(_: Any, __: str, event: EventDict) -> EventDict:
    """Time, level and message lead each line; uvicorn's terminal colours are left out."""
    event.pop("color_message", None)
    return {**{name: event.pop(name) for name in _FIRST if name in event}, **event}


def _json_formatter() -> logging.Formatter:
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            structlog.stdlib.add_log_level,
            structlog.stdlib.add_logger_name,
            structlog.processors.TimeStamper(fmt="iso", utc=True, key="time"),
            structlog.stdlib.ExtraAdder(),
            _process,
            _request_fields,
        ],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.dict_tracebacks,
            structlog.processors.EventRenamer("message"),
            _readable_order,
            structlog.processors.JSONRenderer(sort_keys=False),
        ],
    )


def configure_logging(
    level: str, log_format: Literal["text", "json"] = "text", stream: TextIO | None = None
) -> None:
    """Every logger's lines to `stream` (stderr), in one format."""
    handler = logging.StreamHandler(stream or sys.stderr)
    if log_format == "json":
        handler.setFormatter(_json_formatter())
    else:
        handler.addFilter(_RequestIdFilter())
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
        )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("pgserver").setLevel(logging.WARNING)  # it narrates every pg_ctl call
