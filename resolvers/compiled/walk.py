"""Walking one GraphQL operation for the compiled read path: fields, arguments, types."""

from dataclasses import dataclass
from functools import cache
from typing import Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    OperationType,
    get_argument_values,
    get_named_type,
)
from graphql.utilities import get_operation_ast
from strawberry import Schema

from app.settings import Settings
from graphql_schema.machinery.library_internals import (
    FieldDetails,
    FragmentDetails,
    StrawberryField,
    StrawberryObjectDefinition,
    VariableValues,
    collect_subfields,
    get_variable_values,
    graphql_schema_of,
)


class NotCompilable(Exception):
    """The query needs something only the reference path does."""


@dataclass(frozen=True, slots=True)
class Walk:
    """What collecting fields needs, for one operation."""

    schema: Schema
    fragments: dict[str, FragmentDetails]
    variables: VariableValues
    operation: Any
    settings: Settings

    @property
    def graphql(self) -> GraphQLSchema:
        return graphql_schema_of(self.schema)

    def subfields(
        self, parent_type: GraphQLObjectType, details: list[FieldDetails]
    ) -> dict[str, list[FieldDetails]]:
        collected = collect_subfields(
            self.graphql, self.fragments, self.variables, self.operation, parent_type, details
        )
        if collected.new_defer_usages or collected.forbidden_directive_instances:
            raise NotCompilable("@defer")
        return collected.grouped_field_set


def walk_for(
    schema: Schema,
    document: DocumentNode,
    operation_name: str | None,
    raw_variables: dict[str, Any] | None,
    settings: Settings,
) -> Walk | None:
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation is not OperationType.QUERY:
        return None
    variables = get_variable_values(
        graphql_schema_of(schema), operation.variable_definitions or (), raw_variables or {}
    )
    if not isinstance(variables, VariableValues):
        return None  # the reference path reports the variables' errors
    fragments = {
        definition.name.value: FragmentDetails(definition)
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    return Walk(schema, fragments, variables, operation, settings)


def field_arguments(walk: Walk, field: GraphQLField, details: list[FieldDetails]) -> dict[str, Any]:
    """The field's coerced arguments; one response key must not ask with two sets of them."""
    if len({detail.node.arguments for detail in details}) > 1:
        raise NotCompilable("one response key with differing arguments")
    return get_argument_values(field, details[0].node, walk.variables)


def object_type(type_: Any) -> GraphQLObjectType:
    named = get_named_type(type_)
    if not isinstance(named, GraphQLObjectType):
        raise NotCompilable(f"{named.name} is abstract")
    return named


@cache
def strawberry_fields(type_name: str, schema: Schema) -> dict[str, StrawberryField]:
    """A type's Strawberry fields by GraphQL name."""
    definition = schema.get_type_by_name(type_name)
    if not isinstance(definition, StrawberryObjectDefinition):
        raise NotCompilable(type_name)
    converter = schema.config.name_converter
    return {converter.get_graphql_name(field): field for field in definition.fields}
