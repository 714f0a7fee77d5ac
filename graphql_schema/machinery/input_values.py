"""Input values PostgreSQL cannot store or compare, or too long to be sensible, refused up front.

In mutation inputs they are INVALID on their input path; in query arguments, an error naming
the argument. Every text reaches SQL somewhere (a column, a lookup, a search, an event's JSON
details), so one walk over all the arguments catches a NUL, a lone surrogate or a text over its
length wherever it is; and an instant or a day outside the years the API stores.

A search term (any argument or input field named `search`) may be SEARCH_MAX characters long,
any other text TEXT_MAX.
"""

from collections.abc import Mapping
from datetime import date
from typing import Any

from strawberry import Some
from strawberry.extensions import FieldExtension

from app.domain.errors import DomainError, InputPath, Invalid
from app.domain.storable import SEARCH_MAX, TEXT_MAX, instant_problem, text_problem
from graphql_schema.errors import QueryInputError, UserError, input_path
from graphql_schema.machinery.library_internals import (
    StrawberryField,
    definition_of,
    has_object_definition,
)


def unstorable_values(
    value: Any, path: InputPath = (), max_length: int = TEXT_MAX
) -> list[DomainError]:
    """INVALID on every value in `value` (an input object, list or JSON) the API cannot hold."""
    if isinstance(value, str):
        problem = text_problem(value, max_length)
        return [] if problem is None else [Invalid(problem, path=path)]
    if isinstance(value, date):
        problem = instant_problem(value)
        return [] if problem is None else [Invalid(problem, path=path)]
    if isinstance(value, Some):
        return unstorable_values(value.value, path, max_length)
    if isinstance(value, list | tuple):
        return [
            e
            for i, item in enumerate(value)
            for e in unstorable_values(item, (*path, i), max_length)
        ]
    if isinstance(value, Mapping):  # a JSON argument: its keys are stored too
        return [
            e
            for key, item in value.items()
            for e in [*unstorable_values(str(key), path), *unstorable_values(item, (*path, key))]
        ]
    if has_object_definition(value):
        return [
            e
            for field in definition_of(value).fields
            for e in unstorable_values(
                getattr(value, field.python_name, None),
                (*path, field.graphql_name or field.python_name),
                max_length_of(field.python_name),
            )
        ]
    return []  # numbers, enums, and global ids (decoded and checked on their own)


def max_length_of(name: str) -> int:
    return SEARCH_MAX if name == "search" else TEXT_MAX


class RefuseUnstorableTexts(FieldExtension):
    """Answers a mutation's payload with those errors instead of running it.

    Innermost, so the field's permission check still runs first.
    """

    async def resolve_async(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        errors = unstorable_values(kwargs.get("input"))
        if errors:
            return self._payload(errors)
        return await next_(source, info, **kwargs)

    def resolve(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        errors = unstorable_values(kwargs.get("input"))
        if errors:
            return self._payload(errors)
        return next_(source, info, **kwargs)

    def _payload(self, errors: list[DomainError]) -> Any:
        payload: Any = self.field.type  # every mutation payload has `errors` and defaults elsewhere
        return payload(errors=[UserError.from_domain(error) for error in errors])

    def apply(self, field: StrawberryField) -> None:
        self.field = field


def refuse_unstorable_values(mutation: type, *, checked_per_item: set[str]) -> None:
    """Put the check on every mutation but those that check each of their items themselves.

    One bad order in a bulk import fails that order, not the call.
    """
    for field in definition_of(mutation).fields:
        if field.python_name not in checked_per_item:
            field.extensions.insert(0, RefuseUnstorableTexts())


def refuse_unstorable_arguments(arguments: Mapping[str, Any]) -> None:
    """Raise for the first query argument holding such a text, naming it (e.g. filter.search)."""
    for name, value in arguments.items():
        problems = unstorable_values(value, (name,), max_length_of(name))
        if problems:
            raise QueryInputError(input_path(problems[0].path), problems[0].message)


class RefuseUnstorableArguments(FieldExtension):
    """Refuses a query field whose arguments hold such a text, before its resolver runs."""

    async def resolve_async(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        refuse_unstorable_arguments(kwargs)
        return await next_(source, info, **kwargs)

    def resolve(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        refuse_unstorable_arguments(kwargs)
        return next_(source, info, **kwargs)


def refuse_unstorable_arguments_of(query: type) -> None:
    """Put the check on every root query field, innermost so permissions still run first."""
    for field in definition_of(query).fields:
        field.extensions.insert(0, RefuseUnstorableArguments())
