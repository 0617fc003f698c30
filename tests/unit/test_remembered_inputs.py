"""What pages and epics remember (issue 13, defects 2 and 3), without a site: the property
shapes, their readers, the size limit and the template section."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from nivosync.app.remembered import (
    INPUTS_KEY,
    MAX_REMEMBERED_BYTES,
    GivenInputs,
    InputText,
    forgetting,
    gather,
    parse_remembered,
    read_inputs,
)
from nivosync.confluence.models import PageProperty
from nivosync.core.baseline import epic_property, read_stored_release, template_digest
from nivosync.core.calendar import WorkCalendar
from nivosync.core.identity import ReleaseIdentity
from nivosync.core.plan import build_plan
from nivosync.errors import InvalidInput
from nivosync.inputs.notes import load_notes
from nivosync.inputs.templates import load_template

TEMPLATE = Path(__file__).resolve().parents[2] / "plan_templates/nivomax-5-week.yaml"
AT = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)
NOTES = "items:\n  - section: features\n    title: Export\n    screenshots: [img/export.png]\n"


def test_a_remembered_input_reads_back_as_it_was_written():
    given = InputText.of("notes", "notes.yaml", NOTES)
    found = parse_remembered(given.value(AT), "notes")
    assert found is not None and found.same(given)
    assert (found.saved_at, found.sha256) == (AT, given.sha256)


def test_a_forgotten_input_reads_as_nothing():
    tombstone = {"schema": 1, "kind": "notes", "forgotten_at": AT.isoformat()}
    assert parse_remembered(tombstone, "notes") is None


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"schema": 2}, "upgrade nivosync"),
        ({"kind": "change-advisory"}, "not 'notes'"),
        ({"text": NOTES + "# edited\n"}, "does not match its sha256"),
        ({"file": ""}, "lacks its file name"),
    ],
)
def test_an_unreadable_memory_is_exit_2_naming_the_fix(change, words):
    value = {**InputText.of("notes", "notes.yaml", NOTES).value(AT), **change}
    with pytest.raises(InvalidInput) as caught:
        parse_remembered(value, "notes")
    assert words in str(caught.value)
    assert "--notes FILE" in str(caught.value) and "--forget-notes" in str(caught.value)


def test_remembered_notes_load_without_their_screenshots_on_disk(tmp_path):
    # The screenshot is the page's attachment: no local file is looked for.
    notes = load_notes(tmp_path / "gone" / "notes.yaml", NOTES, attached=True)
    assert [s.name for s in notes.items[0].screenshots] == ["export.png"]
    with pytest.raises(InvalidInput) as caught:
        load_notes(tmp_path / "gone" / "notes.yaml", NOTES)  # as a file given now: checked
    assert "not found" in caught.value.problems[0].message


class RememberingPages:
    """A Confluence that has one property per page (all a reader of memories asks for)."""

    def __init__(self, values: dict[str, object]) -> None:
        self.values = values

    def page_property(self, page_id: str, key: str) -> PageProperty | None:
        assert key == INPUTS_KEY
        value = self.values.get(page_id)
        return PageProperty("p", key, value, 1) if value is not None else None


def test_the_pages_memories_are_read_only_for_what_no_file_gives():
    notes = InputText.of("notes", "notes.yaml", NOTES).value(AT)
    advisory = InputText.of("change-advisory", "ca.yaml", "impact: Restart.\n").value(AT)
    site = RememberingPages({"11": notes, "12": advisory})
    pages = {"notes": "11", "change-advisory": "12"}
    used = gather(site, pages, GivenInputs(), ["change-advisory"])
    assert set(used.kept) == {"notes", "change-advisory"}  # the advisory lists the notes too
    assert used.on_page == {"export.png"}
    assert used.advisory is not None and used.advisory.impact == "Restart."
    only_plan = gather(site, pages, GivenInputs(), ["plan", "uat"])
    assert (only_plan.kept, only_plan.notes) == ({}, None)
    forgot = gather(site, pages, GivenInputs(forget=frozenset({"notes"})), ["notes"])
    assert forgot.kept == {} and forgot.notes is None


def test_a_memory_that_no_longer_loads_says_so_and_how_to_fix_it():
    bad = InputText.of("notes", "notes.yaml", "items:\n  - section: nope\n    title: x\n")
    site = RememberingPages({"11": bad.value(AT)})
    with pytest.raises(InvalidInput) as caught:
        gather(site, {"notes": "11"}, GivenInputs(), ["notes"])
    message = str(caught.value)
    assert "the release notes page remembers (notes.yaml, 2026-12-08) no longer load" in message
    assert "notes.yaml:2" in message and "--forget-notes" in message


def test_a_file_too_large_to_remember_is_refused(tmp_path):
    notes = tmp_path / "notes.yaml"
    text = "A long description. " * (MAX_REMEMBERED_BYTES // 20 + 10)
    notes.write_text(f"items:\n  - section: features\n    title: Big\n    description: {text}\n")
    with pytest.raises(InvalidInput, match="too large to remember with its page"):
        read_inputs(notes, None)


def test_a_file_just_under_the_limit_is_remembered(tmp_path):
    notes = tmp_path / "notes.yaml"
    notes.write_text("items:\n  - section: features\n    title: Small\n")
    given = read_inputs(notes, None)
    value = given.texts["notes"].value(AT)
    assert len(json.dumps(value).encode()) < MAX_REMEMBERED_BYTES
    assert given.notes is not None and given.notes.items[0].title == "Small"


def test_forgetting_needs_its_page_and_no_file_for_the_same_input(tmp_path):
    notes = tmp_path / "notes.yaml"
    notes.write_text("items:\n  - section: features\n    title: Small\n")
    with pytest.raises(InvalidInput, match="not both"):
        forgetting(read_inputs(notes, None), ["notes"], ["notes"])
    with pytest.raises(InvalidInput, match="--page change-advisory"):
        forgetting(read_inputs(None, None), ["change-advisory"], ["plan", "notes"])
    assert forgetting(read_inputs(None, None), ["notes"], ["notes"]).forget == {"notes"}


# --- the template section of the epic's property ----------------------------------------------


def _property() -> dict:
    template = load_template(TEMPLATE)
    people = {role: None for role in template.role_names}
    plan = build_plan(
        template, ReleaseIdentity("Acme", "2.4.0"), date(2026, 12, 7), people, WorkCalendar.build()
    )
    return epic_property(plan, AT)


def test_the_epic_remembers_the_templates_file_and_hash():
    data = _property()
    section = data["template"]
    assert section["source"] == str(TEMPLATE)
    assert section["sha256"] == template_digest(load_template(TEMPLATE))
    stored = read_stored_release(data)
    assert (stored.template_name, stored.template_source) == ("nivomax-5-week", str(TEMPLATE))
    assert stored.template_sha256 == section["sha256"]


def test_an_epic_written_before_the_template_file_was_remembered_still_reads():
    data = copy.deepcopy(_property())
    del data["template"]["source"], data["template"]["sha256"]
    stored = read_stored_release(data)
    assert stored.template_name == "nivomax-5-week"
    assert (stored.template_source, stored.template_sha256) == (None, None)


def test_the_template_hash_follows_its_content_not_its_layout():
    template = load_template(TEMPLATE)
    retitled = replace(template, spec=template.spec.model_copy(update={"title": "Other"}))
    assert template_digest(retitled) != template_digest(template)
    moved = replace(template, source=Path("/elsewhere/copy.yaml"))
    assert template_digest(moved) == template_digest(template)
