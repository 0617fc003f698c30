"""A headless Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`).

The pipe (the browser reads commands on fd 3 and answers on fd 4, NUL-terminated JSON) needs no
websocket library and opens no debugging port another process could reach.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

# Nothing but the loopback sandbox is reachable: the tests never touch the network.
FLAGS = (
    "--headless",
    "--no-sandbox",  # CI runs as root, where Chromium's own sandbox cannot start
    "--disable-gpu",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--remote-debugging-pipe",
)
BINARIES = ("chromium", "chromium-browser")


def find_chromium() -> str:
    """The Chromium binary; a test without one skips, except in CI (CI=true), where it fails."""
    for name in BINARIES:
        found = shutil.which(name)
        if found:
            return found
    reason = "Chromium is not installed (apt-get install chromium): browser screenshots not taken"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI must install it (.ci/run does)", pytrace=False)
    pytest.skip(reason)


class Browser:
    """One Chromium process; `call` sends a command and returns its result."""

    def __init__(self, process: subprocess.Popen[bytes], commands: int, answers: int) -> None:
        self.process = process
        self.commands = commands
        self.answers = answers
        self.buffer = b""
        self.events: list[dict[str, Any]] = []
        self.last_id = 0

    def call(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        self.last_id += 1
        message: dict[str, Any] = {"id": self.last_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.commands, json.dumps(message).encode() + b"\0")
        answer = self._next(lambda m: m.get("id") == self.last_id)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer["result"]  # type: ignore[no-any-return]

    def wait_for(self, method: str, session: str) -> dict[str, Any]:
        """The first event `method` of `session` (already received or still to come)."""
        for index, event in enumerate(self.events):
            if event.get("method") == method and event.get("sessionId") == session:
                return self.events.pop(index)
        return self._next(lambda m: m.get("method") == method and m.get("sessionId") == session)

    def _next(self, wanted: Any, timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            while b"\0" in self.buffer:
                raw, _, self.buffer = self.buffer.partition(b"\0")
                message = json.loads(raw)
                if wanted(message):
                    return message  # type: ignore[no-any-return]
                if "method" in message:
                    self.events.append(message)
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.answers], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer within 30 s")
            chunk = os.read(self.answers, 1 << 20)
            if not chunk:
                raise RuntimeError(f"Chromium exited (code {self.process.poll()})")
            self.buffer += chunk

    def open(self, width: int, height: int, auth: tuple[str, str]) -> Tab:
        """A new tab of `width` x `height` CSS pixels that logs in to the sandbox with `auth`."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})
        tab = Tab(self, session["sessionId"])
        tab.call("Page.enable")
        tab.call("Network.enable")
        login = base64.b64encode(":".join(auth).encode()).decode()
        tab.call("Network.setExtraHTTPHeaders", {"headers": {"Authorization": f"Basic {login}"}})
        metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}
        tab.call("Emulation.setDeviceMetricsOverride", metrics)
        return tab


class Tab:
    def __init__(self, browser: Browser, session: str) -> None:
        self.browser = browser
        self.session = session

    def call(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.browser.call(method, params, self.session)

    def navigate(self, url: str) -> None:
        self.browser.events.clear()
        answer = self.call("Page.navigate", {"url": url})
        if answer.get("errorText"):
            raise RuntimeError(f"{url}: {answer['errorText']}")
        self.browser.wait_for("Page.loadEventFired", self.session)

    def evaluate(self, expression: str) -> Any:
        """The JSON value of `expression` in the page (DevTools is not bound by the page's CSP)."""
        answer = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in answer:
            raise RuntimeError(f"{expression[:60]}…: {answer['exceptionDetails']}")
        return answer["result"].get("value")

    def screenshot(self, width: int, height: int) -> bytes:
        """A PNG of the page's top `height` pixels (beyond the window too)."""
        clip = {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}
        params = {"format": "png", "clip": clip, "captureBeyondViewport": True}
        return base64.b64decode(self.call("Page.captureScreenshot", params)["data"])


@contextmanager
def launched(binary: str, workdir: Path) -> Iterator[Browser]:
    """Chromium with its profile (and HOME, which it writes to) under `workdir`."""
    home = workdir / "home"
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
    env["XDG_CACHE_HOME"] = str(home / ".cache")
    commands_read, commands = os.pipe()
    answers, answers_write = os.pipe()
    # The pipe ends go in as stdin/stdout and are moved to fds 3 and 4 by the shell: no fd
    # juggling in the (threaded) test process.
    script = 'exec "$0" "$@" 3<&0 4>&1 0</dev/null 1>/dev/null'
    with (workdir / "chromium.log").open("wb") as log:
        process = subprocess.Popen(
            ["sh", "-c", script, binary, *FLAGS, f"--user-data-dir={workdir / 'profile'}"],
            stdin=commands_read,
            stdout=answers_write,
            stderr=log,
            env=env,
        )
    os.close(commands_read)
    os.close(answers_write)
    browser = Browser(process, commands, answers)
    try:
        yield browser
    finally:
        try:
            browser.call("Browser.close")
            process.wait(timeout=10)
        except (RuntimeError, TimeoutError, OSError, subprocess.TimeoutExpired):
            process.kill()
            process.wait()
        os.close(commands)
        os.close(answers)
