"""Finding releases nivosync created, in Jira alone (labels, and the epic's properties)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

from nivosync.app.ledger import EPIC, approval_role, recorded_issues
from nivosync.app.site_reads import alongside, at_once
from nivosync.core.baseline import (
    Baseline,
    BaselineError,
    StoredRelease,
    parse_baseline,
    read_stored_release,
)
from nivosync.core.changes import HISTORY_LIMIT, HistoryEntry, HistoryOutOfOrder, merge_history
from nivosync.core.identity import (
    EPIC_LABEL,
    PROPERTY_KEY,
    ReleaseIdentity,
    approval_label,
    belongs_to,
    epics_jql,
    is_epic,
    oldest_first,
    release_jql,
    release_label,
    slug_from_labels,
    task_label,
    tasks_jql,
)
from nivosync.core.lifecycle import (
    FINISHED_LABELS,
    LIFECYCLE_PROPERTY,
    Finish,
    LifecycleError,
    finish_from_json,
    finished_label,
)
from nivosync.core.nights import SyncNight, covered, only_seen_again
from nivosync.core.plan import Plan
from nivosync.errors import InvalidInput
from nivosync.jira.gateway import JiraGateway
from nivosync.jira.models import CustomFields, IssueSnapshot
from nivosync.log_setup import get_logger

PAGES_PROPERTY = "nivosync.pages"  # on the epic: Confluence page ids by page kind
HISTORY_PROPERTY = "nivosync.history"  # on the epic: one entry per state seen (core.changes)
EPIC_PROPERTIES = [PROPERTY_KEY, PAGES_PROPERTY, HISTORY_PROPERTY]
# What searches ask for: the lifecycle too (free on Cloud; Data Center reads it only for an
# epic whose label says the release is finished).
SEARCHED_PROPERTIES = [*EPIC_PROPERTIES, LIFECYCLE_PROPERTY]
LABELS_PER_SEARCH = 50  # releases per batched task search: keeps the JQL short
log = get_logger(__name__)


@dataclass(frozen=True)
class ReleaseRecord:
    """A release's epic with what nivosync stored on it, read through the typed readers.

    `stored` / `baseline` are None when the epic's property is damaged; `problem` says why.
    """

    epic: IssueSnapshot
    stored: StoredRelease | None
    baseline: Baseline | None
    problem: str | None = None
    pages: dict[str, str] = field(default_factory=dict)
    history: list[Any] = field(default_factory=list)
    finish: Finish | None = None  # done or cancelled; None while the release runs
    # The night `sync --all` last recorded every running release (core.nights), which its
    # history counts as a night seen; `nights_kept`: tonight's run keeps one too, so a state
    # merely seen again needs no write on the epic.
    last_night: SyncNight | None = None
    nights_kept: bool = False

    @property
    def slug(self) -> str:
        if self.stored is not None:
            return self.stored.slug
        return slug_from_labels(self.epic.labels) or self.epic.key.lower()

    @property
    def label(self) -> str:
        return release_label(self.slug)

    @property
    def customer(self) -> str:
        return self.stored.customer if self.stored else ""

    @property
    def release(self) -> str:
        return self.stored.release if self.stored else ""

    @property
    def title(self) -> str:
        return f"{self.customer} {self.release}" if self.stored else f"release {self.epic.key}"


def find_release(
    jira: JiraGateway, identity: ReleaseIdentity
) -> tuple[ReleaseRecord | None, list[IssueSnapshot]]:
    """The release's epic record (None if nivosync never created it) and its other issues,
    including those just created that the search index does not show yet. The site's facts
    (the custom fields the search reads), if not read yet, are read alongside the ledger."""
    ledger = partial(recorded_issues, jira, identity.slug)
    known = alongside(ledger, jira.site_facts) if jira.facts is None else ledger()
    record, others = split_release(jira, release_issues(jira, identity, known))
    if record is not None and record.stored is not None:
        prove_identity(record.epic.key, record.stored, identity)
    return record, others


def existing_release(
    jira: JiraGateway, identity: ReleaseIdentity, record: ReleaseRecord | None, then: str
) -> ReleaseRecord:
    """`record`, or exit 2 saying the release is not in Jira (`then`: what that means here)."""
    if record is None:
        raise InvalidInput(
            f"no release {identity.title} in Jira project {jira.project_key} (label "
            f"{identity.label}): {then}"
        )
    return record


def stored_value(jira: JiraGateway, issue: IssueSnapshot, name: str) -> Any:
    """An issue property as a search returned it; read directly on Data Center, whose search
    cannot return properties."""
    value = issue.properties.get(name)
    if value is None and not jira.flavor.cloud:
        value = jira.issue_property(issue.key, name)
    return value


def prove_identity(epic_key: str, stored: StoredRelease, wanted: ReleaseIdentity) -> None:
    """InvalidInput unless the epic found by `wanted`'s label really is `wanted`: names whose
    slugs collide ("Café Olé" and "Cafe Ole") share a label, never a release."""
    if stored.identity == wanted:
        return
    raise InvalidInput(
        f"epic {epic_key} carries label {wanted.label} but belongs to {stored.customer} "
        f"{stored.release}: customer '{wanted.customer}' release '{wanted.release}' collides "
        "with it; use a distinguishable customer or release name (nothing was written)"
    )


def prove_start(epic_key: str, value: object, plan: Plan) -> None:
    """InvalidInput when the release exists with another start date: moving a release is a
    re-plan (a new baseline, the old one kept), not drift for `create` to report or reset."""
    try:
        planned = parse_baseline(value).start
    except BaselineError:
        return  # reported where the baseline is read
    if planned == plan.start:
        return
    release = plan.release
    raise InvalidInput(
        f"{release.title} is planned from {planned} (the baseline on {epic_key}), not "
        f"{plan.start}: to move it, run `nivosync replan --customer '{release.customer}' "
        f"--release '{release.release}' --start {plan.start} --reason \"…\"`; to work on it "
        f"as planned, pass --start {planned} (nothing was written)"
    )


def split_release(
    jira: JiraGateway, found: Sequence[IssueSnapshot]
) -> tuple[ReleaseRecord | None, list[IssueSnapshot]]:
    """A release search's epic record and its other issues."""
    epics = oldest_first(i for i in found if is_epic(i))
    others = [i for i in found if not is_epic(i)]
    if not epics:
        return None, others
    return read_record(jira, epics[0]), others


def epics(
    jira: JiraGateway, finished_since: date | None = None, every: bool = False
) -> Iterator[ReleaseRecord]:
    """The releases still running in the project, and those finished (done or cancelled)
    whose epic changed on or after `finished_since` — or, `every`, all of them, however
    long ago they finished (one paginated search)."""
    jql = epics_jql(jira.project_key, () if every else FINISHED_LABELS, finished_since)
    for epic in jira.search(jql, properties=SEARCHED_PROPERTIES):
        record = read_record(jira, epic)
        if _listed(record.finish, finished_since):
            yield record


def _listed(finish: Finish | None, since: date | None) -> bool:
    """Running, or finished on or after `since` (the search matched it by its last change)."""
    if finish is None or finish.on is None or since is None:
        return True
    return finish.on >= since


def tasks_by_release(
    jira: JiraGateway, records: Sequence[ReleaseRecord]
) -> dict[str, list[IssueSnapshot]]:
    """The task issues of many releases, in a few batched searches (never one per issue)."""
    by_label = {r.label: r.slug for r in records}
    tasks: dict[str, list[IssueSnapshot]] = {r.slug: [] for r in records}
    labels = list(by_label)
    for start in range(0, len(labels), LABELS_PER_SEARCH):
        jql = tasks_jql(jira.project_key, labels[start : start + LABELS_PER_SEARCH])
        for issue in jira.search(jql, properties=[PROPERTY_KEY]):
            for label in issue.labels:
                if label in by_label:
                    tasks[by_label[label]].append(issue)
    return tasks


def read_record(jira: JiraGateway, epic: IssueSnapshot) -> ReleaseRecord:
    """The epic's stored properties, parsed once; a damaged one is recorded, never raised."""
    if not jira.flavor.cloud and not epic.properties:
        # Data Center's search cannot return issue properties (JRASERVER-62898): one read of
        # the epic brings them all, where one read per property cost 3 requests a release.
        epic = jira.issue(epic.key, properties=SEARCHED_PROPERTIES) or epic
    values = {name: epic.properties.get(name) for name in EPIC_PROPERTIES}
    stored_value, pages, history = (values[name] for name in EPIC_PROPERTIES)
    stored: StoredRelease | None = None
    baseline: Baseline | None = None
    problem = None
    try:
        stored = read_stored_release(stored_value)
        baseline = parse_baseline(stored_value)
    except BaselineError as exc:
        problem = f"its baseline on {epic.key} is unreadable: {exc}"
    if stored is not None and not _label_agrees(epic, stored):
        # Someone edited the property: its names must not reach titles or queries.
        problem = (
            f"the nivosync property of {epic.key} names {stored.customer!r} {stored.release!r}, "
            "which its labels do not: restore the property (or the label)"
        )
        stored, baseline = None, None
    return ReleaseRecord(
        epic=epic,
        stored=stored,
        baseline=baseline,
        problem=problem,
        pages=_page_ids(pages),
        history=history if isinstance(history, list) else [],
        finish=_finish(jira, epic),
    )


def _finish(jira: JiraGateway, epic: IssueSnapshot) -> Finish | None:
    """How the release ended, if its epic's label says it did (the property has the details;
    a damaged one leaves only the label's word)."""
    state = finished_label(epic.labels)
    if state is None:
        return None
    try:
        finish = finish_from_json(stored_value(jira, epic, LIFECYCLE_PROPERTY))
    except LifecycleError:
        return Finish(state, None)
    return finish if finish.state == state else Finish(state, None)


def record_pages(
    jira: JiraGateway, record: ReleaseRecord, written: Mapping[str, str], reread: bool = True
) -> dict[str, str]:
    """Add page ids to the epic's `nivosync.pages`, merged into what it holds *now*: another
    run (a `sync` during `create`, two `publish`es) may have written since `record` was read.
    `reread=False` only for an epic this run created (nobody else has written to it yet)."""
    current: object = jira.issue_property(record.epic.key, PAGES_PROPERTY) if reread else None
    pages = dict(record.pages)
    if isinstance(current, dict):
        pages = {str(k): str(v) for k, v in current.items()}
    merged = {**pages, **written}
    if merged != pages:
        jira.set_issue_property(record.epic.key, PAGES_PROPERTY, merged)
    return merged


def record_history(
    jira: JiraGateway, record: ReleaseRecord, entry: HistoryEntry, limit: int = HISTORY_LIMIT
) -> list[Any] | None:
    """Record tonight's state in the epic's `nivosync.history`, merged into what it holds now
    (another run may have written since `record` was read): the same state extends its run's
    `last_seen`, a new state is appended. None when nothing was written: the entry is there
    already, or it was measured before the latest recorded night (history is never reordered;
    that is logged).

    A state merely seen again is written only where no night record keeps it (`nights_kept`
    False: a single release's sync, or an account that may not keep properties on its own
    user — Data Center's non-admins): then `last_seen` costs a property write per release per
    night. With `sync --all` the night's one record (`core.nights`) says it for every release
    (the hard rule stays: zero Confluence writes and zero notices on an unchanged night)."""
    try:
        merged = merge_history(list(record.history), entry, limit)
        if merged is None:
            return None  # recorded already, as the epic was read tonight: only later can follow
        if record.nights_kept and only_seen_again(record.history, merged):
            return None  # seen again: tonight's night record says so, for every such release
    except HistoryOutOfOrder:
        pass  # what the epic holds now decides (below)
    current = jira.issue_property(record.epic.key, HISTORY_PROPERTY)
    stored = current if isinstance(current, list) else list(record.history)
    stored = covered(stored, record.slug, record.last_night)
    try:
        merged = merge_history(stored, entry, limit)
    except HistoryOutOfOrder as exc:
        log.warning("history not recorded", release=record.slug, reason=str(exc))
        return None
    if merged is None or (record.nights_kept and only_seen_again(stored, merged)):
        return None
    jira.set_issue_property(record.epic.key, HISTORY_PROPERTY, merged)
    return merged


def _label_agrees(epic: IssueSnapshot, stored: StoredRelease) -> bool:
    """The stored customer and release make the slug the stored slug and the epic's label."""
    slug = stored.identity.slug
    return slug == stored.slug and release_label(slug) in epic.labels


def _identity_label(name: str) -> str:
    """The label that says what a ledger name is: the epic's, an approval's or a task's."""
    role = approval_role(name)
    if name == EPIC:
        return EPIC_LABEL
    return approval_label(role) if role is not None else task_label(name)


def release_issues(
    jira: JiraGateway,
    identity: ReleaseIdentity,
    known: dict[str, tuple[str, str]],
    custom: CustomFields | None = None,
) -> list[IssueSnapshot]:
    """The release's issues, including those the search index does not show yet.

    `known` (name → (key, id)) are issues a run recorded creating: Cloud reconciles up to 50
    of them into the search; any still missing (Data Center, or beyond 50) are read directly,
    which is consistent. A known issue that is gone (deleted) is simply not returned.
    `custom`: the custom fields to read, if the site's are not known yet (see the gateway)."""
    ids = [issue_id for _key, issue_id in known.values()]
    jql = release_jql(jira.project_key, identity.label)
    found = list(jira.search(jql, SEARCHED_PROPERTIES, reconcile=ids, custom=custom))
    by_key = {i.key: i for i in found}
    # A direct read brings an unseen issue's property, which still says what it is. The reads
    # are independent: sent together.
    unseen = unseen_known(by_key, known)
    read = at_once([partial(jira.issue, key, properties=SEARCHED_PROPERTIES) for key in unseen])
    for key, issue in zip(unseen, read, strict=True):
        by_key.pop(key, None)
        if issue is not None and belongs_to(issue, identity.slug):
            by_key[key] = issue
    return list(by_key.values())


def unseen_known(
    by_key: Mapping[str, IssueSnapshot], known: Mapping[str, tuple[str, str]]
) -> list[str]:
    """The keys of `known` issues (name → (key, id)) a search's `by_key` does not show as
    theirs: not found, or found without its own label (someone removed it)."""
    return [
        key
        for name, (key, _id) in known.items()
        if not (key in by_key and _identity_label(name) in by_key[key].labels)
    ]


def _page_ids(value: object) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}
