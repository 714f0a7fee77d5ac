"""Schema extensions guarding the edge: query bounds, the per-key budget, and error hygiene."""

import logging
import re
import time
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    NoSchemaIntrospectionCustomRule,
    parse,
)
from strawberry.extensions import MaskErrors, SchemaExtension, ValidationCache

from app.error_boundary import UNAVAILABLE_MESSAGE
from app.metrics import OPERATION_LATENCY, OPERATIONS, RATE_LIMITED, operation_label
from app.observability import current_request, request_id_var
from app.settings import Settings
from db.availability import database_unavailable, timed_out
from db.engine import saved_by
from graphql_schema.errors import client_extensions
from graphql_schema.machinery.library_internals import OperationType, graphql_schema_of
from graphql_schema.machinery.limits import Bounds, exceeded, measure
from graphql_schema.machinery.repetition import repetition_exceeded

log = logging.getLogger(__name__)


class QueryBudget(SchemaExtension):
    """Bounds and budget, checked after validation and before anything runs.

    A query over a bound is refused (LIMIT_EXCEEDED); then the key's bucket is charged
    (THROTTLED when empty); the cost is reported in the response's extensions.
    """

    def __init__(self) -> None:
        self._report: dict[str, Any] = {}

    def on_execute(self) -> Iterator[None]:
        try:
            self._check()
        except Exception:
            # raised from here, an error would bypass masking: refuse it as an internal one
            log.exception("query budget failed")
            self.execution_context.result = _refusal(
                "Internal error", {"code": "INTERNAL", "requestId": request_id_var.get()}
            )
        yield

    def _check(self) -> None:
        execution = self.execution_context
        context = execution.context
        bounds = bounds_of(context.settings)
        assert execution.graphql_document is not None
        measures = measure(
            graphql_schema_of(execution.schema),
            execution.graphql_document,
            execution.operation_name,
            execution.variables,
            bounds,
        )
        self._report = {"requestedQueryCost": measures.cost}
        limiter = context.rate_limiter
        prepaid = context.prepaid  # the planned path charged it already, then handed it on
        if limiter is not None:
            available = (
                prepaid.remaining
                if prepaid is not None
                else limiter.available(context.principal.key_id, time.monotonic())
            )
            self._report["throttleStatus"] = throttle_status(limiter, available)
        problem = exceeded(measures, bounds)
        if context.over_websocket and execution.operation_type is not OperationType.SUBSCRIPTION:
            # a WebSocket lives long: queries and mutations there would hold a connection
            execution.result = _refusal(
                "only subscriptions run over WebSocket; send queries and mutations over HTTP",
                {"code": "INVALID"},
            )
        elif problem is not None:
            execution.result = ExecutionResult(data=None, errors=[over_bound(*problem)])
        elif limiter is not None and prepaid is None:
            self._charge(context, measures.cost)

    def _charge(self, context: Any, cost: int) -> None:
        limiter = context.rate_limiter
        decision = limiter.spend(context.principal.key_id, cost, time.monotonic())
        self._report["throttleStatus"] = throttle_status(limiter, decision.remaining)
        if not decision.allowed:
            RATE_LIMITED.inc()
            wait = round(decision.wait_s, 2)
            self.execution_context.result = _refusal(
                f"query cost {cost} is over the {round(decision.remaining)} points available;"
                f" retry in {wait} s",
                {"code": "THROTTLED", "retryAfterSeconds": wait},
            )

    def get_results(self) -> dict[str, Any]:
        return {"cost": self._report} if self._report else {}


def bounds_of(settings: Settings) -> Bounds:
    """The query bounds the settings set, for QueryBudget and the planned path alike."""
    return Bounds(
        max_depth=settings.max_query_depth,
        max_aliases=settings.max_query_aliases,
        max_cost=settings.max_query_cost,
        default_page=settings.default_page_size,
        list_factor=settings.list_cost_factor,
    )


_CODE = re.compile(r"[A-Z][A-Z_]{0,31}")


class Observed(SchemaExtension):
    """Counts each operation by name, type, outcome and read path, and notes them on the request.

    First among the extensions, so it sees the errors as the client does (masked, with codes).
    """

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        execution = self.execution_context
        operation_type = self._operation_type()
        read_path = getattr(execution.context, "read_path", "reference")
        errors = (execution.result.errors if execution.result else None) or (
            execution.pre_execution_errors or []
        )
        count_operation(
            execution.operation_name,
            operation_type,
            _outcome(errors),
            read_path,
            time.perf_counter() - started,
        )

    def on_execute(self) -> Iterator[None]:
        """The operation is known once parsed: the log lines written while it runs name it."""
        request = current_request.get()
        if request is not None:
            request.operation_name = self.execution_context.operation_name
            request.operation_type = self._operation_type()
        yield

    def _operation_type(self) -> str:
        try:
            return self.execution_context.operation_type.value
        except Exception:  # a document that did not parse, or names no operation it holds
            return "unknown"


def count_operation(
    name: str | None, operation_type: str, outcome: str, read_path: str, duration_s: float
) -> None:
    """An operation counted by name, type, outcome and read path, and noted on its request."""
    OPERATIONS.labels(operation_label(name), operation_type, outcome, read_path).inc()
    OPERATION_LATENCY.labels(operation_type, read_path).observe(duration_s)
    request = current_request.get()
    if request is not None:
        request.read_path = read_path
        request.outcome = outcome


def _outcome(errors: list[GraphQLError]) -> str:
    """ok, or the first error's code (bounded to code-shaped strings, else ERROR)."""
    if not errors:
        return "ok"
    code = (errors[0].extensions or {}).get("code")
    return code if isinstance(code, str) and _CODE.fullmatch(code) else "ERROR"


def throttle_status(limiter: Any, available: float) -> dict[str, Any]:
    return {
        "maximumAvailable": limiter.capacity,
        "currentlyAvailable": round(available),
        "restoreRate": limiter.restore_rate,
    }


def over_bound(name: str, actual: int, limit: int) -> GraphQLError:
    """A query past one of its bounds (depth, cost, repeated fields...), said one way."""
    return GraphQLError(
        f"query {name} is {actual}, over the limit of {limit}",
        extensions={"code": "LIMIT_EXCEEDED", "bound": name, "actual": actual, "limit": limit},
    )


def _refusal(message: str, extensions: dict[str, Any]) -> ExecutionResult:
    return ExecutionResult(data=None, errors=[GraphQLError(message, extensions=extensions)])


# graphql-core may go on after the hint ("... Did you mean 'status'? Found: {...}.")
_SUGGESTION = re.compile(r" Did you mean [^?]*\?")
_TOO_MANY_TOKENS = re.compile(r"Document contains more than (\d+) tokens")


class ClientErrors(MaskErrors):
    """What clients see of errors.

    Unexpected errors are masked (with the request id that finds them in the log), the token
    limit gets its LIMIT_EXCEEDED code, every other client error a code (INVALID unless it has
    one) and the argument it names, and "Did you mean" hints go outside development.
    """

    def __init__(self, *, should_mask_error: Any) -> None:
        super().__init__(should_mask_error=should_mask_error, error_message="Internal error")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL", "requestId": request_id_var.get()}
        if timed_out(error):
            masked.message = (
                "the request ran past the database's statement timeout and was cancelled;"
                " nothing it was writing was kept: ask for less (a smaller page, a narrower"
                " filter) or retry"
            )
            masked.extensions = {"code": "TIMEOUT", "requestId": request_id_var.get()}
        elif database_unavailable(error):
            masked.message = UNAVAILABLE_MESSAGE
            masked.extensions = {"code": "UNAVAILABLE", "requestId": request_id_var.get()}
        return masked

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [self._polish(error) for error in super()._process_errors(errors)]

    def _polish(self, error: GraphQLError) -> GraphQLError:
        """A new error, never an edited one: validation errors are cached and shared."""
        message = error.message
        extensions = token_limit_extensions(error) or client_extensions(error) or error.extensions
        context = self.execution_context.context
        saved = self._saved_before(error)
        if saved is not None:
            message = f"the change was saved; reading it back failed: {message}"
            extensions = {**(extensions or {}), "committed": True, "written": saved}
        if getattr(context.settings, "environment", "production") != "development":
            message = _SUGGESTION.sub("", message)
        if message == error.message and extensions == error.extensions:
            return error
        return GraphQLError(
            message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=error.original_error,
            extensions=extensions,
        )

    def _saved_before(self, error: GraphQLError) -> list[str] | None:
        """The ids a mutation saved before this error struck its answer, or None.

        An answer built after the commit can still fail (the pool, a dropped connection): the
        client must learn that the write happened, and of what, rather than retry it.
        """
        execution = self.execution_context
        session = getattr(execution.context, "session", None)
        if (
            execution.operation_type is not OperationType.MUTATION
            or session is None
            or len(error.path or ()) < 2
        ):
            return None
        return saved_by(session)


def token_limit_extensions(error: GraphQLError) -> dict[str, Any] | None:
    """The parser's token limit, said as our other bounds are."""
    tokens = _TOO_MANY_TOKENS.search(error.message)
    if tokens is None:
        return None
    return {"code": "LIMIT_EXCEEDED", "bound": "tokens", "limit": int(tokens[1])}


class ParsingAndIntrospection(SchemaExtension):
    """Per deployment: the token limit the parser enforces, and whether introspection is on."""

    def on_operation(self) -> Iterator[None]:
        execution = self.execution_context
        settings = execution.context.settings
        execution.parse_options["max_tokens"] = settings.max_query_tokens
        if not settings.introspection_enabled:
            execution.validation_rules = (
                *execution.validation_rules,
                NoSchemaIntrospectionCustomRule,
            )
        yield


@lru_cache(maxsize=256)
def parsed(
    query: str, max_tokens: int, max_field_repeats: int, max_directives: int
) -> tuple[DocumentNode, tuple[str, int, int] | None]:
    """A document parsed once, with the first repetition bound it passes (or None).

    Bounded, like Strawberry's own caches, so unique documents cannot grow it without end; a
    syntax error is raised, not kept.
    """
    document = parse(query, max_tokens=max_tokens)
    problem = repetition_exceeded(
        document, max_field_repeats=max_field_repeats, max_directives=max_directives
    )
    return document, problem


def _parsed_for(execution: Any) -> tuple[DocumentNode, tuple[str, int, int] | None]:
    settings = execution.context.settings
    return parsed(
        execution.query,
        settings.max_query_tokens,
        settings.max_field_repeats,
        settings.max_directives,
    )


class ParseOnce(SchemaExtension):
    """A repeated document is not parsed again, nor its repetition bounds counted again."""

    def on_parse(self) -> Iterator[None]:
        execution = self.execution_context
        execution.graphql_document = _parsed_for(execution)[0]
        yield


class RepetitionThenValidation(ValidationCache):
    """Refuses a document with too many copies of a field or directives, before validating it.

    Validation (cached per document) then runs only on documents within those bounds.
    """

    def on_validate(self) -> Iterator[None]:
        execution = self.execution_context
        assert execution.graphql_document is not None
        problem = _parsed_for(execution)[1]
        if problem is None:
            yield from super().on_validate()
            return
        execution.pre_execution_errors = [over_bound(*problem)]
        yield
