"""`orders-api serve`: one process, or a supervisor of WORKERS processes on one port.

The port is checked first, so a second server on a taken port starts, joins or migrates
nothing. Then the database (embedded when no DATABASE_URL) is started and migrated once, and
the app is served. With several workers, each binds its own socket with SO_REUSEPORT, so the
kernel spreads connections over them (one shared socket lets one busy worker take most of a
load tester's long-lived connections); they share the metrics folder and the cost budgets.
"""

import errno
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import socket
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from multiprocessing.process import BaseProcess
from pathlib import Path

from app.command_support import fail, with_session
from app.settings import Settings

log = logging.getLogger("orders_api")


def serve(settings: Settings) -> None:
    with _metrics_folder() as folder:  # before anything imports prometheus_client (app/metrics)
        _serve(settings, folder)


def _serve(settings: Settings, folder: Path) -> None:
    from app.api_keys import first_admin_key
    from app.lifespan import database
    from app.observability import configure_logging
    from db.migrate import upgrade

    configure_logging(settings.log_level, settings.log_format)
    listener = _listen(settings.host, settings.port, shared=False)
    if settings.workers > 1:
        listener.close()  # it only proved the port free: each worker binds its own
    with database(settings) as database_url:
        upgrade(database_url)
        where = "DATABASE_URL" if settings.database_url else f"embedded, {settings.embedded_pg_dir}"
        say = _announcer(settings)
        say(f"orders-api: GraphiQL at http://{settings.host}:{settings.port}/graphql ({where})")
        if not settings.database_url:  # a fresh local setup gets a key to start with
            issued = with_session(database_url, first_admin_key)
            if issued is not None:
                say(f"orders-api: your admin API key (shown once): {issued.plain}")
                say('  in GraphiQL\'s Headers tab: {"Authorization": "Bearer <that key>"}')
        # uvicorn re-raises SIGTERM once it has shut down; as SystemExit it unwinds through
        # `database`, which then stops the embedded server instead of leaving it running
        signal.signal(signal.SIGTERM, _exit_on_signal)
        served = settings.model_copy(update={"database_url": database_url})
        if settings.workers == 1:
            _run_uvicorn(served, listener)
        else:
            _supervise(served, folder)


def _run_uvicorn(settings: Settings, listener: socket.socket) -> None:
    import uvicorn

    from app.main import create_app

    config = uvicorn.Config(
        create_app(settings),
        log_level=settings.log_level,
        log_config=None,
        access_log=False,  # each request's line comes from RequestIdMiddleware, with more
        # requests still running then are cancelled, so a stuck one cannot hold the exit
        # (uvicorn types it int, but hands it to asyncio.timeout, which takes a float)
        timeout_graceful_shutdown=settings.shutdown_grace_s,  # type: ignore[arg-type]
    )
    uvicorn.Server(config).run(sockets=[listener])


def _supervise(settings: Settings, folder: Path) -> None:
    """Start the workers, and stop them all when one ends or the server is told to stop."""
    from app.shared_budget import create_budget_file

    budget = create_budget_file(folder / "cost-budgets")
    shared = settings.model_copy(update={"rate_limit_shared_file": budget})
    spawn = multiprocessing.get_context("spawn")
    workers = [
        spawn.Process(target=_worker, args=(shared,), name=f"worker-{n}", daemon=False)
        for n in range(settings.workers)
    ]
    for worker in workers:
        worker.start()
    log.info("orders-api: %d workers serving port %d", len(workers), settings.port)
    try:
        multiprocessing.connection.wait([worker.sentinel for worker in workers])
    finally:
        _stop(workers, settings.shutdown_grace_s + 10)


def _stop(workers: Sequence[BaseProcess], grace_s: float) -> None:
    for worker in workers:
        if worker.is_alive() and worker.pid is not None:
            os.kill(worker.pid, signal.SIGTERM)
    for worker in workers:
        worker.join(grace_s)
        if worker.is_alive():
            worker.kill()
            worker.join()


def _worker(settings: Settings) -> None:
    """One worker process: its own socket on the shared port, the app, until SIGTERM."""
    from app.observability import configure_logging

    configure_logging(settings.log_level, settings.log_format)
    signal.signal(signal.SIGTERM, _exit_on_signal)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the supervisor, which stops us
    _run_uvicorn(settings, _listen(settings.host, settings.port, shared=True))


def _listen(host: str, port: int, *, shared: bool) -> socket.socket:
    """Bound as uvicorn binds its own; a port already taken ends the command in one line.

    `shared`: with SO_REUSEPORT, for the workers of one server (the supervisor checked the
    port with a socket of its own first, which another server's workers would have refused).
    """
    listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if shared:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        listener.bind((host, port))
    except OSError as error:
        listener.close()
        if error.errno == errno.EADDRINUSE:
            fail(1, f"port {port} on {host} is in use (another orders-api serve?); set PORT")
        fail(1, f"cannot listen on {host}:{port}: {error.strerror}")
    return listener


def _announcer(settings: Settings) -> Callable[[str], None]:
    """Start-up news: printed for a terminal; a log line where every line must be JSON."""
    if settings.log_format == "json":
        return log.info
    return print


@contextmanager
def _metrics_folder() -> Iterator[Path]:
    """The server's own folder: metrics in the client library's multiprocess mode, budgets.

    An operator's PROMETHEUS_MULTIPROC_DIR is used as it is (emptying it between runs is theirs
    to do, as the library says); otherwise a fresh folder lives as long as the server.
    """
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if given:
        yield Path(given)
        return
    with tempfile.TemporaryDirectory(prefix="orders-api-metrics-") as folder:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
        try:
            yield Path(folder)
        finally:
            del os.environ["PROMETHEUS_MULTIPROC_DIR"]


def _exit_on_signal(signum: int, _: object) -> None:
    raise SystemExit(128 + signum)
