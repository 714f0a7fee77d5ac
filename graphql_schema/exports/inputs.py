"""Inputs of startOrderExport, and what a finished export offers for download."""

from datetime import datetime
from enum import Enum

import strawberry

from graphql_schema.orders.filters import OrderFilter


@strawberry.enum(description="The file an order export writes.")
class ExportFormat(Enum):
    XML = "XML"
    JSONL = "JSONL"


@strawberry.input(description="Which orders to export, and as what.")
class StartOrderExportInput:
    format: ExportFormat = strawberry.field(
        description="XML: the B2B seed's <export><data><item> shape. JSONL: one ImportOrderInput"
        " per line, which `orders-api import` (or bulkImportOrders) reads back."
    )
    filter: OrderFilter | None = strawberry.field(
        default=None, description="As orders(filter); every order of your companies when left out."
    )


@strawberry.type(description="An order export's file: where to download it, and until when.")
class OrderExportFile:
    format: ExportFormat
    download_url: str | None = strawberry.field(
        description="GET it with the same API key (the path, relative to this API's root); null"
        " until the job is COMPLETED and after it expires."
    )
    expires_at: datetime | None = strawberry.field(
        description="After this the file is gone: GET answers 410."
    )
