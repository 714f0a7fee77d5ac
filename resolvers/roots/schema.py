"""The schema object: `strawberry export-schema resolvers.roots.schema:schema` points here."""

import strawberry
from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.types import ExecutionContext

from graphql_schema.agents.types import Agent
from graphql_schema.bulk_operations.types import BulkOperation
from graphql_schema.clients.types import Address, Client
from graphql_schema.companies.types import Company
from graphql_schema.errors import should_mask
from graphql_schema.machinery.extensions import (
    ClientErrors,
    Observed,
    ParseOnce,
    ParsingAndIntrospection,
    QueryBudget,
    RepetitionThenValidation,
    token_limit_extensions,
)
from graphql_schema.orders.events import OrderEvent
from graphql_schema.orders.shipments import Delivery, Return
from graphql_schema.orders.types import Order, OrderLine
from graphql_schema.payment_methods.types import PaymentMethod
from graphql_schema.products.types import Product
from graphql_schema.seasons.types import Season
from resolvers.compiled.extension import CompiledReads
from resolvers.roots.mutation import Mutation
from resolvers.roots.query import Query
from resolvers.roots.subscription import Subscription

NODE_TYPES = [
    Address, Agent, BulkOperation, Client, Company, Delivery, Order, OrderEvent, OrderLine,
    PaymentMethod, Product, Return, Season,
]  # fmt: skip


class OrdersSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log only the unexpected errors (MaskErrors does, with the request id).

        Errors raised before the operation's extensions run (the parser's: its token limit,
        syntax, nesting) only pass through here, so this is where they get their code.
        """
        for error in errors:
            extensions = token_limit_extensions(error)
            if extensions is not None:
                error.extensions = extensions
            elif isinstance(error, GraphQLSyntaxError) and not error.extensions:
                error.extensions = {"code": "INVALID"}


schema = OrdersSchema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    types=NODE_TYPES,
    extensions=[
        Observed,
        ParsingAndIntrospection,
        ParseOnce,
        lambda: RepetitionThenValidation(maxsize=256),
        QueryBudget,
        CompiledReads,
        lambda: ClientErrors(should_mask_error=should_mask),
    ],
)
