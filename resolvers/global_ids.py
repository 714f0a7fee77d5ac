"""Global ids in, database ids out: refused by argument name in queries, by input path in inputs.

node(id) and nodes(ids) live here too: any id that names nothing answers null.
"""

import asyncio
from collections.abc import Sequence
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.relay.types import GlobalIDValueError

from app.context import Info
from app.domain.errors import DomainError, InputPath, NotFound
from graphql_schema.errors import QueryInputError
from graphql_schema.rows import row_id

MAX_IDS = 1000  # ids in one list argument


def decode_id(global_id: relay.GlobalID | str, expected: str, *, argument: str) -> int:
    """The row id; a query argument typed ID arrives as text so a malformed one names it."""
    if isinstance(global_id, str):
        try:
            global_id = relay.GlobalID.from_id(global_id)
        except GlobalIDValueError:
            raise QueryInputError(argument, "malformed id") from None
    if global_id.type_name != expected:
        raise QueryInputError(
            argument, f"expected {_noun(expected)} id, got {_noun(global_id.type_name)} id"
        )
    value = row_id(global_id.node_id)
    if value is None:
        raise QueryInputError(argument, "malformed id")
    return value


def decode_ids(
    global_ids: Sequence[relay.GlobalID | str] | None, expected: str, *, argument: str
) -> list[int] | None:
    if global_ids is None:
        return None
    if len(global_ids) > MAX_IDS:
        raise QueryInputError(argument, f"at most {MAX_IDS} ids, got {len(global_ids)}")
    return [decode_id(global_id, expected, argument=argument) for global_id in global_ids]


def input_id(global_id: relay.GlobalID, expected: str, path: InputPath) -> int:
    """An id inside a mutation input: a wrong type reads as NOT_FOUND, like a missing row."""
    value = id_of(global_id, expected)
    if value is None:
        raise NotFound(f"no {expected} with this id", path=path)
    return value


def id_of(global_id: relay.GlobalID, expected: str) -> int | None:
    """The row id, or None for an id of another type or one that cannot be ours."""
    return row_id(global_id.node_id) if global_id.type_name == expected else None


def optional_input_id(
    global_id: relay.GlobalID | None, expected: str, path: InputPath, errors: list[DomainError]
) -> int | None:
    """Like input_id, but a bad id is added to `errors` so every problem is reported at once."""
    if global_id is None:
        return None
    try:
        return input_id(global_id, expected, path)
    except NotFound as error:
        errors.append(error)
        return None


def _noun(type_name: str) -> str:
    article = "an" if type_name[:1].upper() in "AEIOU" else "a"
    return f"{article} {type_name}"


async def node(
    info: Info,
    id: Annotated[strawberry.ID, strawberry.argument(description="The ID of the object.")],
) -> relay.Node | None:
    """Null for any id that names nothing here: missing, malformed, or of an unknown type."""
    global_id = _node_id(info, id)
    return None if global_id is None else await global_id.resolve_node(info, required=False)


async def nodes(
    info: Info,
    ids: Annotated[list[strawberry.ID], strawberry.argument(description="The IDs of the objects.")],
) -> list[relay.Node | None]:
    """Each id as node(id) answers it, in the order given (the loaders batch the lookups)."""
    if len(ids) > MAX_IDS:
        raise QueryInputError("ids", f"at most {MAX_IDS} ids, got {len(ids)}")
    return list(await asyncio.gather(*(node(info, each) for each in ids)))


def _node_id(info: Info, id: str) -> relay.GlobalID | None:
    """The global id when it names a Node type of this schema; Strawberry would raise instead."""
    try:
        global_id = relay.GlobalID.from_id(id)
        global_id.resolve_type(info)
    except GlobalIDValueError:
        return None
    return global_id
