"""A release's end as the epic records it (pure): the property, the labels, the JQL."""

import re
from datetime import date

import pytest

from nivosync.core.identity import epics_jql, slug_from_labels
from nivosync.core.lifecycle import (
    CANCELLED_LABEL,
    DONE_LABEL,
    Finish,
    LifecycleError,
    finish_from_json,
    finished_label,
)
from nivosync.errors import InvalidInput
from nivosync.inputs.text_options import reason_text


def test_a_finish_round_trips_through_its_property():
    finish = Finish(
        "cancelled", date(2026, 12, 9), "customer withdrew", "dana@example.com", None, None,
        ("NVX-2", "NVX-3"),
    )  # fmt: skip
    assert finish_from_json(finish.to_json()) == finish
    done = Finish("done", date(2027, 1, 12), actual_go_live=date(2027, 1, 8))
    assert finish_from_json(done.to_json()) == done
    assert (finish.label, done.label) == (CANCELLED_LABEL, DONE_LABEL)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (None, "expected an object"),
        ({"state": "paused"}, "state: expected 'done' or 'cancelled'"),
        ({"state": "done", "on": "12/09/2026"}, "on: expected an ISO date"),
        ({"state": "cancelled", "reason": 42}, "reason: expected text"),
        ({"state": "cancelled", "open_tasks": "NVX-2"}, "open_tasks: expected a list"),
    ],
)
def test_a_damaged_property_is_named(value, problem):
    with pytest.raises(LifecycleError, match=problem):
        finish_from_json(value)


def test_labels_say_how_it_ended_and_are_never_a_release_slug():
    assert finished_label(["nivosync-epic", DONE_LABEL]) == "done"
    assert finished_label([DONE_LABEL, CANCELLED_LABEL]) == "cancelled"  # the later act
    assert finished_label(["nivosync-epic"]) is None
    labels = ["nivosync", "nivosync-epic", CANCELLED_LABEL, "nivosync-acme--2_4"]
    assert slug_from_labels(labels) == "acme--2_4"


def test_the_nightly_search_leaves_finished_releases_out_but_lists_recent_ones():
    assert epics_jql("NVX") == 'project = "NVX" AND labels = "nivosync-epic" ORDER BY key ASC'
    running = epics_jql("NVX", (DONE_LABEL, CANCELLED_LABEL))
    assert 'labels not in ("nivosync-done", "nivosync-cancelled")' in running
    recent = epics_jql("NVX", (DONE_LABEL, CANCELLED_LABEL), date(2026, 12, 1))
    assert 'nivosync-cancelled") OR updated >= "2026-12-01")' in recent


@pytest.mark.parametrize(
    ("text", "problem"),
    [("   ", "is empty"), ("x" * 501, "at most 500"), ("freeze\x1b[31m", "U+001B")],
)
def test_a_reason_is_plain_text(text, problem):
    with pytest.raises(InvalidInput, match=re.escape(problem)):
        reason_text("--reason", text)
    assert reason_text("--reason", "  holiday freeze ") == "holiday freeze"
