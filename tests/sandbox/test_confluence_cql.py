"""CQL content search: the parser and its SQL (no HTTP), then ``<v1>/content/search`` over real
HTTP on both flavours (labels, spaces, permissions, trash, paging, expand, index lag, 400s)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import requests

from nivosync.sandbox import Sandbox
from nivosync.sandbox.auth import user_token
from nivosync.sandbox.confluence import labels as label_store
from nivosync.sandbox.confluence import pages as page_store
from nivosync.sandbox.confluence.content_search import CLOUD_BAD_REQUEST, MISSING_CQL
from nivosync.sandbox.confluence.cql import (
    Clause,
    CqlError,
    Junction,
    Not,
    compile_where,
    parse,
    tokenize,
)
from nivosync.sandbox.confluence.schema import MIGRATIONS
from nivosync.sandbox.seed import Flavor, UserSeed, demo_seed

from .site import Site

V2 = "/wiki/api/v2"
NOBODY = UserSeed("Nora Nobody", "nora@example.com", "nora", space=frozenset())
VIEWER = UserSeed("Vera Viewer", "vera@example.com", "vera", space=frozenset({"view"}))


def eq(field: str, *values: str, op: str = "=") -> Clause:
    return Clause(field, op, values)


# --- parsing ---------------------------------------------------------------------------------


def test_and_binds_tighter_than_or() -> None:
    assert parse("label = a OR label = b AND space = X") == Junction(
        "or", (eq("label", "a"), Junction("and", (eq("label", "b"), eq("space", "X"))))
    )
    assert parse("(label = a OR label = b) AND space = X") == Junction(
        "and", (Junction("or", (eq("label", "a"), eq("label", "b"))), eq("space", "X"))
    )


def test_not_binds_tighter_than_and() -> None:
    assert parse("NOT label = a AND label = b") == Junction(
        "and", (Not(eq("label", "a")), eq("label", "b"))
    )
    assert parse("not (label = a or label = b)") == Not(
        Junction("or", (eq("label", "a"), eq("label", "b")))
    )
    assert parse("label = a and not not title ~ x") == Junction(
        "and", (eq("label", "a"), Not(Not(eq("title", "x", op="~"))))
    )


def test_in_and_not_in_lists() -> None:
    assert parse('label in (a, "b c", 12)') == Clause("label", "in", ("a", "b c", "12"))
    assert parse("space NOT IN (A,B)") == Clause("space", "not in", ("A", "B"))
    assert parse("id in (65537)") == Clause("id", "in", ("65537",))


def test_quoting_escapes_bare_words_and_case() -> None:
    assert parse(r'title = "say \"hi\" \\ now"') == eq("title", 'say "hi" \\ now')
    assert parse(r"label = 'it\'s'") == eq("label", "it's")
    assert parse('label = "and"') == eq("label", "and")  # a quoted keyword is a value
    assert parse("LABEL = release-2026 AnD Space.Key = NIVO") == Junction(
        "and", (eq("label", "release-2026"), eq("space", "NIVO"))
    )
    assert parse("type=page and content!=42") == Junction(
        "and", (eq("type", "page"), eq("id", "42", op="!="))
    )
    assert [t.kind for t in tokenize("a!~'b'")] == ["word", "op", "string", "end"]


@pytest.mark.parametrize(
    "cql",
    [
        "",
        "label",
        "label =",
        "label = a AND",
        "label = a OR OR label = b",
        "(label = a",
        "label = a)",
        "label = a label = b",
        "foo = bar",
        "text ~ plan",
        "label ~ a",
        "space > A",
        "id = abc",
        'title = "open',
        "label in a",
        "label in ()",
        "label not = a",
        "label = and",
        "label = a ORDER BY title",
        "creator = currentUser()",
        "label = a & b",
        "(" * 60 + "label = a" + ")" * 60,
    ],
)
def test_bad_cql_is_an_error(cql: str) -> None:
    with pytest.raises(CqlError):
        parse(cql)


# --- SQL (over the real schema, in memory) ---------------------------------------------------


@pytest.fixture
def memory() -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(":memory:")
    conn.row_factory = sqlite3.Row
    for script in MIGRATIONS:
        conn.executescript(script)
    yield conn
    conn.close()


def _page(conn: sqlite3.Connection, space: page_store.Space, title: str, parent: int | None) -> int:
    write = page_store.PageWrite(title, "", None, "2026-01-01T00:00:00.000Z", parent_id=parent)
    return page_store.create_page(conn, space, replace(write, rewrite=False)).id


def _tree(conn: sqlite3.Connection) -> dict[str, int]:
    """NIVO: Home > Plan > Week 1 (labels plan, Week); OPS: Ops home (label plan)."""
    nivo = page_store.create_space(conn, "NIVO", "Nivo", None, "now")
    ops = page_store.create_space(conn, "OPS", "Ops", None, "now")
    ids = {"home": _page(conn, nivo, "Home", None)}
    ids["plan"] = _page(conn, nivo, "Release Plan", ids["home"])
    ids["week"] = _page(conn, nivo, "Week 1", ids["plan"])
    ids["ops"] = _page(conn, ops, "Ops home", None)
    label_store.add_label(conn, ids["week"], "global", "plan")
    label_store.add_label(conn, ids["week"], "global", "Week")
    label_store.add_label(conn, ids["ops"], "global", "plan")
    return ids


def _matching(conn: sqlite3.Connection, cql: str, labels_before: float | None = None) -> list[int]:
    where, params = compile_where(parse(cql), labels_before)
    rows = conn.execute(
        "SELECT p.id FROM conf_pages p JOIN conf_spaces s ON s.id = p.space_id"
        f" WHERE {where} ORDER BY p.id",
        params,
    ).fetchall()
    return [row[0] for row in rows]


def test_sql_follows_the_cql(memory: sqlite3.Connection) -> None:
    ids = _tree(memory)
    home, plan, week, ops = ids["home"], ids["plan"], ids["week"], ids["ops"]
    assert _matching(memory, "label = PLAN") == [week, ops]  # labels compare lower-cased
    assert _matching(memory, "label = plan and space = NIVO") == [week]
    assert _matching(memory, "label != plan") == [home, plan]  # unlabelled pages too
    assert _matching(memory, "label not in (plan, week)") == [home, plan]
    assert _matching(memory, "space in (NIVO, OPS) and not label = plan") == [home, plan]
    assert _matching(memory, "label = plan or title = home and space = NIVO") == [home, week, ops]
    assert _matching(memory, "(label = plan or title = home) and space = NIVO") == [home, week]
    assert _matching(memory, "title ~ PLAN") == [plan]
    assert _matching(memory, "title ~ 'ho*'") == [home, ops]
    assert _matching(memory, "title !~ home") == [plan, week]
    assert _matching(memory, "type = page") == [home, plan, week, ops]
    assert _matching(memory, "type = blogpost or type not in (page)") == []
    assert _matching(memory, "type != blogpost and space = OPS") == [ops]
    assert _matching(memory, f"ancestor = {home}") == [plan, week]
    assert _matching(memory, f"parent = {home}") == [plan]
    assert _matching(memory, f"parent != {home}") == [home, week, ops]  # no parent: not home
    assert _matching(memory, f"id in ({home}, {ops}) and id != {ops}") == [home]


def test_labels_added_after_the_cutoff_do_not_match(memory: sqlite3.Connection) -> None:
    ids = _tree(memory)
    memory.execute("UPDATE conf_page_labels SET added_at = 100 WHERE page_id = ?", (ids["ops"],))
    memory.execute("UPDATE conf_page_labels SET added_at = 300 WHERE page_id = ?", (ids["week"],))
    assert _matching(memory, "label = plan", labels_before=200) == [ids["ops"]]
    assert ids["week"] in _matching(memory, "label != plan", labels_before=200)
    memory.execute("UPDATE conf_page_labels SET added_at = NULL")  # rows older than the column
    assert _matching(memory, "label = plan", labels_before=0) == [ids["week"], ids["ops"]]


# --- over HTTP -------------------------------------------------------------------------------


def v1(site: Site) -> str:
    return "/wiki/rest/api" if site.flavor == "cloud" else "/confluence/rest/api"


def create_page(site: Site, title: str, parent: str | None = None) -> str:
    if site.flavor == "cloud":
        space = site.get(f"{V2}/spaces", params={"keys": "NIVO"}).json()["results"][0]["id"]
        body: dict[str, Any] = {
            "spaceId": space,
            "status": "current",
            "title": title,
            "body": {"representation": "storage", "value": "<p>x</p>"},
        }
        if parent:
            body["parentId"] = parent
        made = site.post(f"{V2}/pages", json=body)
    else:
        body = {
            "type": "page",
            "title": title,
            "space": {"key": "NIVO"},
            "body": {"storage": {"value": "<p>x</p>", "representation": "storage"}},
        }
        if parent:
            body["ancestors"] = [{"id": parent}]
        made = site.post(f"{v1(site)}/content", json=body)
    assert made.status_code == 200, made.text
    return str(made.json()["id"])


def add_labels(site: Site, page_id: str, *names: str) -> None:
    items = [{"prefix": "global", "name": name} for name in names]
    assert site.post(f"{v1(site)}/content/{page_id}/label", json=items).ok


def search(site: Site, cql: str, **params: Any) -> requests.Response:
    return site.get(f"{v1(site)}/content/search", params={"cql": cql, **params})


def found(site: Site, cql: str, **params: Any) -> list[str]:
    answer = search(site, cql, **params)
    assert answer.status_code == 200, answer.text
    return [item["id"] for item in answer.json()["results"]]


def test_label_search_finds_labelled_pages_only(site: Site) -> None:
    tagged = create_page(site, "Tagged")
    create_page(site, "Plain")
    add_labels(site, tagged, "Nivosync-A")  # stored lower-cased
    cql = 'space = "NIVO" AND type = page AND label = "nivosync-a"'
    assert found(site, cql) == [tagged]
    assert found(site, "label = nivosync-b") == []
    assert found(site, "label = nivosync-a and type = blogpost") == []


def test_space_filter(site: Site) -> None:
    with site.sandbox.app.store.write() as conn:
        other = page_store.create_space(conn, "OTHER", "Other", None, "2026-01-01T00:00:00.000Z")
        write = page_store.PageWrite("Elsewhere", "", None, "2026-01-01T00:00:00.000Z")
        elsewhere = str(page_store.create_page(conn, other, write).id)
        label_store.add_label(conn, int(elsewhere), "global", "shared")
    here = create_page(site, "Here")
    add_labels(site, here, "shared")
    assert found(site, "label = shared") == [elsewhere, here]
    assert found(site, "label = shared and space = NIVO") == [here]
    assert found(site, "label = shared and space.key in (OTHER)") == [elsewhere]
    assert found(site, "label = shared and space != NIVO") == [elsewhere]


def _session(site: Site, user: UserSeed) -> requests.Session:
    session = requests.Session()
    login = user.email if site.flavor == "cloud" else user.username
    session.auth = (login, user_token(site.sandbox.seed, user.email))
    session.headers["Accept"] = "application/json"
    return session


@pytest.fixture(params=["cloud", "datacenter"])
def restricted(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    demo = demo_seed(request.param)
    seed = replace(demo, users=(*demo.users, NOBODY, VIEWER))
    with Sandbox.start(tmp_path / "r.db", seed, faults={"index_lag_seconds": 0}) as sandbox:
        site = Site(sandbox)
        yield site
        site.session.close()


def test_a_space_the_caller_may_not_view_is_not_searched(restricted: Site) -> None:
    page = create_page(restricted, "Secret")
    add_labels(restricted, page, "secret")
    url = restricted.url(f"{v1(restricted)}/content/search")
    for user, expected in ((NOBODY, []), (VIEWER, [page])):
        with _session(restricted, user) as session:
            answer = session.get(url, params={"cql": "label = secret"}, timeout=10)
        assert answer.status_code == 200, answer.text
        assert [item["id"] for item in answer.json()["results"]] == expected


def test_trashed_pages_are_not_found(site: Site) -> None:
    page = create_page(site, "Doomed")
    add_labels(site, page, "doomed")
    assert found(site, "label = doomed") == [page]
    path = f"{V2}/pages/{page}" if site.flavor == "cloud" else f"{v1(site)}/content/{page}"
    assert site.delete(path).status_code == 204
    assert found(site, "label = doomed") == []
    assert found(site, f"id = {page}") == []


def test_expand_works_as_on_the_other_v1_listings(site: Site) -> None:
    page = create_page(site, "Expanded")
    add_labels(site, page, "b-label", "a-label")
    answer = search(site, "label = a-label", expand="metadata.labels,version,body.storage")
    item = answer.json()["results"][0]
    names = [lb["name"] for lb in item["metadata"]["labels"]["results"]]
    assert (item["id"], item["type"], item["status"]) == (page, "page", "current")
    assert names == ["a-label", "b-label"]
    assert item["version"]["number"] == 1
    assert item["body"]["storage"]["value"] == "<p>x</p>"
    bare = search(site, "label = a-label").json()["results"][0]
    assert "version" not in bare and "version" in bare["_expandable"]


def _labelled_pages(site: Site, count: int, label: str) -> list[str]:
    made = [create_page(site, f"Paged {i}") for i in range(count)]
    for page in made:
        add_labels(site, page, label)
    return made


def test_cloud_pages_by_cursor(cloud: Site) -> None:
    made = _labelled_pages(cloud, 5, "paged")
    first = search(cloud, "label = paged", limit=2).json()
    assert set(first) >= {"results", "start", "limit", "size", "_links"}
    assert (first["start"], first["limit"], first["size"]) == (0, 2, 2)
    assert "prev" not in first["_links"]
    seen, page = [], first
    while True:
        seen += [item["id"] for item in page["results"]]
        link = page["_links"].get("next")
        if not link:
            break
        assert link.startswith("/rest/api/content/search?") and "cursor=" in link
        page = cloud.get("/wiki" + link).json()
    assert seen == made
    second = cloud.get("/wiki" + first["_links"]["next"]).json()
    assert second["start"] == 2
    back = cloud.get("/wiki" + second["_links"]["prev"]).json()
    assert [item["id"] for item in back["results"]] == made[:2]
    assert "prev" not in back["_links"]
    assert search(cloud, "label = paged", cursor="not-a-cursor").status_code == 400


def test_dc_pages_by_start(dc: Site) -> None:
    made = _labelled_pages(dc, 5, "paged")
    first = search(dc, "label = paged", limit=2).json()
    assert (first["start"], first["limit"], first["size"]) == (0, 2, 2)
    seen, page = [], first
    while True:
        seen += [item["id"] for item in page["results"]]
        link = page["_links"].get("next")
        if not link:
            break
        assert link.startswith("/rest/api/content/search?") and "start=" in link
        page = dc.get("/confluence" + link).json()
    assert seen == made
    assert found(dc, "label = paged", start=4, limit=2) == made[4:]


def test_limits_are_capped_as_documented(site: Site) -> None:
    def limit(**params: Any) -> int:
        return int(search(site, "type = page", limit=5000, **params).json()["limit"])

    if site.flavor == "cloud":
        assert (limit(), limit(expand="version")) == (250, 250)
        assert limit(expand="body.export_view") == 25
    else:
        assert (limit(), limit(expand="version"), limit(expand="body.storage")) == (1000, 200, 50)
    assert search(site, "type = page").json()["limit"] == 25
    for bad in ("0", "-1", "ten"):
        assert search(site, "type = page", limit=bad).status_code == 400


def test_bad_and_missing_cql_answer_400_in_the_products_shape(site: Site) -> None:
    prefix = CLOUD_BAD_REQUEST if site.flavor == "cloud" else ""
    for cql in ("foo = bar", "label = (", "label ~ x", "creator = currentUser()"):
        answer = search(site, cql)
        assert answer.status_code == 400, cql
        body = answer.json()
        assert body["message"] == f"{prefix}Could not parse cql : {cql}"
        assert (body["statusCode"], body["reason"]) == (400, "Bad Request")
    for params in ({}, {"cql": "  "}):
        answer = site.get(f"{v1(site)}/content/search", params=params)
        assert answer.status_code == 400
        assert answer.json()["message"] == prefix + MISSING_CQL


def test_cloud_serves_search_beside_the_removed_content_routes(cloud: Site) -> None:
    assert cloud.get("/wiki/rest/api/content/search", params={"cql": "type = page"}).ok
    assert cloud.get("/wiki/rest/api/content").status_code == 410
    assert cloud.get("/wiki/rest/api/content/65537").status_code == 410
    assert cloud.post("/wiki/rest/api/content/search").status_code == 405


# --- the index lag ---------------------------------------------------------------------------


def _lagging(tmp_path: Path, flavor: Flavor, lag: float) -> Iterator[Site]:
    faults = {"index_lag_seconds": lag}
    with Sandbox.start(tmp_path / "lag.db", demo_seed(flavor), faults=faults) as sandbox:
        site = Site(sandbox)
        yield site
        site.session.close()


@pytest.fixture(params=["cloud", "datacenter"])
def lagging(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    yield from _lagging(tmp_path, request.param, 60)


def test_a_new_page_is_not_found_until_the_index_caught_up(lagging: Site) -> None:
    page = create_page(lagging, "Fresh")
    assert found(lagging, f"id = {page}") == []
    lagging.sandbox.faults.configure({"index_lag_seconds": 0})
    assert found(lagging, f"id = {page}") == [page]


def test_a_new_label_matches_once_the_index_caught_up(lagging: Site) -> None:
    page = create_page(lagging, "Labelled later")
    with lagging.sandbox.app.store.write() as conn:  # the page itself is long indexed
        conn.execute("UPDATE conf_pages SET created_at = 0 WHERE id = ?", (int(page),))
    add_labels(lagging, page, "late")
    assert found(lagging, f"id = {page}") == [page]
    assert found(lagging, "label = late") == []
    assert found(lagging, f"id = {page} and label != late") == [page]
    lagging.sandbox.faults.configure({"index_lag_seconds": 0})
    assert found(lagging, "label = late") == [page]
    lagging.sandbox.faults.configure({"index_lag_seconds": 60})
    assert lagging.delete(f"{v1(lagging)}/content/{page}/label/late").status_code == 204
    assert found(lagging, "label = late") == []  # removals take effect at once


def test_an_existing_site_upgrades_and_its_pages_count_as_indexed(tmp_path: Path) -> None:
    """A site stored before the migration that added the timestamps: its rows are NULL."""
    db = tmp_path / "lag.db"
    with Sandbox.start(db, demo_seed("datacenter")) as sandbox, sandbox.app.store.write() as conn:
        conn.execute("ALTER TABLE conf_pages DROP COLUMN created_at")
        conn.execute("ALTER TABLE conf_page_labels DROP COLUMN added_at")
        conn.execute(
            "DELETE FROM schema_migrations WHERE namespace = 'confluence' AND version = ?",
            (len(MIGRATIONS),),
        )
    for site in _lagging(tmp_path, "datacenter", 60):
        assert len(found(site, "title = Releases and type = page")) == 1
