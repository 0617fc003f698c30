"""One owner for identity: which duplicate is "the" task, task ids, slugs and JQL quoting."""

from __future__ import annotations

from datetime import date

import pytest

from nivosync.app.page_sources import issue_refs
from nivosync.app.task_states import task_statuses
from nivosync.core.identity import (
    EPIC_LABEL,
    belongs_to,
    is_epic,
    key_order,
    missing_labels,
    oldest_first,
    release_jql,
    slug_from_labels,
    task_id_of,
    task_issues,
    task_label,
    tasks_jql,
)
from nivosync.jira.models import IssueSnapshot


def issue(key: str, *labels: str, **properties: object) -> IssueSnapshot:
    return IssueSnapshot(
        key=key,
        id=key.split("-")[1],
        summary=f"summary of {key}",
        issue_type="Task",
        status="To Do",
        status_category="new",
        assignee=None,
        due=date(2027, 1, 12),
        start=None,
        resolved=None,
        labels=labels,
        epic_key=None,
        blocked_by=frozenset(),
        properties=dict(properties),
    )


DUPLICATES = [
    issue("REL-10", "nivosync", task_label("production-deployment")),
    issue("REL-9", "nivosync", task_label("production-deployment")),
]


def test_keys_sort_by_number_not_text():
    assert [i.key for i in oldest_first(DUPLICATES)] == ["REL-9", "REL-10"]
    assert key_order("REL-9") < key_order("REL-10") < key_order("REL-100")


@pytest.mark.parametrize("found", [DUPLICATES, list(reversed(DUPLICATES))])
def test_every_path_picks_the_same_duplicate(found):
    """create (reconcile), sync (task statuses) and the pages (issue refs) agree on REL-9."""
    assert task_issues(found)["production-deployment"].key == "REL-9"
    assert task_statuses(found)["production-deployment"].key == "REL-9"
    refs, _ = issue_refs(found, lambda key: f"https://jira/browse/{key}")
    assert refs["production-deployment"].key == "REL-9"


def test_the_task_label_wins_and_the_property_backs_it_up():
    """Issue 11, item 11: an edited property (`task_id`) no longer re-assigns the issue; a
    removed label falls back to the property, and `missing_labels` says what to put back."""
    edited = issue("REL-3", task_label("environment-review"), nivosync={"task_id": "other"})
    assert task_id_of(edited) == "environment-review"
    unlabelled = issue("REL-5", "nivosync", nivosync={"task_id": "environment-review", "slug": "s"})
    assert task_id_of(unlabelled) == "environment-review"
    assert belongs_to(unlabelled, "s") and not belongs_to(unlabelled, "t")
    assert missing_labels(unlabelled, "s") == ("nivosync-s", task_label("environment-review"))
    assert task_id_of(issue("REL-4", "nivosync")) is None


def test_an_epic_is_known_by_its_property_too():
    epic = issue("REL-1", "nivosync", nivosync={"kind": "epic", "slug": "s"})
    assert is_epic(epic)
    assert missing_labels(epic, "s") == ("nivosync-s", EPIC_LABEL)


def test_epic_is_never_a_task():
    epic = issue("REL-1", EPIC_LABEL, nivosync={"task_id": "environment-review"})
    assert task_issues([epic]) == {}


def test_slug_from_labels_skips_nivosync_own_labels():
    labels = ("nivosync", EPIC_LABEL, "nivosync-acme-health--2.4.0", task_label("x"))
    assert slug_from_labels(labels) == "acme-health--2.4.0"


def test_release_jql_quotes_every_value():
    assert release_jql('N"X', "nivosync-a\\b") == (
        'project = "N\\"X" AND labels = "nivosync-a\\\\b" ORDER BY key ASC'
    )
    assert 'labels in ("l1", "l\\"2")' in tasks_jql("NVX", ["l1", 'l"2'])
