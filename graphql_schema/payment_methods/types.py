"""PaymentMethod [formaPago]."""

import strawberry
from strawberry import relay

from db import models
from graphql_schema.rows import RowNode


@strawberry.type(description="How a client pays (cash, transfer, 30-day credit...).")
class PaymentMethod(RowNode):
    model = models.PaymentMethod

    id: relay.NodeID[int]
    code: str
    name: str
