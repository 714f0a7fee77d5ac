"""What createWebhookEndpoint and updateWebhookEndpoint both check, reported all at once."""

from collections.abc import Sequence

from app.domain.errors import DomainError, Invalid, LimitExceeded
from app.domain.storable import text_problem
from app.domain.webhooks import DESCRIPTION_MAX, EVENTS_MAX, url_problem
from app.settings import Settings
from app.webhook_urls import url_refusal


async def url_errors(settings: Settings, url: str | None) -> list[DomainError]:
    """The URL's form first; DNS is asked only about a URL that could be one."""
    if url is None:
        return []
    problem = url_problem(url)
    if problem is None:
        problem = await url_refusal(url, allow_private=settings.webhook_allow_private_urls)
    return [] if problem is None else [Invalid(problem, path=("url",))]


def events_errors(events: Sequence[str] | None) -> list[DomainError]:
    if events is None:
        return []
    if not events:
        return [Invalid("name at least one event kind", path=("events",))]
    if len(events) > EVENTS_MAX:
        return [LimitExceeded(f"at most {EVENTS_MAX} kinds, got {len(events)}", path=("events",))]
    return []


def description_errors(description: str | None) -> list[DomainError]:
    problem = None if description is None else text_problem(description, DESCRIPTION_MAX)
    return [] if problem is None else [Invalid(problem, path=("description",))]


def distinct_kinds(events: Sequence[str]) -> list[str]:
    """Stored once each, in the order given."""
    return list(dict.fromkeys(str(kind) for kind in events))
