"""BulkOperation: a background job, its progress, and a result per item."""

from datetime import UTC, datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from app.context import Info
from db import models
from db.pagination import count, keyset_page
from db.queries import bulk_operations, order_exports
from graphql_schema.connection import Connection, connection_from_page, page_request
from graphql_schema.exports.inputs import ExportFormat, OrderExportFile
from graphql_schema.rows import RowNode


@strawberry.enum(description="Where a background job is.")
class BulkOperationStatus(Enum):
    CREATED = "CREATED"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELED = "CANCELED"


@strawberry.enum(description="What a background job does.")
class BulkOperationKind(Enum):
    IMPORT = "IMPORT"
    BATCH_UPDATE = "BATCH_UPDATE"
    EXPORT = "EXPORT"


@strawberry.type(description="What happened to one item of a job.")
class BulkOperationResult:
    position: int = strawberry.field(description="Position of the item in the job's input.")
    status: str = strawberry.field(description="DONE or FAILED.")
    result: JSON | None = strawberry.field(
        description="As the synchronous mutation reports it: for an import status, orderId and"
        " changedFields; errors (code, field, message) when it failed."
    )


@strawberry.type(description="A background job: import or batch update, run in chunks.")
class BulkOperation(RowNode):
    model = models.BulkOperation

    @classmethod
    def is_one(cls, row: Any, info: Info) -> bool:
        """node(id) must not show jobs to a key that bulkOperation(id) would refuse."""
        return info.context.principal.allows("order.bulkwrite")

    id: relay.NodeID[int]
    kind: BulkOperationKind
    status: BulkOperationStatus
    total_count: int = strawberry.field(description="Items in the job.")
    done_count: int = strawberry.field(description="Items processed successfully.")
    failed_count: int = strawberry.field(description="Items refused; see results.")
    error_message: str | None = strawberry.field(description="Why the job failed, if it did.")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @strawberry.field(description="Results of processed items, in input order.")
    async def results(
        self,
        info: Info,
        failed_only: bool = False,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[BulkOperationResult]:
        request = page_request(
            info.context.settings, first=first, after=after, last=last, before=before
        )
        session = info.context.session
        query = bulk_operations.select_results(self.id, failed_only=failed_only)
        page = await keyset_page(session, query, bulk_operations.RESULTS, request)
        return connection_from_page(
            BulkOperationResult, page, bulk_operations.RESULTS, lambda: count(session, query)
        )

    @strawberry.field(description="For an EXPORT job: its file and download link.")
    async def export(self, info: Info) -> OrderExportFile | None:
        found = await order_exports.get_export(
            info.context.session, self.id, company_ids=info.context.loaders.company_ids
        )
        return None if found is None else export_file(*found)


def export_file(operation: models.BulkOperation, export: models.OrderExport) -> OrderExportFile:
    """The link only while there is a file to fetch."""
    ready = operation.status == "COMPLETED" and export.file_name is not None
    live = export.expires_at is not None and export.expires_at > datetime.now(UTC)
    url = f"/exports/{relay.to_base64('BulkOperation', operation.id)}"
    return OrderExportFile(
        format=ExportFormat(export.format),
        download_url=url if ready and live else None,
        expires_at=export.expires_at,
    )
