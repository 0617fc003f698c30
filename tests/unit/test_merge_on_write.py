"""Issue 11, item 9: the epic's page ids and history are merged into what Jira holds now, so
overlapping runs (two `sync --all`, `create` during `sync`) lose nothing."""

from __future__ import annotations

from typing import Any

from nivosync.app.releases import (
    HISTORY_PROPERTY,
    PAGES_PROPERTY,
    ReleaseRecord,
    record_history,
    record_pages,
)
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
    return {"as_of": as_of, "status": "on-track", "slip_days": slip, "projected_go_live": as_of}


def test_page_ids_written_meanwhile_are_kept():
    jira = FakeJira({PAGES_PROPERTY: {"plan": "11", "notes": "12"}})  # `create` wrote these
    merged = record_pages(jira, stale_record(pages={}), {"status": "19"})  # `sync` read {} before
    assert (
        merged == jira.properties[PAGES_PROPERTY] == {"plan": "11", "notes": "12", "status": "19"}
    )


def test_history_written_by_an_overlapping_run_is_kept_each_day_once():
    jira = FakeJira({HISTORY_PROPERTY: [day("2026-12-14"), day("2026-12-15")]})
    record = stale_record(history=[day("2026-12-14")])  # read before the other run wrote 15th
    merged = record_history(jira, record, day("2026-12-16", 1), limit=60)
    assert [e["as_of"] for e in merged] == ["2026-12-14", "2026-12-15", "2026-12-16"]
    assert record_history(jira, record, day("2026-12-16", 1), limit=60) is None  # no rewrite
    again = record_history(jira, record, day("2026-12-16", 2), limit=60)  # re-measured today
    assert [(e["as_of"], e["slip_days"]) for e in again][-1] == ("2026-12-16", 2)
    assert len(again) == 3 and jira.writes == [HISTORY_PROPERTY, HISTORY_PROPERTY]
