"""Query root: binds each field to its resolver."""

import strawberry
from strawberry import relay

from graphql_schema.agents.types import Agent
from graphql_schema.bulk_operations.types import BulkOperation
from graphql_schema.clients.types import Client
from graphql_schema.companies.types import Company
from graphql_schema.connection import Connection
from graphql_schema.input_values import refuse_unstorable_arguments_of
from graphql_schema.orders.types import Order
from graphql_schema.payment_methods.types import PaymentMethod
from graphql_schema.permissions import BulkWrite, OrderRead, WebhookManage
from graphql_schema.products.types import Product
from graphql_schema.seasons.types import Season
from graphql_schema.webhooks.types import WebhookEndpoint
from resolvers import global_ids
from resolvers.bulk_operations import queries as bulk_operation_queries
from resolvers.orders import queries as order_queries
from resolvers.reference import queries as reference_queries
from resolvers.webhooks import queries as webhook_queries


@strawberry.type
class Query:
    node: relay.Node | None = strawberry.field(
        resolver=global_ids.node,
        description="Any object by its global id.",
        permission_classes=[OrderRead],
    )
    nodes: list[relay.Node | None] = strawberry.field(
        resolver=global_ids.nodes,
        description="Several objects by global id.",
        permission_classes=[OrderRead],
    )

    order: Order | None = strawberry.field(
        permission_classes=[OrderRead],
        resolver=order_queries.order,
        description="One order, by global id or by number (add companyId when numbers clash).",
    )
    orders: Connection[Order] = strawberry.field(
        permission_classes=[OrderRead],
        resolver=order_queries.orders,
        description="Orders, filtered and keyset-paged; newest first unless orderBy says else.",
    )
    bulk_operation: BulkOperation | None = strawberry.field(
        permission_classes=[BulkWrite],
        resolver=bulk_operation_queries.bulk_operation,
        description="One of your background jobs, with its progress and results.",
    )
    bulk_operations: Connection[BulkOperation] = strawberry.field(
        permission_classes=[BulkWrite],
        resolver=bulk_operation_queries.bulk_operations_list,
        description="Your background jobs, newest first.",
    )
    webhook_endpoint: WebhookEndpoint | None = strawberry.field(
        permission_classes=[WebhookManage],
        resolver=webhook_queries.webhook_endpoint,
        description="One of your companies' webhook endpoints, with its deliveries.",
    )
    webhook_endpoints: Connection[WebhookEndpoint] = strawberry.field(
        permission_classes=[WebhookManage],
        resolver=webhook_queries.webhook_endpoints,
        description="Your companies' webhook endpoints, oldest first.",
    )
    companies: Connection[Company] = strawberry.field(
        permission_classes=[OrderRead], resolver=reference_queries.companies
    )
    clients: Connection[Client] = strawberry.field(
        permission_classes=[OrderRead], resolver=reference_queries.clients
    )
    agents: Connection[Agent] = strawberry.field(
        permission_classes=[OrderRead], resolver=reference_queries.agents
    )
    products: Connection[Product] = strawberry.field(
        permission_classes=[OrderRead], resolver=reference_queries.products
    )
    seasons: Connection[Season] = strawberry.field(
        permission_classes=[OrderRead], resolver=reference_queries.seasons
    )
    payment_methods: Connection[PaymentMethod] = strawberry.field(
        permission_classes=[OrderRead], resolver=reference_queries.payment_methods
    )


refuse_unstorable_arguments_of(Query)
