"""Repetition a document may hold: copies of one field in a selection set, directives on a node.

Checked before validation, whose overlap rule compares every pair of same-named fields (500
copies are 125,000 comparisons) and which reports each unknown directive as an error of its own.
"""

from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
    Visitor,
    visit,
)


class _Counter(Visitor):
    def __init__(self, fragments: dict[str, FragmentDefinitionNode]) -> None:
        super().__init__()
        self.fragments = fragments
        self.field_repeats = 0  # the most copies of one response key in one merged selection set
        self.directives = 0  # the most directives on one node

    def enter_selection_set(self, node: SelectionSetNode, *_: Any) -> None:
        """Counts the keys the executor merges here: through inline fragments and spreads too.

        Each named fragment is opened once per selection set, as the executor collects it once.
        """
        counts: dict[str, int] = {}
        pending, opened = [node], set()
        while pending:
            for selection in pending.pop().selections:
                if isinstance(selection, FieldNode):
                    key = (selection.alias or selection.name).value
                    counts[key] = counts.get(key, 0) + 1
                elif isinstance(selection, InlineFragmentNode):
                    pending.append(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    if name not in opened and name in self.fragments:
                        opened.add(name)
                        pending.append(self.fragments[name].selection_set)
        self.field_repeats = max(self.field_repeats, *counts.values(), 0)

    def enter(self, node: Any, *_: Any) -> None:
        self.directives = max(self.directives, len(getattr(node, "directives", None) or ()))


def repetition_exceeded(
    document: DocumentNode, *, max_field_repeats: int, max_directives: int
) -> tuple[str, int, int] | None:
    """The first repetition bound the document passes, as (name, actual, limit), or None."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    counter = _Counter(fragments)
    visit(document, counter)  # iterative: a deeply nested document cannot overflow the stack
    for name, actual, limit in (
        ("fieldRepeats", counter.field_repeats, max_field_repeats),
        ("directives", counter.directives, max_directives),
    ):
        if actual > limit:
            return name, actual, limit
    return None
