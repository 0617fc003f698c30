"""The Confluence gateway: every Confluence REST call, Cloud (v2 + v1) and Data Center (v1)."""
