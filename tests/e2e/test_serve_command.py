"""`orders-api serve` as a user runs it: embedded PostgreSQL up, then down again on SIGTERM."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.served import free_port

CLI = str(Path(sys.executable).with_name("orders-api"))


def _postmaster_pid(data_dir: Path) -> int | None:
    pid_file = data_dir / "postmaster.pid"
    return int(pid_file.read_text().split()[0]) if pid_file.exists() else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _env(port: int, data_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    return env | {
        "PORT": str(port),
        "EMBEDDED_PG_DIR": str(data_dir),
        "BULK_WORKER_ENABLED": "false",
    }


class Serve:
    """One `orders-api serve` process, its output in a log file."""

    def __init__(self, log: Path, port: int, data_dir: Path) -> None:
        self.log_path, self.port = log, port
        self._log = log.open("wb")
        self.process = subprocess.Popen(
            [CLI, "serve"], env=_env(port, data_dir), stdout=self._log, stderr=subprocess.STDOUT
        )

    @property
    def output(self) -> str:
        return self.log_path.read_text()

    def ready(self) -> dict[str, object]:
        """/readyz once it answers 200 (the database answered); fails if the process ends."""
        deadline = time.monotonic() + 120
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{self.port}/readyz", timeout=5)
                if answer.status_code == 200:
                    return answer.json()
            except httpx.TransportError:
                pass
            assert self.process.poll() is None, self.output
            assert time.monotonic() < deadline, "the server did not become ready"
            time.sleep(0.2)

    def terminate(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._log.close()


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[[int, Path], Serve]]:
    """Starts servers that are killed at the end if a test left them running."""
    started: list[Serve] = []

    def start(port: int, data_dir: Path) -> Serve:
        server = Serve(tmp_path / f"serve-{len(started)}.log", port, data_dir)
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()


def _gone(pid: int) -> bool:
    deadline = time.monotonic() + 30
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not _alive(pid)


def test_sigterm_stops_the_server_and_its_embedded_postgres(pg_home, serve):
    data_dir = pg_home / "pgdata"
    server = serve(free_port(), data_dir)
    server.ready()
    postgres = _postmaster_pid(data_dir)
    assert postgres is not None
    assert _alive(postgres)

    server.terminate()

    assert _gone(postgres), "the embedded PostgreSQL outlived the server"


def test_a_second_serve_on_a_taken_port_says_so_and_leaves_the_first_alone(pg_home, serve):
    port, data_dir = free_port(), pg_home / "pgdata"
    first = serve(port, data_dir)
    first.ready()
    postgres = _postmaster_pid(data_dir)

    second = subprocess.run(
        [CLI, "serve"], env=_env(port, data_dir), capture_output=True, text=True, timeout=120
    )

    assert second.returncode == 1
    assert second.stderr.splitlines()[-1] == (
        f"orders-api: port {port} on 127.0.0.1 is in use (another orders-api serve?); set PORT"
    )
    assert "embedded PostgreSQL" not in second.stderr + second.stdout  # it never touched it
    assert first.ready()["database"] == "up"
    assert _postmaster_pid(data_dir) == postgres
    assert postgres is not None
    assert _alive(postgres)


def test_two_servers_share_one_embedded_postgres_and_the_last_one_out_stops_it(pg_home, serve):
    data_dir = pg_home / "pgdata"
    first = serve(free_port(), data_dir)
    first.ready()
    second = serve(free_port(), data_dir)
    second.ready()
    postgres = _postmaster_pid(data_dir)
    assert postgres is not None

    second.terminate()

    assert "embedded PostgreSQL left running: another process still uses it" in second.output
    assert "embedded PostgreSQL stopped" not in second.output
    assert first.ready()["database"] == "up"
    assert _alive(postgres)

    first.terminate()

    assert _gone(postgres), "the last server out left the embedded PostgreSQL running"
    assert "embedded PostgreSQL stopped" in first.output
