"""Reading files people write: config, plan templates, release notes, Change Advisory files.

May import nivosync.core and nivosync.errors; never a gateway, http, app or command."""
