"""The config's run settings: `sync` (what is listed, how many page writers), `lifecycle`
(what happens in Jira when a release ends) and `http` (waiting on a busy site)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, model_validator

from nivosync.core.strict import Strict

Resolution = Annotated[str, StringConstraints(min_length=1, max_length=255)]


class SyncSettings(Strict):
    # A release is synced until it is done or cancelled; it is then listed (sync output,
    # portfolio page) this many days longer.
    finished_listed_days: Annotated[int, Field(ge=0, le=366)] = 14
    # Releases published at once (each: its status page, then its Jira bookkeeping, one request
    # after the other). 16 keeps ~16 requests in flight against each site: a first night for
    # 1,000 releases at 20 ms is latency-bound (8: 47 s, 16: 35 s in the benchmark), and that
    # is still within what Atlassian Cloud's rate limits tolerate from one account (a 429 is
    # waited out, X-RateLimit-NearLimit slows down). At most http.KEPT_CONNECTIONS.
    page_workers: Annotated[int, Field(ge=1, le=32)] = 16

    @model_validator(mode="before")
    @classmethod
    def _retired_keys(cls, data: Any) -> Any:
        if isinstance(data, dict) and "inactive_after_days" in data:
            raise ValueError(
                "sync.inactive_after_days is no longer read: a release is now synced until it "
                "is done or cancelled (`nivosync cancel`), whatever its dates; remove the key, "
                "or use sync.finished_listed_days for how long finished releases stay listed"
            )
        return data


class LifecycleSettings(Strict):
    """What nivosync does in Jira when a release ends."""

    # Move the epic to a Done status when every task is done, and on `nivosync cancel`.
    close_epic: bool = True
    # `nivosync cancel`: leave the open tasks as they are, or close them as well.
    cancel_open_tasks: Literal["leave", "close"] = "leave"
    # Set where a Done transition's screen asks for a resolution (else the workflow's own).
    done_resolution: Resolution = "Done"
    cancel_resolution: Resolution = "Won't Do"


class HttpSettings(Strict):
    """Waiting on a busy site. Atlassian Cloud's Retry-After can exceed a minute."""

    # The longest Retry-After honoured; a site asking for longer fails the run at once.
    max_retry_wait_seconds: Annotated[int, Field(ge=1)] = 300
    # The total waiting across the retries of one request before it fails.
    retry_budget_seconds: Annotated[int, Field(ge=1)] = 600
    # The pause before the next request once the site says X-RateLimit-NearLimit: true.
    near_limit_pause_seconds: Annotated[float, Field(ge=0, le=60)] = 1.0
