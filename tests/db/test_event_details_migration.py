"""Migration 0008 rewrites the ids in existing event details as global ids."""

import importlib.util
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from strawberry.relay import from_base64

from db import models

MIGRATION = Path(__file__).parents[2] / "db/migrations/versions/0008_event_details_global_ids.py"


def _migration():
    spec = importlib.util.spec_from_file_location("migration_0008", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_numeric_delivery_and_return_ids_become_global_ids(db_session, factory):
    company = await factory.company()
    order = await factory.order(
        company, await factory.client(company), [(await factory.product(company), 1, Decimal(1))]
    )
    events = [
        await factory.event(order, kind="DELIVERED", details={"deliveryId": 7, "complete": True}),
        await factory.event(order, kind="RETURNED", details={"return_id": 8, "note": None}),
        await factory.event(order, kind="RETURNED", details={"returnId": "UmV0dXJuOjk="}),
    ]
    migration = _migration()

    for old_key, key, type_name in migration.RENAMES:
        await db_session.execute(
            migration.TO_GLOBAL_ID.bindparams(old_key=old_key, key=key, type_name=type_name)
        )

    details = (
        await db_session.scalars(
            sa.select(models.OrderEvent.details)
            .where(models.OrderEvent.id.in_([event.id for event in events]))
            .order_by(models.OrderEvent.id)
            .execution_options(populate_existing=True)
        )
    ).all()
    assert details == [
        {"deliveryId": "RGVsaXZlcnk6Nw==", "complete": True},
        {"returnId": "UmV0dXJuOjg=", "note": None},
        {"returnId": "UmV0dXJuOjk="},  # already a global id: untouched
    ]
    assert from_base64(details[0]["deliveryId"]) == ("Delivery", "7")
