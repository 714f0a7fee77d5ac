"""An embedded PostgreSQL (the pgserver wheel ships its binaries) for when DATABASE_URL is unset."""

import logging
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class EmbeddedPostgres:
    """Starts (or joins) a server whose data lives in `data_dir`, so data survives restarts."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.resolve()
        self._server: Any = None

    def start(self) -> str:
        """Start the server and return an asyncpg DSN over its Unix socket."""
        import pgserver  # heavy import, only needed when embedding

        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._server = pgserver.get_server(self.data_dir, cleanup_mode="stop")
        log.info("embedded PostgreSQL running with data in %s", self.data_dir)
        return f"postgresql+asyncpg://postgres:@/postgres?host={self.data_dir}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()
            self._server = None
            log.info("embedded PostgreSQL stopped")
