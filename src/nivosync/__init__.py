"""nivosync: customer release plans as Jira epics and Confluence pages, kept honest nightly."""

__version__ = "0.1.0"
