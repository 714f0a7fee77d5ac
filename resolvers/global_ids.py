"""Global ids in, database ids out: refused by argument name in queries, by input path in inputs."""

from strawberry import relay

from app.domain.errors import DomainError, InputPath, NotFound
from graphql_schema.errors import QueryInputError
from graphql_schema.rows import row_id

MAX_IDS = 1000  # ids in one list argument


def decode_id(global_id: relay.GlobalID, expected: str, *, argument: str) -> int:
    if global_id.type_name != expected:
        raise QueryInputError(
            argument, f"expected {_noun(expected)} id, got {_noun(global_id.type_name)} id"
        )
    value = row_id(global_id.node_id)
    if value is None:
        raise QueryInputError(argument, "malformed id")
    return value


def decode_ids(
    global_ids: list[relay.GlobalID] | None, expected: str, *, argument: str
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
