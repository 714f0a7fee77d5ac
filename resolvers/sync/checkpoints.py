"""Feed positions as cursors: the stored checkpoint and the orders list's UPDATED_AT_ASC cursor."""

from types import SimpleNamespace

from db.models import SyncCheckpoint
from db.queries.orders import ORDERINGS
from graphql_schema.sync.types import SyncCheckpoint as SyncCheckpointType

FEED = ORDERINGS["UPDATED_AT_ASC"]  # orderChanges pages as orders(orderBy: UPDATED_AT_ASC) does


def cursor_of(row: SyncCheckpoint) -> str:
    return FEED.encode(SimpleNamespace(updated_at=row.position_at, id=row.position_id))


def checkpoint_type(row: SyncCheckpoint) -> SyncCheckpointType:
    return SyncCheckpointType(
        integration=row.integration, up_to=cursor_of(row), acknowledged_at=row.acknowledged_at
    )
