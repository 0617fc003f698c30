"""Issue 15: a night with no change costs one write — the night record on nivosync's own Jira
user — not a history write per release; the history stays as true as when every epic was
written (the last night each state was seen), across quiet nights, a change and a look back."""

from __future__ import annotations

from .conftest import E2ESite
from .test_lifecycle import epic_property
from .test_sync import create, sync

QUIET = ("2026-12-02", "2026-12-03", "2026-12-04", "2026-12-07")  # before any task is due


def writes(site: E2ESite) -> list[str]:
    return [f"{w['method']} {w['path']}" for w in site.writes()]


def test_quiet_nights_write_only_the_night_record_and_the_history_keeps_their_last(
    site: E2ESite,
):
    create(site)
    code, first = sync(site, "--all", "--as-of", "2026-12-01")
    assert code == 0, first
    epic = first["releases"][0]["epic"]
    assert [e["last_seen"] for e in epic_property(site, epic, "nivosync.history")] == ["2026-12-01"]
    for day in QUIET:
        site.clear()
        code, quiet = sync(site, "--all", "--as-of", day)
        assert quiet["releases"][0]["change"]["kind"] == "unchanged", day
        (written,) = writes(site)  # one write a night, whatever the number of releases
        assert written.endswith("/user/properties/nivosync.nights.nvx"), written
    # the epic was not written on those nights ...
    assert [e["last_seen"] for e in epic_property(site, epic, "nivosync.history")] == ["2026-12-01"]
    site.clear()
    sync(site, "--all", "--as-of", QUIET[-1])
    assert writes(site) == []  # the same night again: nothing at all
    site.clear()
    # a look back (before the last night seen, which only the night record says): no page,
    # no history, no night record
    code, back = sync(site, "--all", "--as-of", "2026-12-03")
    assert "status_page" not in back["releases"][0] and "change" not in back["releases"][0]
    assert writes(site) == []
    # ... and the first change after them records the old state as seen until the last one
    site.clear()
    code, changed = sync(site, "--all", "--as-of", "2026-12-08")
    assert changed["releases"][0]["change"]["kind"] == "worsened"
    history = epic_property(site, epic, "nivosync.history")
    assert [(e["first_seen"], e["last_seen"]) for e in history] == [
        ("2026-12-01", "2026-12-07"),
        ("2026-12-08", "2026-12-08"),
    ]


def test_a_single_release_sync_writes_its_own_last_seen(site: E2ESite):
    """A single release's sync keeps no night record (it does not see every release)."""
    create(site)
    acme = ["--customer", "Acme Health", "--release", "2.4.0"]
    sync(site, *acme, "--as-of", "2026-12-01")
    site.clear()
    _code, quiet = sync(site, *acme, "--as-of", "2026-12-02")
    assert quiet["releases"][0]["change"]["kind"] == "unchanged"
    assert [w for w in writes(site) if "nights" in w] == []
    epic = quiet["releases"][0]["epic"]
    assert [e["last_seen"] for e in epic_property(site, epic, "nivosync.history")] == ["2026-12-02"]
