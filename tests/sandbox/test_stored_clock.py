"""The sandbox's clock is kept in its database: every site on the file reads the same time, a
restarted site keeps it, and nivosync reads it without opening the site."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from nivosync.sandbox import Sandbox, reset_db, stored_moment
from nivosync.sandbox.seed import demo_seed

from .site import Site

FROZEN = datetime(2026, 12, 16, 12, tzinfo=UTC)


def test_sites_on_one_file_share_the_clock_and_a_restart_keeps_it(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    assert stored_moment(db) is None  # no site there yet
    with (
        Sandbox.start(db, demo_seed("cloud")) as served,
        Sandbox.start(db, demo_seed("cloud")) as other,
    ):
        assert stored_moment(db) is None and other.clock.frozen_at is None
        answer = Site(served).post("/_sandbox/clock", json={"now": "2026-12-16T12:00:00Z"})
        assert answer.json() == {"now": "2026-12-16T12:00:00Z", "frozen": True}
        assert other.clock.now() == FROZEN  # the other process's site, on the same file
        assert Site(other).get("/_sandbox/clock").json()["now"] == "2026-12-16T12:00:00Z"
        fields = {"project": {"key": "NIVO"}, "issuetype": {"name": "Task"}, "summary": "T"}
        issue = Site(other).post("/rest/api/3/issue", json={"fields": fields}).json()
        created = Site(served).get(f"/rest/api/3/issue/{issue['key']}").json()["fields"]["created"]
        assert created.startswith("2026-12-16T12:00:00")
    assert stored_moment(db) == FROZEN
    with Sandbox.start(db, demo_seed("cloud")) as restarted:
        assert restarted.clock.now() == FROZEN
        restarted.clock.set(None)
        assert restarted.clock.frozen_at is None
    assert stored_moment(db) is None
    reset_db(db)
    assert stored_moment(db) is None


def test_the_view_says_where_the_clock_stands(site: Site) -> None:
    assert "clock stands" not in site.get("/", headers={"Accept": "text/html"}).text
    site.sandbox.clock.set(FROZEN)
    page = site.get("/", headers={"Accept": "text/html"}).text
    assert "The sandbox's clock stands at 2026-12-16 12:00 UTC" in page
