"""Starting and stopping a sandbox site on a loopback HTTP server.

with Sandbox.start(tmp_path / "sandbox.db", seed) as sandbox:
    requests.get(sandbox.jira_url + "/rest/api/3/myself", auth=sandbox.auth)
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from nivosync.sandbox import clock as site_clock
from nivosync.sandbox.app import SandboxApp
from nivosync.sandbox.clock import Clock, StoredClock
from nivosync.sandbox.faults import Faults
from nivosync.sandbox.request_log import RequestLog
from nivosync.sandbox.seed import Flavor, SiteSeed
from nivosync.sandbox.sides import load_sides
from nivosync.sandbox.store import Store


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None

    def connection_dropped(self, error: BaseException, environ: Any = None) -> None:
        # An injected reset: never read another request from this socket.
        self.close_connection = True


def open_site(db_path: Path, seed: SiteSeed, clock: Clock | None = None) -> SandboxApp:
    """Open (creating, migrating and seeding as needed) the site stored in `db_path`; its
    clock is the one kept in that file unless `clock` is given."""
    store = Store(db_path)
    store.migrate(site_clock.NAMESPACE, site_clock.MIGRATIONS)
    clock = clock or StoredClock(store)
    sides = load_sides()
    for side in sides:
        store.migrate(side.namespace, side.migrations)
    with store.write() as conn:
        for side in sides:
            side.seed(conn, seed, clock)
    return SandboxApp(seed, store, clock, sides)


class Sandbox:
    """A running sandbox site. Use `Sandbox.start(...)`; stop it with `.stop()` or `with`."""

    def __init__(self, app: SandboxApp, server: BaseWSGIServer, thread: threading.Thread) -> None:
        self.app = app
        self._server = server
        self._thread = thread
        self.base_url = f"http://{_url_host(server.host)}:{server.port}"

    @classmethod
    def start(
        cls,
        db_path: Path,
        seed: SiteSeed,
        host: str = "127.0.0.1",
        port: int = 0,
        faults: dict[str, Any] | None = None,
    ) -> Sandbox:
        app = open_site(db_path, seed)
        if faults:
            app.faults.configure(faults)
        server = make_server(host, port, app, threaded=True, request_handler=_QuietHandler)
        # The stubs type make_server() as BaseWSGIServer; with threaded=True it is a
        # ThreadedWSGIServer, whose ThreadingMixIn has daemon_threads.
        server.daemon_threads = True  # type: ignore[attr-defined]
        thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        thread.name = f"nivosync-sandbox-{server.port}"
        thread.start()
        return cls(app, server, thread)

    @property
    def flavor(self) -> Flavor:
        return self.app.seed.flavor

    @property
    def seed(self) -> SiteSeed:
        return self.app.seed

    @property
    def jira_url(self) -> str:
        return self.base_url

    @property
    def confluence_url(self) -> str:
        return self.base_url + ("/wiki" if self.flavor == "cloud" else "/confluence")

    @property
    def auth(self) -> tuple[str, str]:
        """(login, token) of the first admin, for Basic auth (email on Cloud, username on DC)."""
        admin = self.seed.admins[0]
        return (admin.email if self.flavor == "cloud" else admin.username, admin.token)

    @property
    def clock(self) -> Clock:
        return self.app.clock

    @property
    def faults(self) -> Faults:
        return self.app.faults

    @property
    def requests(self) -> RequestLog:
        return self.app.requests

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)
        self._server.server_close()
        self.app.store.close()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def serve(
    db_path: Path,
    seed: SiteSeed,
    host: str,
    port: int,
    faults: dict[str, Any] | None,
    on_ready: Callable[[str], None],
) -> None:
    """Serve until SIGINT/SIGTERM (call from the main thread); `on_ready` gets the base URL."""
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with Sandbox.start(db_path, seed, host=host, port=port, faults=faults) as sandbox:
            on_ready(sandbox.base_url)
            while not stop.wait(0.5):
                pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
