"""What a query may cost before it runs: depth, aliases and an estimated node count.

The estimate is GitHub's: a connection multiplies everything below it by its page size (first or
last, else the default), a plain list by a fixed factor, and the cost is the sum over every
object the query could return. Introspection fields cost a flat amount, and count for depth
like any other field (a chain of `ofType` is as deep as it looks).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
)

INTROSPECTION_COST = 100  # per __schema or __type field, whatever it selects
INTROSPECTION_TYPES = {"__schema": "__Schema", "__type": "__Type"}


@dataclass(frozen=True, slots=True)
class Measures:
    depth: int
    aliases: int
    cost: int
    # selections the walk looked at: at most the document's, however its fragments nest
    visited: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Bounds:
    max_depth: int
    max_aliases: int
    max_cost: int
    default_page: int
    list_factor: int


def exceeded(measures: Measures, bounds: Bounds) -> tuple[str, int, int] | None:
    """The first bound the query passes, as (name, actual, limit), or None."""
    for name, actual, limit in (
        ("depth", measures.depth, bounds.max_depth),
        ("aliases", measures.aliases, bounds.max_aliases),
        ("cost", measures.cost, bounds.max_cost),
    ):
        if actual > limit:
            return name, actual, limit
    return None


def measure(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    bounds: Bounds,
) -> Measures:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    operation = next(
        (op for op in operations if op.name and op.name.value == operation_name),
        operations[0] if operations else None,
    )
    if operation is None:
        return Measures(0, 0, 0)
    root = schema.get_root_type(operation.operation)
    walker = _Walker(schema, document, _variables(operation, variables), bounds)
    depth, cost = walker.walk(operation.selection_set, root, depth=0, factor=1)
    return Measures(depth=depth, aliases=walker.aliases, cost=cost, visited=walker.visited)


def _variables(
    operation: OperationDefinitionNode, given: Mapping[str, Any] | None
) -> dict[str, Any]:
    values = {
        definition.variable.name.value: _literal(definition.default_value, {})
        for definition in operation.variable_definitions or ()
        if definition.default_value is not None
    }
    return values | dict(given or {})


def _literal(node: Any, variables: Mapping[str, Any]) -> Any:
    if isinstance(node, IntValueNode):
        return int(node.value)
    if isinstance(node, VariableNode):
        return variables.get(node.name.value)
    if isinstance(node, ListValueNode):
        return [_literal(value, variables) for value in node.values or ()]
    return None


class _Walker:
    """Walks the operation once, and every named fragment's body at most once.

    Each named fragment is measured a single time, at depth 0 and factor 1, and its numbers
    are shifted and scaled wherever it is spread (depth adds, cost is linear in the factor,
    aliases add up), so a document whose fragments spread each other twice per level costs
    time in its size, not in 2 to the power of its levels. As the executor does, a fragment
    spread again within one selection set (its fields already collected there) adds nothing.
    """

    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        variables: Mapping[str, Any],
        bounds: Bounds,
    ) -> None:
        self.schema = schema
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.variables = variables
        self.bounds = bounds
        self.aliases = 0
        self.visited = 0
        self._measured: dict[str, Measures] = {}  # per fragment: at depth 0 and factor 1
        self._open: set[str] = set()  # fragments being measured: seen again, a cycle ends

    def walk(
        self,
        selections: SelectionSetNode,
        parent: Any,
        *,
        depth: int,
        factor: int,
        collected: set[str] | None = None,
    ) -> tuple[int, int]:
        """(deepest level reached, cost) of a selection set under `parent`.

        `collected` names the fragments already spread into this selection set (through
        inline fragments too): like the executor, a second spread of one contributes nothing.
        """
        collected = set() if collected is None else collected
        deepest, cost = depth, 0
        for selection in selections.selections or ():
            self.visited += 1
            if isinstance(selection, FieldNode):
                level, spent = self._field(selection, parent, depth, factor)
            elif isinstance(selection, FragmentSpreadNode):
                level, spent = self._spread(selection, depth, factor, collected)
            else:  # the one other kind of selection
                inline = cast(InlineFragmentNode, selection)
                level, spent = self._inline(inline, parent, depth, factor, collected)
            deepest, cost = max(deepest, level), cost + spent
        return deepest, cost

    def _field(self, node: FieldNode, parent: Any, depth: int, factor: int) -> tuple[int, int]:
        self.aliases += node.alias is not None
        if node.name.value in INTROSPECTION_TYPES:
            # Introspection answers are big but bounded: a flat cost; the walk, at factor 0,
            # only measures the depth
            named = self.schema.get_type(INTROSPECTION_TYPES[node.name.value])
            if node.selection_set is None:
                return depth + 1, factor * INTROSPECTION_COST
            level, _ = self.walk(node.selection_set, named, depth=depth + 1, factor=0)
            return level, factor * INTROSPECTION_COST
        definition = getattr(parent, "fields", {}).get(node.name.value)
        if definition is None or node.selection_set is None:
            return depth + 1, 0
        named = get_named_type(definition.type)
        own = factor * self._multiplier(node, definition, parent)
        level, below = self.walk(node.selection_set, named, depth=depth + 1, factor=own)
        return level, own + below

    def _inline(
        self,
        node: InlineFragmentNode,
        parent: Any,
        depth: int,
        factor: int,
        collected: set[str],
    ) -> tuple[int, int]:
        condition = node.type_condition
        target = parent if condition is None else self.schema.get_type(condition.name.value)
        return self.walk(
            node.selection_set, target, depth=depth, factor=factor, collected=collected
        )

    def _spread(
        self, node: FragmentSpreadNode, depth: int, factor: int, collected: set[str]
    ) -> tuple[int, int]:
        name = node.name.value
        if name in collected or name in self._open or name not in self.fragments:
            return depth, 0
        collected.add(name)
        unit = self._measured.get(name)
        if unit is None:
            unit = self._measured[name] = self._measure_fragment(name)
        self.aliases += unit.aliases
        return depth + unit.depth, factor * unit.cost

    def _measure_fragment(self, name: str) -> Measures:
        """The fragment's own numbers, spread at depth 0 with factor 1.

        Its nested spreads are collected afresh here, so one its parent selection set already
        holds is counted again: an overestimate, never an underestimate.
        """
        fragment = self.fragments[name]
        target = self.schema.get_type(fragment.type_condition.name.value)
        aliases_before = self.aliases
        self._open.add(name)
        depth, cost = self.walk(fragment.selection_set, target, depth=0, factor=1, collected={name})
        self._open.discard(name)
        aliases, self.aliases = self.aliases - aliases_before, aliases_before  # counted per spread
        return Measures(depth=depth, aliases=aliases, cost=cost)

    def _multiplier(self, node: FieldNode, definition: Any, parent: Any) -> int:
        arguments = {
            arg.name.value: _literal(arg.value, self.variables) for arg in node.arguments or ()
        }
        if "first" in definition.args or "last" in definition.args:
            given = [arguments.get(name) for name in ("first", "last")]
            size = next((n for n in given if n is not None), self.bounds.default_page)
            return max(int(size), 1)
        if not is_list_type(get_nullable_type(definition.type)):
            return 1
        if node.name.value in ("edges", "nodes") and parent.name.endswith("Connection"):
            return 1  # the connection already counted its page
        if isinstance(arguments.get("ids"), list):
            return max(len(arguments["ids"]), 1)
        return self.bounds.list_factor
