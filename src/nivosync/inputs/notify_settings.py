"""The config's `notify` section: who hears of a release whose state changed (`sync`).

    notify:
      comment: true                          # a comment on the release's epic, mentioning its
                                             # Delivery Supervisor (see app/notify.py)
      webhook_url_env: NIVOSYNC_WEBHOOK_URL  # optional: the env var holding an incoming-webhook
                                             # URL (Slack/Teams `{"text": ...}`); it is a secret

A variable named here but unset stops `sync` before any write (exit 2), unless `--no-notify`.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

from nivosync.core.strict import Strict

EnvName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]


class NotifySettings(Strict):
    comment: bool = True
    webhook_url_env: EnvName | None = None
