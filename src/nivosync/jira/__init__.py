"""The Jira gateway: every Jira REST call, and every Cloud / Data Center difference.

Imports only nivosync.http, nivosync.errors and itself: no core, app or command."""
