"""`orders-api serve` as a user runs it: embedded PostgreSQL up, then down again on SIGTERM."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.served import free_port


def _postmaster_pid(data_dir: Path) -> int | None:
    pid_file = data_dir / "postmaster.pid"
    return int(pid_file.read_text().split()[0]) if pid_file.exists() else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_sigterm_stops_the_server_and_its_embedded_postgres(tmp_path):
    port = free_port()
    data_dir = tmp_path / "pgdata"
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env |= {"PORT": str(port), "EMBEDDED_PG_DIR": str(data_dir), "BULK_WORKER_ENABLED": "false"}
    command = [str(Path(sys.executable).with_name("orders-api")), "serve"]
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, "the server did not become ready"
            time.sleep(0.2)
        postgres = _postmaster_pid(data_dir)
        assert postgres is not None
        assert _alive(postgres)

        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()

    deadline = time.monotonic() + 30
    while _alive(postgres) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(postgres), "the embedded PostgreSQL outlived the server"
