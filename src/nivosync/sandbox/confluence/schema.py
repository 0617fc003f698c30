"""Confluence's tables (append-only migrations, namespace "confluence").

Pages and attachments are both "content" in Confluence and share one id sequence
(``conf_sequence``), so an id never names two things. Titles are unique per space among
current pages, case-insensitively, as on the real site.
"""

from __future__ import annotations

MIGRATIONS = (
    """
    CREATE TABLE conf_sequence (
        name TEXT PRIMARY KEY,
        next INTEGER NOT NULL
    );
    CREATE TABLE conf_spaces (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        homepage_id INTEGER,
        creator_id INTEGER REFERENCES users (id),
        created TEXT NOT NULL
    );
    CREATE TABLE conf_pages (
        id INTEGER PRIMARY KEY,
        space_id INTEGER NOT NULL REFERENCES conf_spaces (id),
        parent_id INTEGER REFERENCES conf_pages (id),
        status TEXT NOT NULL,
        title TEXT NOT NULL COLLATE NOCASE,
        position INTEGER NOT NULL,
        creator_id INTEGER REFERENCES users (id),
        created TEXT NOT NULL,
        version INTEGER NOT NULL
    );
    CREATE UNIQUE INDEX conf_pages_current_title
        ON conf_pages (space_id, title) WHERE status = 'current';
    CREATE INDEX conf_pages_space_title ON conf_pages (space_id, title, id);
    CREATE INDEX conf_pages_space ON conf_pages (space_id, id);
    CREATE INDEX conf_pages_parent ON conf_pages (parent_id, position, id);
    CREATE TABLE conf_page_versions (
        page_id INTEGER NOT NULL REFERENCES conf_pages (id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        author_id INTEGER REFERENCES users (id),
        created TEXT NOT NULL,
        message TEXT NOT NULL DEFAULT '',
        minor_edit INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (page_id, number)
    );
    CREATE TABLE conf_properties (
        id INTEGER PRIMARY KEY,
        page_id INTEGER NOT NULL REFERENCES conf_pages (id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        version INTEGER NOT NULL,
        author_id INTEGER REFERENCES users (id),
        created TEXT NOT NULL,
        message TEXT NOT NULL DEFAULT '',
        minor_edit INTEGER NOT NULL DEFAULT 0,
        UNIQUE (page_id, key)
    );
    CREATE TABLE conf_labels (
        id INTEGER PRIMARY KEY,
        prefix TEXT NOT NULL,
        name TEXT NOT NULL,
        UNIQUE (prefix, name)
    );
    CREATE TABLE conf_page_labels (
        page_id INTEGER NOT NULL REFERENCES conf_pages (id) ON DELETE CASCADE,
        label_id INTEGER NOT NULL REFERENCES conf_labels (id),
        PRIMARY KEY (page_id, label_id)
    );
    CREATE TABLE conf_attachments (
        id INTEGER PRIMARY KEY,
        page_id INTEGER NOT NULL REFERENCES conf_pages (id) ON DELETE CASCADE,
        title TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'current',
        file_id TEXT NOT NULL,
        creator_id INTEGER REFERENCES users (id),
        created TEXT NOT NULL,
        version INTEGER NOT NULL,
        UNIQUE (page_id, title)
    );
    CREATE TABLE conf_attachment_versions (
        attachment_id INTEGER NOT NULL REFERENCES conf_attachments (id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        data BLOB NOT NULL,
        media_type TEXT NOT NULL,
        comment TEXT NOT NULL DEFAULT '',
        minor_edit INTEGER NOT NULL DEFAULT 0,
        author_id INTEGER REFERENCES users (id),
        created TEXT NOT NULL,
        PRIMARY KEY (attachment_id, number)
    );
    """,
    # Title lookups without a space filter (v2 ?title=, DC ?title= without spaceKey).
    "CREATE INDEX conf_pages_title ON conf_pages (title, id);",
    # When a page was created and a label put on a page, in real seconds (time.time(), not the
    # sandbox clock, which tests move): CQL search (content_search.py) hides what is younger
    # than the index lag, as Confluence Cloud's eventually consistent index does. Rows from
    # before this migration stay NULL: long indexed.
    """
    ALTER TABLE conf_pages ADD COLUMN created_at REAL;
    ALTER TABLE conf_page_labels ADD COLUMN added_at REAL;
    """,
)
