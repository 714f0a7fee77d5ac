"""Repetition a document may hold: copies of one field in a selection set, directives on a node.

Checked before validation, whose overlap rule compares every pair of same-named fields (500
copies are 125,000 comparisons) and which reports each unknown directive as an error of its own.
"""

from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    SelectionSetNode,
    Visitor,
    visit,
)


class _Counter(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.field_repeats = 0  # the most copies of one response key in one selection set
        self.directives = 0  # the most directives on one node

    def enter_selection_set(self, node: SelectionSetNode, *_: Any) -> None:
        counts: dict[str, int] = {}
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                key = (selection.alias or selection.name).value
                counts[key] = counts.get(key, 0) + 1
        self.field_repeats = max(self.field_repeats, *counts.values(), 0)

    def enter(self, node: Any, *_: Any) -> None:
        self.directives = max(self.directives, len(getattr(node, "directives", None) or ()))


def repetition_exceeded(
    document: DocumentNode, *, max_field_repeats: int, max_directives: int
) -> tuple[str, int, int] | None:
    """The first repetition bound the document passes, as (name, actual, limit), or None."""
    counter = _Counter()
    visit(document, counter)  # iterative: a deeply nested document cannot overflow the stack
    for name, actual, limit in (
        ("fieldRepeats", counter.field_repeats, max_field_repeats),
        ("directives", counter.directives, max_directives),
    ):
        if actual > limit:
            return name, actual, limit
    return None
