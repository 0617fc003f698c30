"""Validating real sandbox traffic against Atlassian's official OpenAPI specs.

Usable by any side's contract tests::

    spec = load_spec("jira-cloud-platform-v3.swagger-v3.v3.json", "http://127.0.0.1:{port}")
    recorder = ContractRecorder(spec)
    recorder.attach(session)           # every response of this requests.Session is validated
    ...
    recorder.assert_clean()            # raises with every spec violation seen

Specs live in ``tests/contract/specs`` (copied from ``/work/shared/specs``, see PROVENANCE.md).
Loading is lazy (``spec_validator_cls=None``: every official file fails strict self-checks);
load each file once per session through a session-scoped fixture.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

SPECS = Path(__file__).parent / "specs"

# Jira writes timestamps as 2022-10-06T07:32:47.000+0000 (no colon in the offset), which
# strict RFC 3339 `date-time` rejects although it is what the real product sends.
_JIRA_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$")


def _lenient_date_time(value: Any) -> bool:
    return not isinstance(value, str) or bool(_JIRA_DATE_TIME.match(value))


def load_spec(
    filename: str, server_url: str, patch: Callable[[dict[str, Any]], None] | None = None
) -> OpenAPI:
    """Load a spec with its servers replaced by `server_url` (may hold a ``{port}`` variable).

    `patch` may edit the raw dict first: that is where a documented relaxation goes.
    """
    spec = json.loads((SPECS / filename).read_text(encoding="utf-8"))
    variables = {"port": {"default": "80"}} if "{port}" in server_url else {}
    spec["servers"] = [{"url": server_url, "variables": variables}]
    if patch is not None:
        patch(spec)
    config = Config(
        spec_validator_cls=None,
        extra_format_validators={"date-time": _lenient_date_time},
    )
    return OpenAPI.from_dict(spec, config=config)


@dataclass
class ContractRecorder:
    """Validates each request/response pair it sees; collects violations."""

    spec: OpenAPI
    rewrite: Callable[[str], str] = lambda url: url
    skip_response: Callable[[requests.Response], bool] = lambda response: False
    violations: list[str] = field(default_factory=list)
    seen: list[tuple[str, str, int]] = field(default_factory=list)

    def attach(self, session: requests.Session) -> None:
        session.hooks["response"].append(self._hook)

    def _hook(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.check(response)

    def check(self, response: requests.Response) -> None:
        prepared = response.request.copy()
        prepared.url = self.rewrite(str(prepared.url))
        path = re.sub(r"^https?://[^/]+", "", str(response.request.url)).split("?")[0]
        self.seen.append((str(prepared.method), path, response.status_code))
        request = RequestsOpenAPIRequest(prepared)
        where = f"{prepared.method} {path} → {response.status_code}"
        for error in self.spec.iter_request_errors(request):
            self.violations.append(f"request {where}: {_describe(error)}")
        if self.skip_response(response):
            return
        for error in self.spec.iter_response_errors(request, RequestsOpenAPIResponse(response)):
            self.violations.append(f"response {where}: {_describe(error)}")

    def assert_clean(self) -> None:
        found, self.violations = self.violations, []
        assert not found, "spec violations:\n" + "\n".join(found)


def _describe(error: Exception) -> str:
    details = [str(error)[:300]]
    cause = error.__cause__
    while cause is not None:
        details.append(str(cause)[:300])
        schema_errors = getattr(cause, "schema_errors", None)
        if schema_errors:
            details += [f"  - {e.message} at {list(e.absolute_path)}" for e in schema_errors][:10]
        cause = cause.__cause__
    return "\n    ".join(details)
