"""The page publisher against the sandbox: identity, changes only, human edits, 409, crashes."""

from __future__ import annotations

import pytest
import requests

from nivosync.app.publisher import (
    PROPERTY_KEY,
    FileToAttach,
    PageIdentity,
    PageSpec,
    Publisher,
    publish_all,
    version_message,
)
from nivosync.app.sites import confluence_gateway_for, open_sites
from nivosync.confluence.models import StaleVersion
from nivosync.errors import NivosyncError
from nivosync.http import RetryPolicy
from nivosync.inputs.config import load_config
from nivosync.sandbox.auth import user_token

from .conftest import E2ESite

IDENTITY = PageIdentity("acme-health--2.4.0", "Acme Health", "2.4.0")
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def specs(version: str = "one", shot: bytes = PNG) -> list[PageSpec]:
    return [
        PageSpec(
            "plan",
            "Acme Health 2.4.0 — Release Plan",
            f"<p>plan {version}</p>",
            labels=("customer-release",),
        ),
        PageSpec(
            "notes",
            "Acme Health 2.4.0 — Release Notes",
            "<p>notes</p>",
            attachments=(FileToAttach("shot.png", shot, "image/png"),),
        ),
    ]


@pytest.fixture
def gateway(site: E2ESite):
    config = load_config(site.config_path)
    with open_sites(config) as sites:
        yield confluence_gateway_for(sites, config, RetryPolicy(sleep=lambda _s: None))


def publisher(gateway, **kwargs) -> Publisher:
    return Publisher(gateway, gateway.space(), IDENTITY, **kwargs)


def root(gateway) -> str:
    return gateway.find_page(gateway.space(), "Customer Releases").id


def confluence_writes(site: E2ESite) -> list[str]:
    return [
        f"{r['method']} {r['path']}"
        for r in site.requests()
        if r["method"] != "GET" and r["path"].startswith(("/wiki", "/confluence"))
    ]


def human_session(site: E2ESite) -> requests.Session:
    session = requests.Session()
    login = "dana@example.com" if site.flavor == "cloud" else "dana"
    session.auth = (login, user_token(site.sandbox.seed, "dana@example.com"))
    return session


def human_edit(site: E2ESite, gateway, page_id: str, text: str, title: str | None = None) -> None:
    page = gateway.page(page_id)
    title = title or page.title
    session = human_session(site)
    base = site.sandbox.confluence_url
    if site.flavor == "cloud":
        body = {
            "id": page_id,
            "status": "current",
            "title": title,
            "body": {"representation": "storage", "value": text},
            "version": {"number": page.version + 1},
        }
        response = session.put(f"{base}/api/v2/pages/{page_id}", json=body, timeout=10)
    else:
        body = {
            "id": page_id,
            "type": "page",
            "title": title,
            "body": {"storage": {"value": text, "representation": "storage"}},
            "version": {"number": page.version + 1},
        }
        response = session.put(f"{base}/rest/api/content/{page_id}", json=body, timeout=10)
    assert response.status_code == 200, response.text


def test_create_then_unchanged_with_zero_writes_then_update(site: E2ESite, gateway):
    results = publish_all(publisher(gateway), specs(), root(gateway), {})
    assert [r.action for r in results] == ["created", "created"]
    plan = gateway.page(results[0].page_id)
    notes = gateway.page(results[1].page_id)
    assert notes.parent_id == plan.id
    assert "plan one" in plan.body and "nivosync-acme-health--2.4.0-plan" in plan.body
    assert [a.title for a in gateway.attachments(notes.id)] == ["shot.png"]
    known = {r.kind: r.page_id for r in results}

    site.clear()
    again = publish_all(publisher(gateway), specs(), root(gateway), known)
    assert [r.action for r in again] == ["unchanged", "unchanged"]
    assert confluence_writes(site) == []

    changed = publish_all(publisher(gateway), specs("two"), root(gateway), known)
    assert [r.action for r in changed] == ["updated", "unchanged"]
    page = gateway.page(known["plan"])
    assert "plan two" in page.body and page.version == plan.version + 1


def test_renamed_page_is_found_by_id_not_duplicated(site: E2ESite, gateway):
    results = publish_all(publisher(gateway), specs(), root(gateway), {})
    known = {r.kind: r.page_id for r in results}
    renamed = [
        PageSpec("plan", "Acme Health 2.4.0 — Plan (renamed)", "<p>plan one</p>"),
        specs()[1],
    ]
    again = publish_all(publisher(gateway), renamed, root(gateway), known)
    assert again[0].action == "updated" and again[0].page_id == known["plan"]
    assert gateway.find_page(gateway.space(), "Acme Health 2.4.0 — Release Plan") is None


def test_page_renamed_by_a_person_and_unrecorded_is_found_by_its_labels(site: E2ESite, gateway):
    results = publish_all(publisher(gateway), specs(), root(gateway), {})
    known = {r.kind: r.page_id for r in results}
    plan = gateway.page(known["plan"])
    human_edit(site, gateway, known["plan"], plan.body, title="Acme 2.4.0 — our plan")
    site.sandbox.faults.configure({"index_lag_seconds": 0})  # days later: the index caught up
    site.clear()
    again = publish_all(publisher(gateway), specs("two"), root(gateway), {})  # record lost
    assert [(r.action, r.page_id) for r in again] == [
        ("skipped-edited", known["plan"]),
        ("unchanged", known["notes"]),
    ]
    assert confluence_writes(site) == []
    searches = [r for r in site.requests() if r["path"].endswith("/content/search")]
    assert len(searches) == 1  # one search for the release's pages, not one per page
    assert gateway.find_page(gateway.space(), "Acme Health 2.4.0 — Release Plan") is None
    forced = publish_all(publisher(gateway, force=("plan",)), specs("two"), root(gateway), {})
    assert forced[0].action == "updated" and forced[0].page_id == known["plan"]
    assert gateway.page(known["plan"]).title == "Acme Health 2.4.0 — Release Plan"


def test_a_recorded_page_needs_no_search(site: E2ESite, gateway):
    results = publish_all(publisher(gateway), specs(), root(gateway), {})
    site.clear()
    publish_all(publisher(gateway), specs(), root(gateway), {r.kind: r.page_id for r in results})
    assert not [r for r in site.requests() if r["path"].endswith("/content/search")]


def test_an_edit_made_with_nivosyncs_own_account_is_kept(site: E2ESite, gateway):
    """People run nivosync with their own token: their edits must not pass for its writes."""
    results = publish_all(publisher(gateway), specs(), root(gateway), {})
    known = {r.kind: r.page_id for r in results}
    own = gateway.page(known["plan"])
    own_edit(gateway, own, "<p>my own notes, typed with the bot's account</p>")
    again = publish_all(publisher(gateway), specs("two"), root(gateway), known)
    assert again[0].action == "skipped-edited"
    assert "the account nivosync runs as" in again[0].message
    assert "my own notes" in gateway.page(known["plan"]).body
    renamed = gateway.page(known["plan"])
    gateway.update_page(renamed, "Our plan", renamed.body, "renamed by hand")
    assert publish_all(publisher(gateway), specs("two"), root(gateway), known)[0].action == (
        "skipped-edited"
    )


def own_edit(gateway, page, body: str) -> None:
    gateway.update_page(page, page.title, body, "")


def test_a_crash_between_page_and_property_write_is_still_nivosyncs(
    site: E2ESite, gateway, monkeypatch
):
    results = publish_all(publisher(gateway), specs(), root(gateway), {})
    known = {r.kind: r.page_id for r in results}
    real = gateway.set_page_property

    def crash(*_args, **_kwargs):
        raise NivosyncError("killed before the property write")

    monkeypatch.setattr(gateway, "set_page_property", crash)
    with pytest.raises(NivosyncError):
        publish_all(publisher(gateway), specs("two"), root(gateway), known)
    monkeypatch.setattr(gateway, "set_page_property", real)
    assert "plan two" in gateway.page(known["plan"]).body  # the body was written, unrecorded
    again = publish_all(publisher(gateway), specs("two"), root(gateway), known)
    assert again[0].action == "updated"  # recognised as its own version: property completed
    assert publish_all(publisher(gateway), specs("two"), root(gateway), known)[0].action == (
        "unchanged"
    )


def test_human_edit_is_kept_and_named_unless_force(site: E2ESite, gateway):
    results = publish_all(publisher(gateway), specs(), root(gateway), {})
    known = {r.kind: r.page_id for r in results}
    human_edit(site, gateway, known["plan"], "<p>Dana's careful notes</p>")
    site.clear()
    again = publish_all(publisher(gateway), specs("two"), root(gateway), known)
    assert again[0].action == "skipped-edited"
    assert "Dana" in again[0].message and "--force" in again[0].message
    assert "Dana's careful notes" in gateway.page(known["plan"]).body
    assert confluence_writes(site) == []
    forced = publish_all(publisher(gateway, force=("plan",)), specs("two"), root(gateway), known)
    assert forced[0].action == "updated"
    assert "plan two" in gateway.page(known["plan"]).body
    after = publish_all(publisher(gateway), specs("two"), root(gateway), known)
    assert after[0].action == "unchanged"


def test_title_collision_with_a_human_page_is_reported_not_overwritten(site: E2ESite, gateway):
    space = gateway.space()
    human = gateway.create_page(
        space, root(gateway), "Acme Health 2.4.0 — Release Plan", "<p>mine</p>"
    )
    results = publish_all(publisher(gateway), specs(), root(gateway), {})
    assert [r.action for r in results] == ["conflict", "conflict"]
    assert "already exists" in results[0].message
    assert gateway.page(human.id).body == "<p>mine</p>"


def test_page_created_before_a_crash_is_adopted_not_duplicated(site: E2ESite, gateway):
    space = gateway.space()
    first = specs()[0]
    from nivosync.app.publisher import with_anchor

    orphan = gateway.create_page(
        space, root(gateway), first.title, with_anchor(first.body, IDENTITY.anchor("plan"))
    )
    assert gateway.page_property(orphan.id, PROPERTY_KEY) is None
    results = publish_all(publisher(gateway), specs(), root(gateway), {})
    assert results[0].page_id == orphan.id and results[0].action == "unchanged"
    assert gateway.page_property(orphan.id, PROPERTY_KEY).value["kind"] == "plan"


def test_stale_version_is_reread_and_retried_once(site: E2ESite, gateway, monkeypatch):
    results = publish_all(publisher(gateway), specs(), root(gateway), {})
    known = {r.kind: r.page_id for r in results}
    real_update = type(gateway).update_page
    calls = []

    def racing_update(self, page, title, body, message, **kwargs):
        calls.append(page.version)
        if len(calls) == 1:  # our own earlier write lands first: the version we hold is stale
            mark = version_message("race", "0123456789abcdef")  # a nivosync write, not a person's
            real_update(self, page, title, "<p>interleaved</p>", mark)
        return real_update(self, page, title, body, message, **kwargs)

    monkeypatch.setattr(type(gateway), "update_page", racing_update)
    again = publish_all(publisher(gateway), specs("two"), root(gateway), known)
    assert again[0].action == "updated"
    assert len(calls) == 2 and calls[1] == calls[0] + 1
    assert "plan two" in gateway.page(known["plan"]).body


def test_dry_run_writes_nothing(site: E2ESite, gateway):
    site.clear()
    results = publish_all(publisher(gateway, dry_run=True), specs(), root(gateway), {})
    assert [r.action for r in results] == ["would create", "would create"]
    assert confluence_writes(site) == []


def lose_first_answer(site: E2ESite, path: str) -> None:
    """The first PUT matching `path` commits but its answer is lost; the transport replays it
    and the site answers 409 (the version it names was just taken by that same write)."""
    rule = {"fault": "commit-then-reset", "rate": 0.5, "method": "PUT", "path": path}
    site.sandbox.faults.configure({"seed": 1, "rules": [rule]})  # seed 1 draws: fire, then not


PROPERTY_PUT = r"^/(wiki|confluence)/.*/propert(y|ies)/[^/]+$"
PAGE_PUT = r"^/(wiki|confluence)/.*/(pages|content)/\d+$"


def test_replayed_property_put_answered_409_is_our_own_write(site: E2ESite, gateway):
    results = publish_all(publisher(gateway), specs(), root(gateway), {})
    known = {r.kind: r.page_id for r in results}
    site.clear()
    lose_first_answer(site, PROPERTY_PUT)
    again = publish_all(publisher(gateway), specs("two"), root(gateway), known)
    site.sandbox.faults.clear()
    assert [r.action for r in again] == ["updated", "unchanged"]
    puts = [(r["fault"], r["status"]) for r in site.requests() if "propert" in r["path"]]
    assert ("commit-then-reset", 200) in puts and (None, 409) in puts, puts
    page = gateway.page(known["plan"])
    recorded = gateway.page_property(page.id, PROPERTY_KEY).value
    assert recorded["version"] == page.version and "plan two" in page.body
    site.clear()
    after = publish_all(publisher(gateway), specs("two"), root(gateway), known)
    assert [r.action for r in after] == ["unchanged", "unchanged"]
    assert confluence_writes(site) == []


def test_replayed_page_put_answered_409_makes_no_second_version(site: E2ESite, gateway):
    results = publish_all(publisher(gateway), specs(), root(gateway), {})
    known = {r.kind: r.page_id for r in results}
    before = gateway.page(known["plan"]).version
    site.clear()
    lose_first_answer(site, PAGE_PUT)
    again = publish_all(publisher(gateway), specs("two"), root(gateway), known)
    site.sandbox.faults.clear()
    assert [r.action for r in again] == ["updated", "unchanged"]
    puts = [(r["fault"], r["status"]) for r in site.requests() if r["method"] == "PUT"]
    assert ("commit-then-reset", 200) in puts and (None, 409) in puts, puts
    page = gateway.page(known["plan"])
    assert page.version == before + 1 and "plan two" in page.body
    assert gateway.page_property(page.id, PROPERTY_KEY).value["version"] == page.version


def racing_property_writes(monkeypatch, gateway, races: int) -> list[int]:
    """Before each of the first `races` property writes, another writer bumps the property."""
    real_set = type(gateway).set_page_property
    calls: list[int] = []

    def racing_set(self, page_id, key, value, current):
        calls.append(current.version if current else 0)
        if current is not None and len(calls) <= races:
            real_set(self, page_id, key, {**value, "hash": "someone else's"}, current)
        return real_set(self, page_id, key, value, current)

    monkeypatch.setattr(type(gateway), "set_page_property", racing_set)
    return calls


def test_property_409_with_other_content_is_retried_once_with_the_fresh_version(
    site: E2ESite, gateway, monkeypatch
):
    results = publish_all(publisher(gateway), specs(), root(gateway), {})
    known = {r.kind: r.page_id for r in results}
    calls = racing_property_writes(monkeypatch, gateway, races=1)
    again = publish_all(publisher(gateway), specs("two"), root(gateway), known)
    assert [r.action for r in again] == ["updated", "unchanged"]
    assert len(calls) == 2 and calls[1] == calls[0] + 1
    page = gateway.page(known["plan"])
    recorded = gateway.page_property(page.id, PROPERTY_KEY).value
    assert recorded["version"] == page.version and recorded["hash"] != "someone else's"


def test_property_409_twice_is_a_clear_error(site: E2ESite, gateway, monkeypatch):
    results = publish_all(publisher(gateway), specs(), root(gateway), {})
    known = {r.kind: r.page_id for r in results}
    calls = racing_property_writes(monkeypatch, gateway, races=2)
    with pytest.raises(NivosyncError) as caught:
        publish_all(publisher(gateway), specs("two"), root(gateway), known)
    assert not isinstance(caught.value, StaleVersion)
    message = str(caught.value)
    assert "HTTP 409 twice" in message and "Release Plan" in message
    assert "publish again" in message
    assert len(calls) == 2


def attachment_version(site: E2ESite, page_id: str, filename: str) -> int:
    """The current version of a page's attachment, read where the flavour lists them."""
    base, auth = site.sandbox.confluence_url, site.sandbox.auth
    if site.flavor == "cloud":
        url, params = f"{base}/api/v2/pages/{page_id}/attachments", {"filename": filename}
    else:
        url = f"{base}/rest/api/content/{page_id}/child/attachment"
        params = {"filename": filename, "expand": "version"}
    (found,) = requests.get(url, params=params, auth=auth, timeout=10).json()["results"]
    return int(found["version"]["number"])


def v1_listing_status(site: E2ESite, page_id: str) -> int:
    """What the v1 attachment listing answers: Cloud has removed it (410), DC keeps it."""
    url = f"{site.sandbox.confluence_url}/rest/api/content/{page_id}/child/attachment"
    return requests.get(url, auth=site.sandbox.auth, timeout=10).status_code


def test_changed_attachment_becomes_a_new_version_with_the_410s_on(site: E2ESite, gateway):
    results = publish_all(publisher(gateway), specs(), root(gateway), {})
    known = {r.kind: r.page_id for r in results}
    notes = known["notes"]
    assert v1_listing_status(site, notes) == (410 if site.flavor == "cloud" else 200)
    site.clear()
    changed = publish_all(publisher(gateway), specs(shot=PNG + b"v2"), root(gateway), known)
    served, writes = site.requests(), confluence_writes(site)
    assert [r.action for r in changed] == ["unchanged", "updated"]
    assert 410 not in {r["status"] for r in served}, served
    listed = [r["path"] for r in served if r["method"] == "GET" and "attachment" in r["path"]]
    context = "/wiki" if site.flavor == "cloud" else "/confluence"
    files = f"{context}/rest/api/content/{notes}/child/attachment"
    # Cloud lists with v2 (its v1 listing is gone), DC with v1; both upload with v1.
    assert listed == [f"/wiki/api/v2/pages/{notes}/attachments" if context == "/wiki" else files]
    (shot,) = gateway.attachments(notes)
    assert shot.title == "shot.png" and attachment_version(site, notes, "shot.png") == 2
    assert [w for w in writes if "attachment" in w] == [f"POST {files}/{shot.id}/data"]
    recorded = gateway.page_property(notes, PROPERTY_KEY).value["attachments"]
    assert recorded == {"shot.png": FileToAttach("shot.png", PNG + b"v2", "").sha256}
    site.clear()
    again = publish_all(publisher(gateway), specs(shot=PNG + b"v2"), root(gateway), known)
    assert [r.action for r in again] == ["unchanged", "unchanged"]
    assert confluence_writes(site) == []


def test_minor_updates_are_minor_edits_on_data_center(site: E2ESite, gateway):
    results = publish_all(publisher(gateway), specs(), root(gateway), {})
    known = {r.kind: r.page_id for r in results}
    again = publish_all(publisher(gateway, minor=True), specs("two"), root(gateway), known)
    assert again[0].action == "updated"  # Cloud: sent without minorEdit (v2 refuses it)
    base, auth = site.sandbox.confluence_url, site.sandbox.auth
    if site.flavor == "cloud":
        url, params = f"{base}/api/v2/pages/{known['plan']}", {}
    else:
        url, params = f"{base}/rest/api/content/{known['plan']}", {"expand": "version"}
    version = requests.get(url, params=params, auth=auth, timeout=10).json()["version"]
    assert version["minorEdit"] is (site.flavor == "datacenter")
