"""Issue 15: when the release's search sent before the ledger was read may stand for it."""

from concurrent.futures import Future
from dataclasses import dataclass

import pytest

from nivosync.app.ledger import Lease, LedgerState, ReleaseLedger
from nivosync.app.release_ahead import ReleaseAhead
from nivosync.jira.models import CustomFields, IssueSnapshot

from .test_reconcile import snapshot

FIELDS = CustomFields("customfield_10015", None)
LABELS = ("nivosync", "nivosync-acme--1-0")


def issue(key: str, *labels: str) -> IssueSnapshot:
    return snapshot(key, (*LABELS, *labels))


@dataclass
class Jira:  # what `found` asks of a JiraGateway
    fields: CustomFields | None = FIELDS

    def custom_fields(self) -> CustomFields | None:
        return self.fields


def ledger_with(state: LedgerState | None = None) -> ReleaseLedger:
    """A ledger as read (the state `load` would have made of the stored one)."""
    ledger = ReleaseLedger(Jira(), "acme--1-0")
    ledger.state = state or LedgerState()
    return ledger


def ahead(found: object, custom: CustomFields = FIELDS) -> ReleaseAhead:
    issues: Future[object] = Future()
    issues.set_result(found)
    pages: Future[object] = Future()
    pages.set_result({})
    return ReleaseAhead(issues, pages, custom)


SEARCHED = [issue("NVX-1", "nivosync-epic"), issue("NVX-2", "nivosync-task-kickoff")]
RECORDED = {"(epic)": ("NVX-1", "1"), "kickoff": ("NVX-2", "2")}


def test_a_search_showing_all_the_ledger_records_stands():
    ledger = ledger_with(LedgerState(created=dict(RECORDED)))
    assert ahead((SEARCHED, None)).found(ledger, Jira()) == SEARCHED


def test_a_new_release_with_an_empty_ledger_stands():
    assert ahead(([], None)).found(ledger_with(), Jira()) == []


@pytest.mark.parametrize(
    "state",
    [
        # an issue recorded after the search was sent (the index does not show it yet)
        LedgerState(created={**RECORDED, "uat": ("NVX-3", "3")}),
        # another run was creating when the ledger was read
        LedgerState(created=dict(RECORDED), pending=("uat",)),
        LedgerState(created=dict(RECORDED), lease=Lease("other", "host", 1, 9e12)),
    ],
)
def test_a_search_older_than_the_ledger_is_made_again(state: LedgerState):
    assert ahead((SEARCHED, None)).found(ledger_with(state), Jira()) is None


def test_an_issue_without_its_own_label_is_not_shown_by_the_search():
    relabelled = [SEARCHED[0], issue("NVX-2")]  # someone removed nivosync-task-kickoff
    ledger = ledger_with(LedgerState(created=dict(RECORDED)))
    assert ahead((relabelled, None)).found(ledger, Jira()) is None


@pytest.mark.parametrize(
    "site", [CustomFields("customfield_20000", None), CustomFields(None, None), None]
)
def test_a_search_that_read_other_fields_than_the_sites_is_made_again(site):
    ledger = ledger_with(LedgerState(created=dict(RECORDED)))
    assert ahead((SEARCHED, None)).found(ledger, Jira(site)) is None


def test_a_search_that_failed_is_made_again():
    assert ahead(None).found(ledger_with(), Jira()) is None
