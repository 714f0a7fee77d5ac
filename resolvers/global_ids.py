"""Global ids in, database ids out: refused by argument name in queries, by input path in inputs."""

from strawberry import relay

from app.domain.errors import DomainError, InputPath, NotFound
from graphql_schema.errors import QueryInputError


def decode_id(global_id: relay.GlobalID, expected: str, *, argument: str) -> int:
    if global_id.type_name != expected:
        raise QueryInputError(
            argument, f"expected {_noun(expected)} id, got {_noun(global_id.type_name)} id"
        )
    if not global_id.node_id.isdigit():
        raise QueryInputError(argument, "malformed id")
    return int(global_id.node_id)


def decode_ids(
    global_ids: list[relay.GlobalID] | None, expected: str, *, argument: str
) -> list[int] | None:
    if global_ids is None:
        return None
    return [decode_id(global_id, expected, argument=argument) for global_id in global_ids]


def input_id(global_id: relay.GlobalID, expected: str, path: InputPath) -> int:
    """An id inside a mutation input: a wrong type reads as NOT_FOUND, like a missing row."""
    if global_id.type_name != expected or not global_id.node_id.isdigit():
        raise NotFound(f"no {expected} with this id", path=path)
    return int(global_id.node_id)


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
