"""Confluence storage-format builders, page bodies and charts (pure, every value escaped).

May import nivosync.core and nivosync.inputs data types; never a gateway, http or app."""
