"""Jira's tables (append-only migrations, namespace "jira")."""

from __future__ import annotations

MIGRATIONS = (
    """
    CREATE TABLE jira_projects (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        lead_id INTEGER REFERENCES users (id),
        next_num INTEGER NOT NULL DEFAULT 1
    );
    CREATE TABLE jira_issues (
        id INTEGER PRIMARY KEY,
        project_id INTEGER NOT NULL REFERENCES jira_projects (id),
        num INTEGER NOT NULL,
        key TEXT NOT NULL UNIQUE,
        issue_type_id TEXT NOT NULL,
        summary TEXT NOT NULL,
        description TEXT,
        status_id TEXT NOT NULL,
        priority_id TEXT NOT NULL,
        assignee_id INTEGER REFERENCES users (id),
        reporter_id INTEGER REFERENCES users (id),
        creator_id INTEGER REFERENCES users (id),
        parent_id INTEGER REFERENCES jira_issues (id),
        epic_id INTEGER REFERENCES jira_issues (id),
        epic_name TEXT,
        duedate TEXT,
        start_date TEXT,
        resolution_id TEXT,
        resolutiondate TEXT,
        created TEXT NOT NULL,
        updated TEXT NOT NULL,
        status_changed TEXT NOT NULL,
        UNIQUE (project_id, num)
    );
    CREATE INDEX jira_issues_parent ON jira_issues (parent_id);
    CREATE INDEX jira_issues_epic ON jira_issues (epic_id);
    CREATE INDEX jira_issues_assignee ON jira_issues (assignee_id);
    CREATE INDEX jira_issues_status ON jira_issues (status_id);
    CREATE INDEX jira_issues_type ON jira_issues (issue_type_id);
    CREATE INDEX jira_issues_duedate ON jira_issues (duedate);
    CREATE TABLE jira_labels (
        issue_id INTEGER NOT NULL REFERENCES jira_issues (id) ON DELETE CASCADE,
        label TEXT NOT NULL,
        PRIMARY KEY (issue_id, label)
    );
    CREATE INDEX jira_labels_label ON jira_labels (label, issue_id);
    CREATE TABLE jira_versions (
        id INTEGER PRIMARY KEY,
        project_id INTEGER NOT NULL REFERENCES jira_projects (id),
        name TEXT NOT NULL,
        description TEXT,
        start_date TEXT,
        release_date TEXT,
        released INTEGER NOT NULL DEFAULT 0,
        archived INTEGER NOT NULL DEFAULT 0,
        UNIQUE (project_id, name)
    );
    CREATE TABLE jira_fix_versions (
        issue_id INTEGER NOT NULL REFERENCES jira_issues (id) ON DELETE CASCADE,
        version_id INTEGER NOT NULL REFERENCES jira_versions (id),
        PRIMARY KEY (issue_id, version_id)
    );
    CREATE INDEX jira_fix_versions_version ON jira_fix_versions (version_id, issue_id);
    CREATE TABLE jira_watchers (
        issue_id INTEGER NOT NULL REFERENCES jira_issues (id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL REFERENCES users (id),
        PRIMARY KEY (issue_id, user_id)
    );
    CREATE TABLE jira_links (
        id INTEGER PRIMARY KEY,
        type_id TEXT NOT NULL,
        source_id INTEGER NOT NULL REFERENCES jira_issues (id) ON DELETE CASCADE,
        dest_id INTEGER NOT NULL REFERENCES jira_issues (id) ON DELETE CASCADE,
        UNIQUE (type_id, source_id, dest_id)
    );
    CREATE INDEX jira_links_source ON jira_links (source_id);
    CREATE INDEX jira_links_dest ON jira_links (dest_id);
    CREATE TABLE jira_issue_properties (
        issue_id INTEGER NOT NULL REFERENCES jira_issues (id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (issue_id, key)
    );
    """,
    # When each issue was last written, in real seconds (not the sandbox clock): search hides
    # issues written within the index lag, as Jira Cloud's eventually consistent index does.
    """
    ALTER TABLE jira_issues ADD COLUMN written_at REAL;
    CREATE TRIGGER jira_issues_written_insert AFTER INSERT ON jira_issues BEGIN
        UPDATE jira_issues SET written_at = (julianday('now') - 2440587.5) * 86400.0
        WHERE id = NEW.id;
    END;
    CREATE TRIGGER jira_issues_written_update AFTER UPDATE OF updated ON jira_issues BEGIN
        UPDATE jira_issues SET written_at = (julianday('now') - 2440587.5) * 86400.0
        WHERE id = NEW.id;
    END;
    """,
    """
    CREATE TABLE jira_user_properties (
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (user_id, key)
    );
    """,
    # Values of the seed's own custom fields (see seed.FieldSeed): field id → JSON.
    """
    CREATE TABLE jira_field_values (
        issue_id INTEGER NOT NULL REFERENCES jira_issues (id) ON DELETE CASCADE,
        field_id TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (issue_id, field_id)
    );
    """,
    # Issue comments; `body` is JSON: ADF on Cloud (as Cloud keeps it), a string on Data Center.
    """
    CREATE TABLE jira_comments (
        id INTEGER PRIMARY KEY,
        issue_id INTEGER NOT NULL REFERENCES jira_issues (id) ON DELETE CASCADE,
        author_id INTEGER NOT NULL REFERENCES users (id),
        body TEXT NOT NULL,
        created TEXT NOT NULL,
        updated TEXT NOT NULL
    );
    CREATE INDEX jira_comments_issue ON jira_comments (issue_id, id);
    """,
    # The change history (changelog): one row per change, its items as Jira lists them (JSON).
    """
    CREATE TABLE jira_changelog (
        id INTEGER PRIMARY KEY,
        issue_id INTEGER NOT NULL REFERENCES jira_issues (id) ON DELETE CASCADE,
        author_id INTEGER REFERENCES users (id),
        created TEXT NOT NULL,
        items TEXT NOT NULL
    );
    CREATE INDEX jira_changelog_issue ON jira_changelog (issue_id, id);
    """,
)
