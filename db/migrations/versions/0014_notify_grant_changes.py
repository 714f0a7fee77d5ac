"""Every change that alters what an API key grants announces itself at commit (NOTIFY).

Server processes cache keys' grants; they drop a key's entry when it changes (a revocation)
and every entry when a company comes or goes (keys for all companies cover it). Triggers
cover every way these rows change: the CLI, mutations, SQL by hand.

Revision ID: 0014_notify_grant_changes
Revises: 0013_erp_status_mappings
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014_notify_grant_changes"
down_revision: str | None = "0013_erp_status_mappings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        CREATE FUNCTION notify_api_key_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('api_key_grants', 'key:' || OLD.id);
            RETURN NULL;
        END $$;
        """
    )
    op.execute(
        "CREATE TRIGGER api_keys_notify AFTER UPDATE OR DELETE ON api_keys"
        " FOR EACH ROW EXECUTE FUNCTION notify_api_key_change()"
    )
    op.execute(
        """
        CREATE FUNCTION notify_companies_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('api_key_grants', 'all');
            RETURN NULL;
        END $$;
        """
    )
    op.execute(
        "CREATE TRIGGER companies_notify_grants AFTER INSERT OR DELETE ON companies"
        " FOR EACH STATEMENT EXECUTE FUNCTION notify_companies_change()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER companies_notify_grants ON companies")
    op.execute("DROP FUNCTION notify_companies_change()")
    op.execute("DROP TRIGGER api_keys_notify ON api_keys")
    op.execute("DROP FUNCTION notify_api_key_change()")
