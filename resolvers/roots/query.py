"""Query root: binds each field to its resolver; the root lists come from resolvers.root_lists."""

import strawberry
from strawberry import relay

from graphql_schema.bulk_operations.types import BulkOperation
from graphql_schema.connection import Connection
from graphql_schema.machinery.input_values import refuse_unstorable_arguments_of
from graphql_schema.orders.types import Order
from graphql_schema.permissions import BulkWrite, OrderRead, WebhookManage
from graphql_schema.statuses.types import StatusCatalogEntry
from graphql_schema.webhooks.types import WebhookEndpoint
from resolvers import global_ids
from resolvers.bulk_operations import queries as bulk_operation_queries
from resolvers.exports import queries as export_queries
from resolvers.orders import queries as order_queries
from resolvers.root_lists import root_list_field
from resolvers.statuses import queries as status_queries
from resolvers.sync import queries as sync_queries
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
    # from here on fields take their type from graphql_type, as the root lists do: a field
    # without an annotation comes after every annotated one, and the SDL keeps this order
    orders = root_list_field("orders")
    bulk_operation = strawberry.field(
        graphql_type=BulkOperation | None,
        permission_classes=[BulkWrite],
        resolver=bulk_operation_queries.bulk_operation,
        description="One of your background jobs, with its progress and results.",
    )
    bulk_operations = strawberry.field(
        graphql_type=Connection[BulkOperation],
        permission_classes=[BulkWrite],
        resolver=bulk_operation_queries.bulk_operations_list,
        description="Your background jobs, newest first.",
    )
    companies = root_list_field("companies")
    clients = root_list_field("clients")
    agents = root_list_field("agents")
    products = root_list_field("products")
    seasons = root_list_field("seasons")
    payment_methods = root_list_field("paymentMethods")
    order_export = strawberry.field(
        graphql_type=BulkOperation | None,
        permission_classes=[OrderRead],
        resolver=export_queries.order_export,
        description="One of your order exports (an EXPORT job), with its progress and file.",
    )
    order_changes = strawberry.field(
        graphql_type=Connection[Order],
        permission_classes=[OrderRead],
        resolver=sync_queries.order_changes,
        description="The sync feed of one integration of your API key: every order changed"
        " after its checkpoint (acknowledgeOrderChanges), oldest change first, each change once"
        " even while writes continue. Pass `after` to page on before acknowledging. Each order"
        " returned is recorded as sent (see Order.syncState).",
    )
    order_statuses = strawberry.field(
        graphql_type=list[StatusCatalogEntry],
        permission_classes=[OrderRead],
        resolver=status_queries.order_statuses,
        description="Every order status, what it means, and the company's remote id and label"
        " for it (companyId may be left out by a key of one company).",
    )
    webhook_endpoint = strawberry.field(
        graphql_type=WebhookEndpoint | None,
        permission_classes=[WebhookManage],
        resolver=webhook_queries.webhook_endpoint,
        description="One of your companies' webhook endpoints, with its deliveries.",
    )
    webhook_endpoints = strawberry.field(
        graphql_type=Connection[WebhookEndpoint],
        permission_classes=[WebhookManage],
        resolver=webhook_queries.webhook_endpoints,
        description="Your companies' webhook endpoints, oldest first.",
    )
    line_statuses = strawberry.field(
        graphql_type=list[StatusCatalogEntry],
        permission_classes=[OrderRead],
        resolver=status_queries.line_statuses,
        description="Every line status, as orderStatuses lists order statuses.",
    )


refuse_unstorable_arguments_of(Query)
