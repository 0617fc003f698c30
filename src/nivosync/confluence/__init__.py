"""The Confluence gateway: every Confluence REST call, Cloud (v2 + v1) and Data Center (v1).

Imports only nivosync.http, nivosync.errors and itself: no core, app or command."""
