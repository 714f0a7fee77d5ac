"""What each kind of background job runs per chunk: the synchronous mutation, reused as it is.

Running the same GraphQL mutation keeps one behaviour for the single call and the job; each
kind only says how items become that mutation's input and how its results map back to items.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from db.models import BulkOperationItem

Outcome = tuple[int, bool, dict[str, Any]]  # item id, succeeded, what happened

_ERRORS = "errors { code field message }"
_INTERNAL = "internal error; this item was not applied, the others stand"


class JobKind(Protocol):
    # read-only, so that the frozen dataclasses below satisfy the protocol
    @property
    def mutation(self) -> str: ...

    @property
    def field(self) -> str:
        """The mutation's field in the answer: None there means the mutation broke."""
        ...

    def variables(self, items: Sequence[BulkOperationItem]) -> dict[str, Any]: ...

    def outcomes(
        self, items: Sequence[BulkOperationItem], data: dict[str, Any] | None
    ) -> list[Outcome]: ...

    def broken(self, item: BulkOperationItem) -> Outcome:
        """The item that broke the mutation even alone: failed, the detail only in the log."""
        ...


def _internal(field: str) -> dict[str, Any]:
    return {"code": "INTERNAL", "field": field, "message": _INTERNAL}


def _repath(errors: list[dict[str, Any]], head: str, index: int) -> list[dict[str, Any]]:
    """Error paths point into the chunk; make them point into the job's own input."""
    pattern = re.compile(rf"^{head}\.\d+")
    return [
        {**error, "field": pattern.sub(f"{head}.{index}", error["field"] or "")} for error in errors
    ]


def _whole_call_failed(
    items: Sequence[BulkOperationItem], data: dict[str, Any] | None, field: str
) -> list[Outcome] | None:
    payload = (data or {}).get(field)
    if payload is None:
        # the worker retries a broken chunk item by item and never gets here with one
        raise RuntimeError(f"{field} gave no answer for the chunk")
    if payload["errors"]:  # refused as a whole before anything was written
        return [(item.id, False, {"errors": payload["errors"]}) for item in items]
    return None


@dataclass(frozen=True, slots=True)
class ImportJob:
    field: str = "bulkImportOrders"
    mutation: str = (
        "mutation Job($input: BulkImportOrdersInput!) { bulkImportOrders(input: $input) {"
        f" results {{ index status externalId changedFields order {{ id }} {_ERRORS} }} {_ERRORS}"
        " } }"
    )

    def variables(self, items: Sequence[BulkOperationItem]) -> dict[str, Any]:
        return {"input": {"orders": [item.payload for item in items]}}

    def outcomes(
        self, items: Sequence[BulkOperationItem], data: dict[str, Any] | None
    ) -> list[Outcome]:
        failed = _whole_call_failed(items, data, self.field)
        if failed is not None:
            return failed
        assert data is not None
        outcomes = []
        for item, result in zip(items, data[self.field]["results"], strict=True):
            ok = result["status"] != "FAILED"
            outcomes.append((item.id, ok, {
                "status": result["status"],
                "orderId": (result["order"] or {}).get("id"),
                "changedFields": result["changedFields"],
                "errors": _repath(result["errors"], "orders", item.position),
            }))  # fmt: skip
        return outcomes

    def broken(self, item: BulkOperationItem) -> Outcome:
        errors = [_internal(f"orders.{item.position}")]
        return item.id, False, {"status": "FAILED", "orderId": None, "changedFields": [],
                                "errors": errors}  # fmt: skip


@dataclass(frozen=True, slots=True)
class BatchUpdateJob:
    """Items are {"action": "confirm" | "deliver" | "return" | "cancel", "index", "input"}."""

    field: str = "batchUpdateOrders"
    mutation: str = (
        "mutation Job($input: BatchUpdateOrdersInput!) { batchUpdateOrders(input: $input) {"
        f" results {{ action index order {{ id status version }} {_ERRORS} }} {_ERRORS} }} }}"
    )

    def variables(self, items: Sequence[BulkOperationItem]) -> dict[str, Any]:
        lists: dict[str, list[Any]] = {"confirm": [], "deliver": [], "return": [], "cancel": []}
        for item in items:
            lists[item.payload["action"]].append(item.payload["input"])
        return {"input": lists}

    def outcomes(
        self, items: Sequence[BulkOperationItem], data: dict[str, Any] | None
    ) -> list[Outcome]:
        failed = _whole_call_failed(items, data, self.field)
        if failed is not None:
            return failed
        assert data is not None
        by_action: dict[str, list[BulkOperationItem]] = {}
        for item in items:
            by_action.setdefault(item.payload["action"], []).append(item)
        outcomes = []
        for result in data[self.field]["results"]:
            action = result["action"].lower()
            item = by_action[action][result["index"]]
            outcomes.append((item.id, not result["errors"], {
                "order": result["order"],
                "errors": _repath(result["errors"], action, item.payload["index"]),
            }))  # fmt: skip
        return outcomes

    def broken(self, item: BulkOperationItem) -> Outcome:
        path = f"{item.payload['action']}.{item.payload['index']}"
        return item.id, False, {"order": None, "errors": [_internal(path)]}


KINDS: dict[str, JobKind] = {"IMPORT": ImportJob(), "BATCH_UPDATE": BatchUpdateJob()}
