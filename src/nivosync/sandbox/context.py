"""What a route handler receives for one request."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from werkzeug.wrappers import Request

from nivosync.sandbox.clock import Clock
from nivosync.sandbox.responses import HttpError
from nivosync.sandbox.routing import ErrorShapes
from nivosync.sandbox.seed import (
    JIRA_PERMISSIONS,
    SPACE_PERMISSIONS,
    AdminCredential,
    Flavor,
    SiteSeed,
)
from nivosync.sandbox.store import Store


@dataclass
class RequestContext:
    request: Request
    seed: SiteSeed
    store: Store
    clock: Clock
    admin: AdminCredential | None
    errors: ErrorShapes
    index_lag_seconds: float = 0.0  # how far search trails writes (see faults.Faults)

    @property
    def flavor(self) -> Flavor:
        return self.seed.flavor

    @property
    def caller_is_admin(self) -> bool:
        """Site admins are the seed's admins; every other seeded user is an ordinary user."""
        return self.admin is not None and self.admin in self.seed.admins

    @property
    def project_permissions(self) -> frozenset[str]:
        """What the caller may do in the seed's Jira project (keys of `JIRA_PERMISSIONS`)."""
        if self.caller_is_admin:
            return frozenset(JIRA_PERMISSIONS)
        user = self.seed.user_seed(self.admin.email) if self.admin else None
        return user.project if user else frozenset()

    @property
    def space_permissions(self) -> frozenset[str]:
        """What the caller may do in the seed's Confluence space (`SPACE_PERMISSIONS`)."""
        if self.caller_is_admin:
            return frozenset(SPACE_PERMISSIONS)
        user = self.seed.user_seed(self.admin.email) if self.admin else None
        return user.space if user else frozenset()

    @property
    def base_url(self) -> str:
        """The site root as the client addressed it (for ``self`` links)."""
        return self.request.host_url.rstrip("/")

    def json_body(self) -> Any:
        """The request's JSON body; a malformed body is a 400 in the product's shape."""
        raw = self.request.get_data(cache=True)
        if not raw:
            raise HttpError(self.errors.error(400, "No content to map due to end-of-input"))
        try:
            return json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise HttpError(self.errors.error(400, f"Unexpected character: {exc}")) from exc
