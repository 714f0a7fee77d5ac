"""`orders-api import FILE`: orders from an ERP export (JSON Lines or CSV) through bulkImportOrders.

Safe to run again after an interruption: the import is idempotent on (company, source, external
id), so what already arrived is reported UNCHANGED and nothing is duplicated.
"""

import codecs
import csv
import io
import json
import re
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphql import GraphQLError, GraphQLSchema, assert_input_type
from graphql.utilities import validate_input_value

from app.domain.imports import repeated

CALL_SIZE = 1000  # orders per bulkImportOrders call
LINE_PREFIX = "line."
_NUMBERS = {"quantity", "units", "deliveredQuantity"}


class ImportFileError(ValueError):
    """The file is not JSON Lines or CSV of orders; the message says where."""


class ImportStopped(RuntimeError):
    """The run could not go on (a call was not answered); what arrived so far stays imported."""


@dataclass
class Record:
    """One order as read from the file, with where it started there."""

    line: int
    order: dict[str, Any]
    errors: list[dict[str, Any]] = field(default_factory=list)  # as a payload's errors


@dataclass
class Summary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0

    def add(self, status: str) -> None:
        setattr(self, status.lower(), getattr(self, status.lower()) + 1)


def read_orders(path: Path) -> list[Record]:
    """JSON Lines (one order object per line) or CSV (one row per order line).

    An order whose identity another order of the file repeats comes back with an error: the
    file is sent in several calls, and the later copy would silently overwrite the earlier.
    """
    if not path.is_file():
        raise ImportFileError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        records = list(_json_lines(path))
    elif suffix == ".csv":
        records = list(_csv_orders(path))
    else:
        raise ImportFileError(f"{path}: give a .jsonl (JSON Lines) or a .csv file")
    if not records:
        raise ImportFileError(f"{path}: the file holds no orders")
    _refuse_repeats(records)
    return records


def _text(path: Path) -> str:
    """The file as UTF-8 text, with or without the byte order mark Excel writes."""
    data = path.read_bytes().removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ImportFileError(
            f"{path}:{line}: not UTF-8 text; save the file as UTF-8 (in Excel: CSV UTF-8)"
        ) from None


def _json_lines(path: Path) -> Iterator[Record]:
    # split on newlines only: JSON strings may hold U+2028, which str.splitlines breaks at
    for number, text in enumerate(_text(path).split("\n"), start=1):
        if not text.strip():
            continue
        try:
            order = json.loads(text)
        except json.JSONDecodeError as error:
            raise ImportFileError(f"{path}:{number}: not JSON ({error.msg})") from None
        if not isinstance(order, dict):
            raise ImportFileError(f"{path}:{number}: each line must be one order object")
        yield Record(number, order)


def _csv_orders(path: Path) -> Iterator[Record]:
    """Rows of one order are consecutive and share companyCode, source and externalId."""
    with io.StringIO(_text(path), newline="") as rows:
        reader = csv.DictReader(rows)
        header = reader.fieldnames or []
        needed = {"companyCode", "source", "externalId", f"{LINE_PREFIX}productCode"}
        if not needed <= set(header):
            missing = ", ".join(sorted(needed - set(header)))
            raise ImportFileError(f"{path}: not a CSV of orders (missing columns: {missing})")
        current: Record | None = None
        for number, row in enumerate(reader, start=2):
            order = {k: v for k, v in row.items() if k and not k.startswith(LINE_PREFIX) and v}
            line = {
                k[len(LINE_PREFIX) :]: _typed(k[len(LINE_PREFIX) :], v)
                for k, v in row.items()
                if k and k.startswith(LINE_PREFIX) and v
            }
            key = (order.get("companyCode"), order.get("source"), order.get("externalId"))
            if current is None or key != _key(current.order):
                if current is not None:
                    yield current
                current = Record(number, {**order, "lines": []})
            current.order["lines"].append(line)
        if current is not None:
            yield current


def _key(order: dict[str, Any]) -> tuple[Any, Any, Any]:
    return (order.get("companyCode"), order.get("source"), order.get("externalId"))


def _refuse_repeats(records: list[Record]) -> None:
    """Both copies of a repeated identity fail, as bulkImportOrders and startBulkImport do."""
    keys = [_identity(record.order) for record in records]
    for index, others in repeated(keys).items():
        lines = ", ".join(str(records[other].line) for other in others)
        where = f"line{'s' if len(others) > 1 else ''} {lines}"
        message = f"this source and external id is also at {where}; send it once"
        records[index].errors.append(
            {"code": "NOT_UNIQUE", "field": "externalId", "message": message}
        )


def _identity(order: dict[str, Any]) -> tuple[str, str, str] | None:
    key = _key(order)
    return key if all(isinstance(part, str) for part in key) else None


def _typed(name: str, value: str) -> Any:
    try:
        return int(value) if name in _NUMBERS else value
    except ValueError:
        return value  # left for the type check to report with its path


def check_types(records: list[Record], schema: GraphQLSchema) -> None:
    """Each record against ImportOrderInput, so a malformed one fails alone, with its path."""
    input_type = assert_input_type(schema.type_map["ImportOrderInput"])
    for record in records:

        def report(error: GraphQLError, path: list[str | int], record: Record = record) -> None:
            where = ".".join(str(part) for part in path)
            message = error.message
            record.errors.append({"message": f"{where}: {message}" if where else message})

        validate_input_value(record.order, input_type, report, hide_suggestions=True)


async def run_import(
    records: list[Record],
    call: Callable[[list[dict[str, Any]]], Awaitable[dict[str, Any]]],
    *,
    progress: Callable[[int], object],
) -> tuple[Summary, list[dict[str, Any]]]:
    """Send well-formed records in calls of CALL_SIZE; returns the summary and every failure."""
    summary, failures = Summary(), []
    for record in (r for r in records if r.errors):
        summary.add("FAILED")
        failures.append(_failure(record, record.errors))
    good = [r for r in records if not r.errors]
    progress(len(records) - len(good))
    for start in range(0, len(good), CALL_SIZE):
        batch = good[start : start + CALL_SIZE]
        payload = await call([record.order for record in batch])
        for record, result in _results(batch, payload):
            summary.add(result["status"])
            if result["status"] == "FAILED":
                failures.append(_failure(record, result["errors"]))
        progress(len(batch))
    return summary, failures


def write_failures(path: Path, failures: list[dict[str, Any]]) -> None:
    """One JSON object per failed order: its line in the file, external id and errors."""
    with path.open("w", encoding="utf-8") as out:
        for failure in failures:
            out.write(json.dumps(failure, ensure_ascii=False) + "\n")


def _results(
    batch: list[Record], payload: dict[str, Any]
) -> Iterator[tuple[Record, dict[str, Any]]]:
    if payload["errors"]:  # the call as a whole was refused: every order of it failed
        for record in batch:
            yield record, {"status": "FAILED", "errors": payload["errors"]}
        return
    yield from zip(batch, payload["results"], strict=True)


def _failure(record: Record, errors: list[dict[str, Any]]) -> dict[str, Any]:
    """Paths are made relative to the order: its position in a call means nothing in the file."""
    relative = [
        {**error, "field": _IN_CALL.sub("", error["field"])} if error.get("field") else error
        for error in errors
    ]
    return {"line": record.line, "externalId": record.order.get("externalId"), "errors": relative}


_IN_CALL = re.compile(r"^orders\.\d+\.?")
