"""The webhook worker, one in every server process: claims due deliveries and makes attempts.

Deliveries are leased (SKIP LOCKED, then next_attempt_at moved past the attempt's timeout), so
processes share the outbox without waiting on each other and no transaction stays open while
a receiver answers. A process that dies mid-attempt leaves the lease to run out; the delivery
is then attempted again with the same event id: at least once, never lost.
"""

import asyncio
import contextlib
import logging
import time
from datetime import timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.domain.webhooks import DeliveryStatus, Verdict, after_failure, verdict
from app.metrics import WEBHOOK_ATTEMPTS, WEBHOOK_GIVEN_UP
from app.settings import Settings
from app.stock_guard import InventoryGuard
from app.webhook_delivery import Answer, RenderError, post, render
from app.webhook_transport import webhook_transport
from app.webhook_urls import url_refusal
from db.availability import OutageLog
from db.engine import make_sessionmaker
from db.queries import webhooks
from db.queries.webhooks import Claimed

log = logging.getLogger(__name__)

PURGE_INTERVAL_S = 60.0


class WebhookWorker:
    def __init__(
        self, engine: AsyncEngine, settings: Settings, *, guard: InventoryGuard | None = None
    ) -> None:
        self.settings = settings
        self.guard = guard or InventoryGuard.from_settings(settings)
        self._sessions = make_sessionmaker(engine)
        self._outages = OutageLog(log, "webhook worker")
        timeout = settings.webhook_attempt_timeout_s
        # past the attempt's own timeout and the body's rendering: a live worker keeps its lease
        self.lease = timedelta(seconds=timeout * 2 + 30)
        self._purged_at = 0.0  # time.monotonic() of the last purge
        self.http = httpx.AsyncClient(
            timeout=timeout,
            follow_redirects=False,
            # the SSRF guard again where it connects (a name may resolve anew), and no proxy
            transport=webhook_transport(
                allow_private=settings.webhook_allow_private_urls,
                max_connections=settings.webhook_batch_size,
            ),
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Work until `stop` is set, resting when nothing is due."""
        try:
            while not stop.is_set():
                try:
                    worked = await self.run_once()
                    if not worked:
                        await self._purge_now_and_then()
                except Exception as error:
                    if not self._outages.failed(error):
                        log.exception("webhook worker: claiming deliveries failed")
                    worked = False
                else:
                    self._outages.worked()
                if not worked:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), self.settings.webhook_poll_interval_s)
        finally:
            await self.http.aclose()

    async def _purge_now_and_then(self) -> None:
        """Settled deliveries older than WEBHOOK_RETENTION_S go, a batch at a time, when idle.

        Every process may do it (a DELETE of rows another one deleted deletes nothing).
        """
        retention = self.settings.webhook_retention_s
        if time.monotonic() - self._purged_at < min(PURGE_INTERVAL_S, retention):
            return
        async with self._sessions() as session, session.begin():
            await webhooks.purge_finished(session, timedelta(seconds=retention))
        self._purged_at = time.monotonic()

    async def run_once(self) -> bool:
        """Attempt one batch of due deliveries at once; False when none was due.

        The batch is rendered on one session and recorded in one transaction: a commit per
        batch, not per delivery. A batch whose record fails stays leased and is attempted again
        when the lease runs out (receivers deduplicate on the event id).
        """
        async with self._sessions() as session, session.begin():
            claimed = await webhooks.claim_due(
                session, self.settings.webhook_batch_size, self.lease
            )
        if not claimed:
            return False
        bodies = await self._render_all(claimed)
        answers = await asyncio.gather(
            *(self._attempt(delivery, bodies[delivery.delivery_id]) for delivery in claimed)
        )
        async with self._sessions() as session, session.begin():
            # endpoint rows in one order across workers: their updates cannot deadlock
            done = sorted(zip(claimed, answers, strict=True), key=lambda r: r[0].endpoint_id)
            for delivery, (answer, refused) in done:
                body = bodies[delivery.delivery_id]
                await self._record(
                    session, delivery, body if isinstance(body, str) else None, answer,
                    counted=refused,
                )  # fmt: skip
        return True

    async def _render_all(self, claimed: list[Claimed]) -> dict[int, str | RenderError]:
        """Bodies by delivery id, each event rendered once for all its endpoints.

        A body the schema cannot render becomes a failed attempt, so it backs off and ends with
        its window like any other failure instead of coming back with every lease.
        """
        bodies: dict[int, str | RenderError] = {}
        by_event: dict[int, str | RenderError] = {}
        async with self._sessions() as session:
            for delivery in claimed:
                if delivery.body is not None:
                    bodies[delivery.delivery_id] = delivery.body
                    continue
                if delivery.event_id not in by_event:
                    try:
                        by_event[delivery.event_id] = await render(
                            session, delivery, self.settings, self.guard
                        )
                    except RenderError as error:
                        log.error("webhook delivery %s: %s", delivery.delivery_id, error)
                        by_event[delivery.event_id] = error
                bodies[delivery.delivery_id] = by_event[delivery.event_id]
        return bodies

    async def _attempt(self, claimed: Claimed, body: str | RenderError) -> tuple[Answer, bool]:
        """The answer, and whether nothing was sent (the SSRF guard, or no body)."""
        if isinstance(body, RenderError):
            WEBHOOK_ATTEMPTS.labels("unrendered").inc()
            return Answer(None, 0, None, f"not sent: {body}"), True
        refusal = await url_refusal(
            claimed.url, allow_private=self.settings.webhook_allow_private_urls
        )
        if refusal is not None:
            WEBHOOK_ATTEMPTS.labels("refused").inc()
            return Answer(None, 0, None, f"not sent: the URL {refusal}"), True
        answer = await post(self.http, claimed, body, self.settings.webhook_attempt_timeout_s)
        return answer, False

    async def _record(
        self,
        session: AsyncSession,
        claimed: Claimed,
        body: str | None,
        answer: Answer,
        *,
        counted: bool,
    ) -> None:
        outcome = verdict(answer.status_code)
        if not counted:
            WEBHOOK_ATTEMPTS.labels(outcome.value).inc()
        retry_in_ms = None
        if outcome is Verdict.DELIVERED:
            settled = await webhooks.settle(
                session, claimed.delivery_id, status=DeliveryStatus.DELIVERED, body=body
            )
            await webhooks.endpoint_succeeded(session, claimed.endpoint_id)
        elif outcome is Verdict.GONE:
            settled = await webhooks.settle(
                session, claimed.delivery_id, status=DeliveryStatus.FAILED, body=body
            )
            await self._disable(session, claimed, "the endpoint answered 410 Gone")
            WEBHOOK_GIVEN_UP.inc()
        else:
            await webhooks.endpoint_failed(session, claimed.endpoint_id)
            now = await webhooks.now(session)
            since = await webhooks.failing_since(session, claimed.endpoint_id) or now
            plan = after_failure(
                now=now,
                created_at=claimed.created_at,
                attempts=claimed.attempt_count + 1,
                failing_since=since,
                base_s=self.settings.webhook_retry_base_s,
                max_delay_s=self.settings.webhook_retry_max_delay_s,
                window_s=self.settings.webhook_retry_window_s,
                disable_after_s=self.settings.webhook_disable_after_s,
            )
            if plan.retry_at is None:
                settled = await webhooks.settle(
                    session, claimed.delivery_id, status=DeliveryStatus.FAILED, body=body
                )
                WEBHOOK_GIVEN_UP.inc()
            else:
                retry_in_ms = int((plan.retry_at - now).total_seconds() * 1000)
                settled = await webhooks.settle(
                    session,
                    claimed.delivery_id,
                    status=DeliveryStatus.PENDING,
                    body=body,
                    next_attempt_at=plan.retry_at,
                )
            if plan.disable_endpoint:
                await self._disable(
                    session,
                    claimed,
                    "failing for longer than WEBHOOK_DISABLE_AFTER_S without a success",
                )
        if settled:  # else the endpoint was deleted, or another worker settled it
            await webhooks.record_attempt(
                session,
                claimed.delivery_id,
                status_code=answer.status_code,
                duration_ms=answer.duration_ms,
                response_snippet=answer.snippet,
                error=answer.error,
                retry_in_ms=retry_in_ms,
            )

    async def _disable(self, session: AsyncSession, claimed: Claimed, reason: str) -> None:
        if await webhooks.disable_endpoint(session, claimed.endpoint_id, reason):
            log.warning("webhook endpoint %s disabled: %s", claimed.endpoint_id, reason)
