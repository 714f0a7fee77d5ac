"""Schema extensions guarding the edge: query bounds, the per-key budget, and error hygiene."""

import logging
import re
import time
from collections.abc import Iterator
from typing import Any

from graphql import ExecutionResult, GraphQLError, NoSchemaIntrospectionCustomRule
from strawberry.extensions import MaskErrors, SchemaExtension

from app.observability import request_id_var
from graphql_schema.limits import Bounds, exceeded, measure

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
        settings = context.settings
        bounds = Bounds(
            max_depth=settings.max_query_depth,
            max_aliases=settings.max_query_aliases,
            max_cost=settings.max_query_cost,
            default_page=settings.default_page_size,
            list_factor=settings.list_cost_factor,
        )
        assert execution.graphql_document is not None
        measures = measure(
            execution.schema._schema,
            execution.graphql_document,
            execution.operation_name,
            execution.variables,
            bounds,
        )
        self._report = {"requestedQueryCost": measures.cost}
        problem = exceeded(measures, bounds)
        if problem is not None:
            name, actual, limit = problem
            execution.result = _refusal(
                f"query {name} is {actual}, over the limit of {limit}",
                {"code": "LIMIT_EXCEEDED", "bound": name, "actual": actual, "limit": limit},
            )
        elif context.rate_limiter is not None:
            self._charge(context, measures.cost)

    def _charge(self, context: Any, cost: int) -> None:
        limiter = context.rate_limiter
        decision = limiter.spend(context.principal.key_id, cost, time.monotonic())
        self._report["throttleStatus"] = {
            "maximumAvailable": limiter.capacity,
            "currentlyAvailable": round(decision.remaining),
            "restoreRate": limiter.restore_rate,
        }
        if not decision.allowed:
            wait = round(decision.wait_s, 2)
            self.execution_context.result = _refusal(
                f"query cost {cost} is over the {round(decision.remaining)} points available;"
                f" retry in {wait} s",
                {"code": "THROTTLED", "retryAfterSeconds": wait},
            )

    def get_results(self) -> dict[str, Any]:
        return {"cost": self._report} if self._report else {}


def _refusal(message: str, extensions: dict[str, Any]) -> ExecutionResult:
    return ExecutionResult(data=None, errors=[GraphQLError(message, extensions=extensions)])


_SUGGESTION = re.compile(r" Did you mean .*\?$")
_TOO_MANY_TOKENS = re.compile(r"Document contains more than (\d+) tokens")


class ClientErrors(MaskErrors):
    """What clients see of errors.

    Unexpected errors are masked (with the request id that finds them in the log), the token
    limit gets its LIMIT_EXCEEDED code, and "Did you mean" hints go outside development.
    """

    def __init__(self, *, should_mask_error: Any) -> None:
        super().__init__(should_mask_error=should_mask_error, error_message="Internal error")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL", "requestId": request_id_var.get()}
        return masked

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [self._polish(error) for error in super()._process_errors(errors)]

    def _polish(self, error: GraphQLError) -> GraphQLError:
        tokens = _TOO_MANY_TOKENS.search(error.message)
        if tokens:
            error.extensions = {
                "code": "LIMIT_EXCEEDED",
                "bound": "tokens",
                "limit": int(tokens[1]),
            }
        context = self.execution_context.context
        if getattr(context.settings, "environment", "production") != "development":
            error.message = _SUGGESTION.sub("", error.message)
        return error


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
