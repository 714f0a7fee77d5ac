"""Global ids in, database ids out, refusing an id of the wrong type by argument name."""

from strawberry import relay

from graphql_schema.errors import QueryInputError


def decode_id(global_id: relay.GlobalID, expected: str, *, argument: str) -> int:
    if global_id.type_name != expected:
        raise QueryInputError(
            argument, f"expected an id of a {expected}, got one of a {global_id.type_name}"
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
