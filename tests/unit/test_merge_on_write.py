"""Issue 11, item 9: the epic's page ids and history are merged into what Jira holds now, so
overlapping runs (two `sync --all`, `create` during `sync`) lose nothing."""

from __future__ import annotations

from datetime import date as D
from typing import Any

from nivosync.app.releases import (
    HISTORY_PROPERTY,
    PAGES_PROPERTY,
    ReleaseRecord,
    record_history,
    record_pages,
)
from nivosync.core.changes import HistoryEntry
from nivosync.jira.models import IssueSnapshot


class FakeJira:
    def __init__(self, properties: dict[str, Any]) -> None:
        self.properties = properties
        self.writes: list[str] = []

    def issue_property(self, key: str, name: str) -> Any:
        return self.properties.get(name)

    def set_issue_property(self, key: str, name: str, value: Any) -> None:
        self.writes.append(name)
        self.properties[name] = value


def stale_record(**fields: Any) -> ReleaseRecord:
    epic = IssueSnapshot(
        "NVX-1",
        "10001",
        "Epic",
        "Epic",
        "To Do",
        "new",
        None,
        None,
        None,
        None,
        (),
        None,
        frozenset(),
    )
    return ReleaseRecord(epic=epic, stored=None, baseline=None, **fields)


def day(as_of: str, slip: int = 0) -> dict[str, Any]:
    """An old-style nightly row (still read)."""
    return {"as_of": as_of, "status": "on-track", "slip_days": slip, "projected_go_live": as_of}


def seen(first: str, last: str, slip: int = 0) -> HistoryEntry:
    """A state run, as `sync` records it."""
    return HistoryEntry(
        D.fromisoformat(first), D.fromisoformat(last), "on_track", slip, D(2027, 1, 12),
        digest=f"d{slip}",
    )  # fmt: skip


def test_page_ids_written_meanwhile_are_kept():
    jira = FakeJira({PAGES_PROPERTY: {"plan": "11", "notes": "12"}})  # `create` wrote these
    merged = record_pages(jira, stale_record(pages={}), {"status": "19"})  # `sync` read {} before
    assert (
        merged == jira.properties[PAGES_PROPERTY] == {"plan": "11", "notes": "12", "status": "19"}
    )


def test_history_written_by_an_overlapping_run_is_kept_each_state_once():
    jira = FakeJira({HISTORY_PROPERTY: [seen("2026-12-14", "2026-12-15").to_json()]})
    record = stale_record(history=[seen("2026-12-14", "2026-12-14").to_json()])  # read before
    merged = record_history(jira, record, seen("2026-12-16", "2026-12-16", 1), limit=60)
    assert [(e["first_seen"], e["last_seen"]) for e in merged] == [
        ("2026-12-14", "2026-12-15"),
        ("2026-12-16", "2026-12-16"),
    ]
    assert record_history(jira, record, seen("2026-12-16", "2026-12-16", 1), limit=60) is None
    later = record_history(jira, record, seen("2026-12-16", "2026-12-17", 1), limit=60)
    assert [(e["first_seen"], e["last_seen"]) for e in later][-1] == ("2026-12-16", "2026-12-17")
    assert len(later) == 2 and jira.writes == [HISTORY_PROPERTY, HISTORY_PROPERTY]


def test_old_nightly_rows_are_read_as_runs_and_rewritten_as_such():
    jira = FakeJira(
        {HISTORY_PROPERTY: [day("2026-12-14"), day("2026-12-14"), day("2026-12-15", 1)]}
    )
    merged = record_history(jira, stale_record(), seen("2026-12-16", "2026-12-16", 2), limit=60)
    assert [(e["first_seen"], e["last_seen"], e["slip_days"]) for e in merged] == [
        ("2026-12-14", "2026-12-14", 0),
        ("2026-12-15", "2026-12-15", 1),
        ("2026-12-16", "2026-12-16", 2),
    ]


def test_a_past_as_of_is_never_written_out_of_order():
    jira = FakeJira({HISTORY_PROPERTY: [seen("2026-12-14", "2026-12-20").to_json()]})
    assert record_history(jira, stale_record(), seen("2026-12-18", "2026-12-18", 3)) is None
    assert record_history(jira, stale_record(), seen("2026-12-14", "2026-12-19")) is None
    assert jira.writes == []
