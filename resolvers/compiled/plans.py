"""Read plans: what the compiled path worked out for a document, kept for its next request.

Front ends and partners send the same few documents again and again with new variables. The
first request of a document parses, validates, measures and walks it; its plan keeps what does
not change from one request to the next (the nodes' selections, the cost when no variable sizes
a page), so later requests only bind their variables and run the statement. A plan is kept per
(document text, operation name), in a bounded LRU: unique documents cannot grow it without end.
"""

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    BREAK,
    ArgumentNode,
    DocumentNode,
    FieldNode,
    OperationDefinitionNode,
    VariableNode,
    Visitor,
    visit,
)

from app.settings import Settings
from graphql_schema.machinery.limits import Bounds, Measures

MAX_PLANS = 256
_PAGE_SIZES = frozenset({"first", "last"})


@dataclass(slots=True)
class ReadPlan:
    """One document's plan; `shapes` and `measures` fill in as its requests run."""

    document: DocumentNode
    operation_name: str | None  # as the request gave it
    operation: OperationDefinitionNode
    # no variable reaches below the root fields' own arguments: the shapes hold for any values
    fixed_shape: bool
    # no variable sizes a root page: the cost is the same for any values
    fixed_cost: bool
    # by the page sizes that shaped them, and the bounds that measured it: apps may differ
    shapes: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    measures: dict[Bounds, Measures] = field(default_factory=dict)
    answered: bool = False  # the compiled path answered it whole at least once

    def shapes_for_request(self, settings: Settings) -> dict[str, Any]:
        """Where a request keeps its roots' shapes: the plan's own when they hold for any values."""
        if not self.fixed_shape:
            return {}
        return self.shapes.setdefault((settings.default_page_size, settings.max_page_size), {})

    @property
    def only_operation(self) -> bool:
        """The document holds no other operation: asked for by its name or by none at all."""
        return sum(isinstance(d, OperationDefinitionNode) for d in self.document.definitions) == 1

    @property
    def name(self) -> str | None:
        """The operation's own name, as Strawberry reports it in logs and metrics."""
        return self.operation.name.value if self.operation.name else None


class PlanCache:
    """Plans by (document text, operation name), the least recently used dropped past `size`."""

    def __init__(self, size: int = MAX_PLANS) -> None:
        self.size = size
        self._plans: OrderedDict[tuple[str, str | None], ReadPlan] = OrderedDict()

    def plan_for(
        self, query: str, operation_name: str | None, document: DocumentNode
    ) -> ReadPlan | None:
        """The document's plan, made on its first request; None for a document it cannot plan."""
        key = (query, operation_name)
        plan = self._plans.get(key)
        if plan is not None and plan.document is document:
            self._plans.move_to_end(key)
            return plan
        plan = _planned(document, operation_name)
        if plan is not None:
            # a document of one operation is asked for by its name or by none at all
            keys = {key, (query, None), (query, plan.name)} if plan.only_operation else {key}
            for each in keys:
                self._plans[each] = plan
            while len(self._plans) > self.size:
                self._plans.popitem(last=False)
        return plan

    def answered(self, query: str, operation_name: str | None) -> ReadPlan | None:
        """The plan of a document the compiled path has answered, without parsing anything."""
        plan = self._plans.get((query, operation_name))
        if plan is None or not plan.answered:
            return None
        self._plans.move_to_end((query, operation_name))
        return plan

    def __len__(self) -> int:
        return len(self._plans)


PLANS = PlanCache()


def _planned(document: DocumentNode, operation_name: str | None) -> ReadPlan | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [
        operation
        for operation in operations
        if operation_name is None or (operation.name and operation.name.value == operation_name)
    ]
    if len(chosen) != 1:
        return None  # graphql-core reports it; nothing to plan
    operation = chosen[0]
    others = [d for d in document.definitions if d is not operation]
    root_fields = operation.selection_set.selections
    fixed_shape = not _has_variables(others) and all(
        isinstance(root, FieldNode)
        and not _has_variables(root.directives or ())
        and (root.selection_set is None or not _has_variables([root.selection_set]))
        for root in root_fields
    )
    fixed_cost = fixed_shape and not any(
        isinstance(root, FieldNode) and _sizes_by_variable(root.arguments or ())
        for root in root_fields
    )
    return ReadPlan(
        document,
        operation_name,
        operation,
        fixed_shape=fixed_shape,
        fixed_cost=fixed_cost,
    )


def _sizes_by_variable(arguments: Any) -> bool:
    return any(
        isinstance(argument, ArgumentNode)
        and argument.name.value in _PAGE_SIZES
        and _has_variables([argument.value])
        for argument in arguments
    )


class _FindsVariables(Visitor):
    found = False

    def enter_variable(self, node: VariableNode, *_: Any) -> Any:
        self.found = True
        return BREAK


def _has_variables(nodes: Any) -> bool:
    for node in nodes:
        finder = _FindsVariables()
        visit(node, finder)
        if finder.found:
            return True
    return False
