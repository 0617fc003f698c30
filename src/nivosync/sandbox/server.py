"""Starting and stopping a sandbox site on a loopback HTTP server.

with Sandbox.start(tmp_path / "sandbox.db", seed) as sandbox:
    requests.get(sandbox.jira_url + "/rest/api/3/myself", auth=sandbox.auth)
"""

from __future__ import annotations

import contextlib
import io
import logging
import signal
import socket
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

log = logging.getLogger(__name__)


class _QuietHandler(WSGIRequestHandler):
    """Answers on a connection kept open for the next request, as Atlassian's sites do (HTTP
    1.1 keep-alive; werkzeug's own handler closes every connection after its answer, so each
    request paid for a new TCP connection). Each request's body is read whole before the app
    sees it and each answer carries its length, so the next request starts where this one
    ended; a request with a chunked body is answered by werkzeug's handler, which closes."""

    def setup(self) -> None:
        super().setup()
        # An answer's headers and body leave in two writes: without this, the body waits for
        # the client's delayed ACK of the headers (~40 ms) on a connection kept open.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        _open_connections(self.server).add(self.connection)

    def finish(self) -> None:
        _open_connections(self.server).discard(self.connection)
        super().finish()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None

    def connection_dropped(self, error: BaseException, environ: Any = None) -> None:
        # An injected reset: never read another request from this socket.
        self.close_connection = True

    def run_wsgi(self) -> None:
        length = self.headers.get("Content-Length", "0").strip() or "0"
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower() or not length.isdigit():
            self.close_connection = True
            super().run_wsgi()
            return
        if self.headers.get("Expect", "").lower().strip(" \t") == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        self.environ = environ = self.make_environ()
        environ["wsgi.input"] = io.BytesIO(self.rfile.read(int(length)))
        try:
            status, headers, body = _answer(self.server.app, environ)
        except ConnectionError as exc:  # an injected reset: no answer at all
            self.connection_dropped(exc, environ)
            return
        except Exception:
            log.exception("sandbox app failed: %s %s", self.command, self.path)
            self.close_connection = True
            status, headers, body = "500 INTERNAL SERVER ERROR", [], b"Internal Server Error"
        code, _, reason = status.partition(" ")
        self.send_response(int(code), reason)
        for key, value in headers:
            self.send_header(key, value)
        bodiless = int(code) in (204, 304) or int(code) < 200
        if not bodiless and all(key.lower() != "content-length" for key, _ in headers):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and not bodiless:
            self.wfile.write(body)


class _Connections:
    """The connections a server has open (a kept-alive one waits for its next request in a
    thread of its own): ended when the server stops, so that its threads end too."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()

    def add(self, connection: socket.socket) -> None:
        with self._lock:
            self._open.add(connection)

    def discard(self, connection: socket.socket) -> None:
        with self._lock:
            self._open.discard(connection)

    def end_all(self) -> None:
        with self._lock:
            connections = list(self._open)
        for connection in connections:
            with contextlib.suppress(OSError):  # closed meanwhile
                connection.shutdown(socket.SHUT_RDWR)  # its thread reads the end, and ends


def _open_connections(server: Any) -> _Connections:
    found: _Connections = server.open_connections
    return found


def _answer(app: Any, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    """Run the WSGI app on `environ`: its status line, headers and whole body."""
    started: list[Any] = []
    chunks: list[bytes] = []

    def start_response(status: str, headers: list[tuple[str, str]], _exc: Any = None) -> Any:
        started[:] = [status, headers]
        return chunks.append

    result = app(environ, start_response)
    try:
        chunks.extend(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return started[0], started[1], b"".join(chunks)


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
        server.open_connections = _Connections()  # type: ignore[attr-defined]
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
        _open_connections(self._server).end_all()  # else closing waits for their clients
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
