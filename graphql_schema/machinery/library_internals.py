"""Every use of Strawberry's and graphql-core's internals, each with why: the one place to check.

These are not their public APIs and may change in any release; pyproject.toml therefore bounds
both libraries above, and tests/test_layout.py fails when another module reaches for
them directly. An upgrade means reading this module against the new release.
"""

from typing import Annotated, Any, ForwardRef, get_args, get_origin

# graphql-core: how an operation's fields are grouped, fragments and @skip/@include applied, as
# execution does it. The compiled read path walks a query exactly as execution would.
from graphql.execution.collect_fields import (
    FieldDetails,
    FragmentDetails,
    collect_fields,
    collect_subfields,
)

# graphql-core: variables coerced as execution coerces them (defaults, nulls, errors).
from graphql.execution.values import VariableValues, get_variable_values
from graphql.type import GraphQLSchema
from strawberry import Schema

# Strawberry: a query's arguments turned into Python values (inputs, enums, scalars) exactly as
# its resolvers receive them, so both read paths see the same arguments.
from strawberry.types.arguments import InputContext, convert_arguments

# Strawberry: a type's definition (its fields, their Python names, resolvers and permissions),
# for the checks that walk the schema (input bounds, the compiled path's field map).
from strawberry.types.base import (
    StrawberryList,
    StrawberryObjectDefinition,
    StrawberryOptional,
    has_object_definition,
)

# Strawberry: a field as it declared it (Python name, resolver, permissions, extensions).
from strawberry.types.field import StrawberryField

# Strawberry: the operation's type as its execution context reports it.
from strawberry.types.graphql import OperationType

# Strawberry: a type named by its module (bulk inputs refer to types defined later), and where a
# `strawberry.lazy` annotation points, for the graph fields that build its objects.
from strawberry.types.lazy_type import LazyType, StrawberryLazyReference

# Strawberry: the type of UNSET, for the WebSocket hook's return annotation Strawberry declares.
from strawberry.types.unset import UnsetType

__all__ = [
    "FieldDetails",
    "FragmentDetails",
    "InputContext",
    "LazyType",
    "OperationType",
    "StrawberryField",
    "StrawberryList",
    "StrawberryObjectDefinition",
    "StrawberryOptional",
    "UnsetType",
    "VariableValues",
    "collect_fields",
    "collect_subfields",
    "convert_arguments",
    "definition_of",
    "get_variable_values",
    "graphql_schema_of",
    "has_object_definition",
    "runtime_class",
    "scalar_registry_of",
]


def graphql_schema_of(schema: Schema) -> GraphQLSchema:
    """The graphql-core schema Strawberry built: validation, cost and the compiled walk need it."""
    return schema._schema


def definition_of(strawberry_type: Any) -> StrawberryObjectDefinition:
    """A Strawberry type's (or value's) definition: its fields as Strawberry holds them."""
    definition: StrawberryObjectDefinition = strawberry_type.__strawberry_definition__
    return definition


def scalar_registry_of(schema: Schema) -> Any:
    """The schema's scalars, which convert_arguments needs to parse custom scalar arguments."""
    return schema.schema_converter.scalar_registry


def runtime_class(annotation: Any) -> type:
    """The class behind a type or a `strawberry.lazy` annotation (its module is imported then)."""
    if get_origin(annotation) is Annotated:
        name, *extras = get_args(annotation)
        for extra in extras:
            if isinstance(extra, StrawberryLazyReference):
                reference = name if isinstance(name, ForwardRef) else ForwardRef(name)
                resolved: type = extra.resolve_forward_ref(reference).resolve_type()
                return resolved
    return annotation
