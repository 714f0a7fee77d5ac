"""The schema object: `strawberry export-schema graphql_schema.schema:schema` points here."""

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.types import ExecutionContext

from graphql_schema.agents.types import Agent
from graphql_schema.clients.types import Address, Client
from graphql_schema.companies.types import Company
from graphql_schema.errors import should_mask
from graphql_schema.extensions import ClientErrors, ParsingAndIntrospection, QueryBudget
from graphql_schema.mutation import Mutation
from graphql_schema.orders.events import OrderEvent
from graphql_schema.orders.shipments import Delivery, Return
from graphql_schema.orders.types import Order, OrderLine
from graphql_schema.payment_methods.types import PaymentMethod
from graphql_schema.products.types import Product
from graphql_schema.query import Query
from graphql_schema.seasons.types import Season

NODE_TYPES = [
    Address, Agent, Client, Company, Delivery, Order, OrderEvent, OrderLine,
    PaymentMethod, Product, Return, Season,
]  # fmt: skip


class OrdersSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log only the unexpected errors (MaskErrors already did, with the request id)."""
        return


schema = OrdersSchema(
    query=Query,
    mutation=Mutation,
    types=NODE_TYPES,
    extensions=[
        ParsingAndIntrospection,
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        QueryBudget,
        lambda: ClientErrors(should_mask_error=should_mask),
    ],
)
