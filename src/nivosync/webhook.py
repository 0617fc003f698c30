"""An incoming webhook (Slack, Microsoft Teams, or anything that takes `{"text": "…"}`).

Its URL is a secret — whoever has it may post to the channel — so it appears in no message,
no log line and no repr: errors name the environment variable it came from. A 429 (not
processed) is sent again after its Retry-After, within the config's http limits; any other
failure is final and reported (a POST that may have arrived is never replayed).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

from nivosync.errors import NivosyncError
from nivosync.log_setup import get_logger

log = get_logger(__name__)
ATTEMPTS = 3


class WebhookError(NivosyncError):
    """The webhook did not take the message; the text never holds the URL."""


@dataclass(frozen=True)
class Webhook:
    """Where notices are posted; `source` is what messages call it ("$NIVOSYNC_WEBHOOK_URL")."""

    url: str = field(repr=False)
    source: str
    timeout: float = 10.0
    max_wait: float = 300.0  # the longest Retry-After honoured (http.max_retry_wait_seconds)
    sleep: Callable[[float], None] = time.sleep

    def post_text(self, text: str) -> None:
        """Post `text`; WebhookError when it is refused, unreachable or its fate is unknown."""
        for attempt in range(1, ATTEMPTS + 1):
            response = self._send(text)
            if response.status_code < 300:
                return
            wait = _retry_after(response)
            if response.status_code != 429 or attempt == ATTEMPTS or wait > self.max_wait:
                raise WebhookError(
                    f"the webhook in {self.source} refused the notice (HTTP "
                    f"{response.status_code}{self._said(response)}): check the URL it holds "
                    "and that the webhook is still enabled"
                )
            log.info("webhook rate limited: waiting", seconds=wait, attempt=attempt)
            self.sleep(wait)

    def _send(self, text: str) -> requests.Response:
        try:
            return requests.post(self.url, json={"text": text}, timeout=self.timeout)
        except requests.ConnectTimeout:
            why = "could not connect"
        except requests.Timeout:
            why = "no answer in time; it may have been delivered"
        except requests.RequestException as exc:  # its text holds the URL: only its kind here
            why = f"{type(exc).__name__}; it may not have been delivered"
        raise WebhookError(f"the webhook in {self.source} could not be reached ({why})")

    def _said(self, response: requests.Response) -> str:
        """A short answer (Slack says e.g. `no_service`), unless it would repeat the URL."""
        said = " ".join(response.text.split())[:80]
        hidden = not said or self.url in said or _path(self.url) in said
        return "" if hidden else f": {said}"


def _retry_after(response: requests.Response) -> float:
    try:
        return max(0.0, float(response.headers.get("Retry-After", "1")))
    except ValueError:
        return 1.0


def _path(url: str) -> str:
    return url.split("://", 1)[-1].partition("/")[2] or url
