"""An embedded PostgreSQL (the pgserver wheel ships its binaries) for when DATABASE_URL is unset."""

import logging
import os
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class EmbeddedPostgres:
    """Starts (or joins) a server whose data lives in `data_dir`, so data survives restarts."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.resolve()
        self._server: Any = None

    def start(self) -> str:
        """Start the server (or join the one already serving `data_dir`); an asyncpg DSN to it."""
        import pgserver  # heavy import, only needed when embedding

        self.data_dir.mkdir(parents=True, exist_ok=True)
        joined = _postmaster_running(self.data_dir)
        self._server = pgserver.get_server(self.data_dir, cleanup_mode="stop")
        if joined:
            log.info("embedded PostgreSQL already running with data in %s: shared", self.data_dir)
        else:
            log.info("embedded PostgreSQL running with data in %s", self.data_dir)
        return f"postgresql+asyncpg://postgres:@/postgres?host={self.data_dir}"

    def stop(self) -> None:
        """Leave the server; pgserver stops it only when no other process still uses it."""
        if self._server is None:
            return
        self._server.cleanup()
        self._server = None
        if _postmaster_running(self.data_dir):
            log.info("embedded PostgreSQL left running: another process still uses it")
        else:
            log.info("embedded PostgreSQL stopped")


def _postmaster_running(data_dir: Path) -> bool:
    """PostgreSQL's own record: postmaster.pid names a live process while a server runs."""
    try:
        pid = int((data_dir / "postmaster.pid").read_text().split()[0])
    except (FileNotFoundError, IndexError, ValueError):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's
        return True
    return True
