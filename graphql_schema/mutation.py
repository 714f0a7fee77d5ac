"""Mutation root: the reference-data and order mutations, bound in their own modules."""

import strawberry

from graphql_schema.order_mutation import OrderMutation
from graphql_schema.reference_mutation import ReferenceMutation


@strawberry.type
class Mutation(OrderMutation, ReferenceMutation):
    pass
