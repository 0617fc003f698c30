"""Which gateway speaks to a site: Cloud or Data Center."""

from __future__ import annotations

from nivosync.confluence.cloud import CloudConfluence
from nivosync.confluence.data_center import DataCenterConfluence
from nivosync.confluence.gateway import ConfluenceGateway
from nivosync.http import Transport


def confluence_gateway(
    transport: Transport, flavor: str, space_key: str, public_url: str | None = None
) -> ConfluenceGateway:
    cls = CloudConfluence if flavor == "cloud" else DataCenterConfluence
    return cls(transport, space_key, public_url)
