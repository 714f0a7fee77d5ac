"""The export worker: claims an EXPORT job and streams its orders to a file, page by page.

The orders are read in one REPEATABLE READ transaction, so the file is one consistent snapshot
and its total is exact; progress is committed on another connection as pages are written.
Memory holds one page: rows are let go and the text is flushed to the file after each page.
The file is written beside its final name and renamed when complete, so a download never sees
half a file. A worker that dies leaves its lease to run out; the next one starts the job over.
"""

import asyncio
import contextlib
import io
import logging
import os
from collections.abc import Awaitable, Callable, Collection
from datetime import timedelta
from pathlib import Path

import anyio
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.export_files import SUFFIXES, writer_for
from app.settings import Settings
from db.availability import OutageLog
from db.models import BulkOperation, OrderExport
from db.queries import bulk_operations, order_exports
from db.queries.orders import OrderListFilter

log = logging.getLogger(__name__)


class ExportCanceled(Exception):
    """The job was canceled while it ran: its partial file is removed."""


class ExportWorker:
    def __init__(self, engine: AsyncEngine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self.directory = settings.export_directory
        self.lease = timedelta(seconds=settings.export_lease_s)
        self._outages = OutageLog(log, "export worker")

    async def run(self, stop: asyncio.Event) -> None:
        """Work until `stop` is set, resting whenever no export is waiting."""
        while not stop.is_set():
            try:
                worked = await self.run_once()
            except Exception as error:
                if not self._outages.failed(error):
                    log.exception("export worker failed")
                worked = False
            else:
                self._outages.worked()
            if not worked:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.settings.bulk_poll_interval_s)

    async def run_once(self) -> bool:
        """Write one waiting export to its file; False when none was waiting."""
        async with AsyncSession(self.engine, expire_on_commit=False) as session, session.begin():
            claimed = await order_exports.claim(session, lease=self.lease)
        if claimed is None:
            await self.sweep()
            return False
        operation, export = claimed
        final = self.directory / f"export-{operation.id}{SUFFIXES[export.format]}"
        partial = final.with_name(final.name + ".part")
        try:
            done = await self._write(operation, export, partial)
        except ExportCanceled:
            partial.unlink(missing_ok=True)
            return True
        except Exception as error:
            partial.unlink(missing_ok=True)
            if self._outages.failed(error):
                raise  # the database is away: the lease runs out and the job is taken again
            log.exception("export %s failed", operation.id)
            async with AsyncSession(self.engine) as session, session.begin():
                await bulk_operations.fail(
                    session, operation.id, f"internal error: {type(error).__name__}"
                )
            return True
        os.replace(partial, final)
        async with AsyncSession(self.engine) as session, session.begin():
            keep = timedelta(seconds=self.settings.export_ttl_s)
            await order_exports.complete(
                session, operation.id, file_name=final.name, done=done, keep=keep
            )
        return True

    async def sweep(self) -> None:
        """Delete the files of expired exports; the jobs stay, their links answer 410."""
        async with AsyncSession(self.engine, expire_on_commit=False) as session, session.begin():
            for export in await order_exports.expired_files(session):
                (self.directory / (export.file_name or "")).unlink(missing_ok=True)
                await order_exports.forget_file(session, export.operation_id)

    async def _write(self, operation: BulkOperation, export: OrderExport, path: Path) -> int:
        return await stream_orders(
            self.engine,
            format=export.format,
            list_filter=order_exports.filter_from_json(export.filter),
            company_ids=operation.company_ids,
            path=path,
            page_size=self.settings.export_page_size,
            progress=lambda done, total: self._progress(operation.id, done, total),
        )

    async def _progress(self, operation_id: int, done: int, total: int) -> None:
        async with AsyncSession(self.engine) as session, session.begin():
            running = await order_exports.progress(
                session, operation_id, done=done, total=total, lease=self.lease
            )
        if not running:
            raise ExportCanceled


async def stream_orders(
    engine: AsyncEngine,
    *,
    format: str,
    list_filter: OrderListFilter,
    company_ids: Collection[int],
    path: Path,
    page_size: int,
    progress: Callable[[int, int], Awaitable[None]],
) -> int:
    """Write the orders to `path` in one snapshot, a page at a time; how many were written.

    `progress(done, total)` is awaited before the first page and after each one.
    """
    buffer = io.StringIO()
    writer = writer_for(format, buffer)
    await anyio.Path(path.parent).mkdir(parents=True, exist_ok=True)
    async with (
        engine.connect() as connection,
        await anyio.open_file(path, "w", encoding="utf-8") as out,
    ):
        await connection.execution_options(isolation_level="REPEATABLE READ")
        async with connection.begin():
            reading = AsyncSession(bind=connection, expire_on_commit=False)
            total = await order_exports.count_orders(reading, list_filter, company_ids=company_ids)
            await progress(0, total)
            done, after_id = 0, 0
            while True:
                page = await order_exports.page_of_orders(
                    reading, list_filter, company_ids=company_ids, after_id=after_id, size=page_size
                )
                if not page:
                    break
                for bundle in page:
                    writer.write(bundle)
                done, after_id = done + len(page), page[-1].order.id
                reading.expunge_all()  # the page's rows go: memory stays one page
                await _flush(buffer, out)
                await progress(done, total)
            writer.close(done)
            await _flush(buffer, out)
    return done


async def _flush(buffer: io.StringIO, out: "anyio.AsyncFile[str]") -> None:
    await out.write(buffer.getvalue())
    buffer.seek(0)
    buffer.truncate()
