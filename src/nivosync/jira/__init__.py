"""The Jira gateway: every Jira REST call, and every Cloud / Data Center difference."""
