"""How nivosync recognises what it made (pure): the release slug and labels, the task id of an
issue, which of two duplicates is "the" one, and how a release is found with JQL.

This module is the only owner of these rules; the create, publish and sync paths all ask it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, Protocol, TypeVar

from nivosync.core.pages import RELEASE_PAGE_KINDS, ReleasePageKind, page_title
from nivosync.errors import InvalidInput

LABEL_PREFIX = "nivosync"
EPIC_LABEL = f"{LABEL_PREFIX}-epic"
TASK_LABEL_PREFIX = f"{LABEL_PREFIX}-task-"
# An approval sub-task (one per approver role, under the approval task) is no plan task: its
# label names the role, never a task id, so that no task rule ever counts it.
APPROVAL_LABEL_PREFIX = f"{LABEL_PREFIX}-approval-"
APPROVAL_TASK = "change-advisory-approval"  # the template task whose approvers sign off
APPROVAL_KIND = "approval"  # the `kind` in an approval sub-task's `nivosync` property
WATCHERS_PENDING = f"{LABEL_PREFIX}-watchers-pending"
DONE_LABEL = f"{LABEL_PREFIX}-done"  # on the epic of a finished release (see core/lifecycle.py)
CANCELLED_LABEL = f"{LABEL_PREFIX}-cancelled"
PROPERTY_KEY = "nivosync"  # the issue property holding identity and baseline
# What Jira and Confluence accept: a summary, a label and a page title of at most 255 characters.
JIRA_SUMMARY_MAX = 255
JIRA_LABEL_MAX = 255
CONFLUENCE_TITLE_MAX = 255

# C0 controls other than tab and line feed, DEL, and the C1 controls (ESC starts ANSI escapes).
MULTILINE_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# In one-line texts (names, titles, summaries) tabs and line breaks are refused as well.
LINE_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SHOWN_LENGTH = 60


def first_control(text: str, *, one_line: bool = False) -> str | None:
    """The first control character in `text` (tab and line feed allowed unless `one_line`)."""
    found = (LINE_CONTROL if one_line else MULTILINE_CONTROL).search(text)
    return found.group() if found else None


def control_message(char: str, *, one_line: bool = False) -> str:
    """Why `char` is refused, showing it as an escape ('\\x1b'), and what to do."""
    if one_line and char in "\t\n\r\u2028\u2029":
        return f"contains {char!r}: write it on one line (tabs and line breaks are not allowed)"
    return (
        f"contains the control character {char!r} (ANSI escapes and other control characters "
        "would reach Jira, Confluence and the terminal): remove it"
    )


def escaped(text: str) -> str:
    """`text` with its control characters, tabs and line breaks written as escapes (\\x1b)."""
    return LINE_CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def shown(text: str) -> str:
    """`text` quoted for a message: control characters as escapes, a long text shortened."""
    safe = escaped(text)
    if len(safe) > _SHOWN_LENGTH:
        safe = safe[: _SHOWN_LENGTH - 1] + "…"
    return f"'{safe}'"


def slugify(text: str) -> str:
    """Lowercase ASCII words joined by '-'; dots kept (they matter in versions)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9.]+", "-", ascii_text.lower()).strip("-.")


@dataclass(frozen=True)
class ReleaseIdentity:
    """Which release this is; the slug is how nivosync finds it again in Jira and Confluence."""

    customer: str
    release: str

    @property
    def slug(self) -> str:
        # '--' cannot occur inside a slugified part, so customer and release never run together.
        return f"{slugify(self.customer)}--{slugify(self.release)}"

    @property
    def label(self) -> str:
        """The Jira label on every issue of this release."""
        return release_label(self.slug)

    @property
    def title(self) -> str:
        return f"{self.customer} {self.release}"

    @classmethod
    def checked(cls, customer: str, release: str) -> ReleaseIdentity:
        """The release a user named, or InvalidInput when Jira or Confluence cannot take its
        names: no letter or digit, a control character or line break, or too long a title."""
        identity = cls(customer.strip(), release.strip())
        for option, value in (("--customer", identity.customer), ("--release", identity.release)):
            char = first_control(value, one_line=True)
            if char is not None:
                message = control_message(char, one_line=True)
                raise InvalidInput(f"{option} {shown(value)} {message}")
            if not slugify(value):
                raise InvalidInput(
                    f"{option} '{value}' needs at least one letter or digit (it names the release "
                    "in Jira labels and Confluence page titles)"
                )
        problem = length_problem(identity)
        if problem is not None:
            raise InvalidInput(problem)
        return identity


def length_problem(release: ReleaseIdentity) -> str | None:
    """Why the release's page titles or Jira label would be too long, or None."""
    sizes = f"--customer has {len(release.customer)}, --release {len(release.release)}"
    kinds: tuple[ReleasePageKind | Literal["status"], ...] = (*RELEASE_PAGE_KINDS, "status")
    title = max((page_title(k, release) for k in kinds), key=len)
    if len(title) > CONFLUENCE_TITLE_MAX:
        return (
            f"release {shown(release.title)}: the Confluence page title {shown(title)} would be "
            f"{len(title)} characters; Confluence allows at most {CONFLUENCE_TITLE_MAX}: shorten "
            f"--customer or --release ({sizes} characters)"
        )
    if len(release.label) > JIRA_LABEL_MAX:
        return (
            f"release {shown(release.title)}: its Jira label {shown(release.label)} would be "
            f"{len(release.label)} characters; Jira allows at most {JIRA_LABEL_MAX}: shorten "
            f"--customer or --release ({sizes} characters)"
        )
    return None


def release_label(slug: str) -> str:
    return f"{LABEL_PREFIX}-{slug}"


def task_label(task_id: str) -> str:
    return f"{TASK_LABEL_PREFIX}{task_id}"


def approval_slug(role: str) -> str:
    """How an approver role is named in labels and the ledger (its slug, cut to fit a label)."""
    return slugify(role)[: JIRA_LABEL_MAX - len(APPROVAL_LABEL_PREFIX)] or "role"


def approval_label(role: str) -> str:
    """The label of role `role`'s approval sub-task (`role` may be its slug already)."""
    return f"{APPROVAL_LABEL_PREFIX}{approval_slug(role)}"


def approval_labels(release: ReleaseIdentity, role: str) -> tuple[str, ...]:
    return (LABEL_PREFIX, release.label, approval_label(role))


def approval_summary(release: ReleaseIdentity, role: str) -> str:
    """ "Approval: <role> — <release>", cut to what Jira takes (its label still names the role)."""
    summary = f"Approval: {role} — {release.title}"
    if len(summary) <= JIRA_SUMMARY_MAX:
        return summary
    return summary[: JIRA_SUMMARY_MAX - 1] + "…"


def approval_property(release: ReleaseIdentity, role: str) -> dict[str, Any]:
    """The `nivosync` property of an approval sub-task: its release and role (no task id)."""
    return {"kind": APPROVAL_KIND, "slug": release.slug, "role": role, "of": APPROVAL_TASK}


def epic_labels(release: ReleaseIdentity) -> tuple[str, ...]:
    return (LABEL_PREFIX, release.label, EPIC_LABEL)


def task_labels(release: ReleaseIdentity, task_id: str, watchers_pending: bool) -> tuple[str, ...]:
    labels = (LABEL_PREFIX, release.label, task_label(task_id))
    return (*labels, WATCHERS_PENDING) if watchers_pending else labels


class TrackedIssue(Protocol):
    """What identity needs of an issue (the Jira gateway's snapshots have it)."""

    @property
    def key(self) -> str: ...

    @property
    def labels(self) -> tuple[str, ...]: ...

    @property
    def properties(self) -> dict[str, Any]: ...


IssueT = TypeVar("IssueT", bound=TrackedIssue)


def stored_property(issue: TrackedIssue) -> dict[str, Any]:
    """The issue's `nivosync` property as a dict ({} when absent or not an object)."""
    value = issue.properties.get(PROPERTY_KEY)
    return value if isinstance(value, dict) else {}


# Each identity is held twice, in a label and in the `nivosync` property, so that a person
# damaging one (removing a label in the UI, editing the property) never loses the issue.
def is_epic(issue: TrackedIssue) -> bool:
    return EPIC_LABEL in issue.labels or stored_property(issue).get("kind") == "epic"


def is_approval(issue: TrackedIssue) -> bool:
    """An approval sub-task (see `approval_labels`): never one of the plan's tasks."""
    labelled = any(label.startswith(APPROVAL_LABEL_PREFIX) for label in issue.labels)
    return labelled or stored_property(issue).get("kind") == APPROVAL_KIND


def approval_slug_of(issue: TrackedIssue) -> str | None:
    """The approver role (its slug) an approval sub-task stands for: its label, else its
    property's role; None for any other issue."""
    for label in issue.labels:
        if label.startswith(APPROVAL_LABEL_PREFIX):
            return label.removeprefix(APPROVAL_LABEL_PREFIX)
    stored = stored_property(issue)
    role = stored.get("role")
    if stored.get("kind") == APPROVAL_KIND and isinstance(role, str) and role.strip():
        return approval_slug(role)
    return None


def approval_role_name(issue: TrackedIssue, summary: str = "") -> str | None:
    """The approver role of an approval sub-task as the template names it: its property's
    role, else what its summary says ("Approval: <role> — …"), else its label's slug."""
    slug = approval_slug_of(issue)
    if slug is None:
        return None
    role = stored_property(issue).get("role")
    if isinstance(role, str) and approval_slug(role) == slug:
        return role
    named = summary.removeprefix("Approval: ").split(" — ")[0] if " — " in summary else ""
    return named if summary.startswith("Approval: ") and approval_slug(named) == slug else slug


def task_id_of(issue: TrackedIssue) -> str | None:
    """The template task an issue stands for: its task label, else its property's task_id
    (an approval sub-task stands for none)."""
    if is_approval(issue):
        return None
    for label in issue.labels:
        if label.startswith(TASK_LABEL_PREFIX):
            return label.removeprefix(TASK_LABEL_PREFIX)
    value = stored_property(issue).get("task_id")
    return value if isinstance(value, str) else None


def belongs_to(issue: TrackedIssue, slug: str) -> bool:
    """Whether the issue's release label, or else its property, names release `slug`."""
    return release_label(slug) in issue.labels or stored_property(issue).get("slug") == slug


def missing_labels(issue: TrackedIssue, slug: str) -> tuple[str, ...]:
    """The identity labels an issue of release `slug` lost (to put back): its release label,
    and its task / epic label where the property still says which it is."""
    wanted = [LABEL_PREFIX, release_label(slug)]
    role = approval_slug_of(issue)
    if is_epic(issue):
        wanted.append(EPIC_LABEL)
    elif role is not None:
        wanted.append(approval_label(role))
    else:
        task_id = task_id_of(issue)
        if task_id is not None:
            wanted.append(task_label(task_id))
    return tuple(label for label in wanted if label not in issue.labels)


def key_order(key: str) -> tuple[str, int, str]:
    """Sort key for Jira keys: by project, then by issue number (REL-9 before REL-10)."""
    match = re.fullmatch(r"(.*)-(\d+)", key)
    if match is None:
        return (key, 0, key)
    return (match.group(1), int(match.group(2)), key)


def oldest_first(issues: Iterable[IssueT]) -> list[IssueT]:
    """Issues by creation order: when duplicates exist, the oldest (lowest number) is the one."""
    return sorted(issues, key=lambda i: key_order(i.key))


def tasks_by_id(issues: Iterable[IssueT]) -> dict[str, list[IssueT]]:
    """The issues of each task id, oldest first (the first one is the task's issue)."""
    found: dict[str, list[IssueT]] = {}
    for issue in oldest_first(issues):
        task_id = task_id_of(issue)
        if task_id is not None and not is_epic(issue):
            found.setdefault(task_id, []).append(issue)
    return found


def task_issues(issues: Iterable[IssueT]) -> dict[str, IssueT]:
    """Each task id's issue (the oldest when there are duplicates)."""
    return {task_id: found[0] for task_id, found in tasks_by_id(issues).items()}


def approvals_by_slug(issues: Iterable[IssueT]) -> dict[str, list[IssueT]]:
    """The approval sub-tasks of each approver role (its slug), oldest first (the first one
    is the role's; any others are duplicates)."""
    found: dict[str, list[IssueT]] = {}
    for issue in oldest_first(issues):
        slug = approval_slug_of(issue) if not is_epic(issue) else None
        if slug is not None:
            found.setdefault(slug, []).append(issue)
    return found


def jql_quote(value: str) -> str:
    """A JQL string literal: every value substituted into JQL goes through here."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def release_jql(project_key: str, label: str) -> str:
    """Every issue of one release (epic, tasks and approval sub-tasks), oldest first."""
    return f"project = {jql_quote(project_key)} AND labels = {jql_quote(label)} ORDER BY key ASC"


def release_macro_jql(release: ReleaseIdentity) -> str:
    """The release's issues as a page's Jira macro lists them (by due date)."""
    return f"labels = {jql_quote(release.label)} ORDER BY duedate ASC, key ASC"


def epics_jql(
    project_key: str, finished: Sequence[str] = (), finished_since: date | None = None
) -> str:
    """The release epics nivosync made in a project; with `finished` (the labels of done and
    cancelled releases), only those without them — plus, with `finished_since`, the finished
    ones touched on or after that day."""
    project, label = jql_quote(project_key), jql_quote(EPIC_LABEL)
    jql = f"project = {project} AND labels = {label}"
    if finished:
        running = f"labels not in ({', '.join(jql_quote(f) for f in finished)})"
        if finished_since is not None:
            running = f'({running} OR updated >= "{finished_since.isoformat()}")'
        jql += f" AND {running}"
    return jql + " ORDER BY key ASC"


def tasks_jql(project_key: str, labels: Sequence[str]) -> str:
    """The task issues (and approval sub-tasks) of several releases in one search."""
    listed = ", ".join(jql_quote(label) for label in labels)
    return (
        f"project = {jql_quote(project_key)} AND labels in ({listed}) "
        f"AND labels != {jql_quote(EPIC_LABEL)} ORDER BY key ASC"
    )


def slug_from_labels(labels: Iterable[str]) -> str | None:
    """The release slug named by an issue's labels (for an epic whose property is damaged)."""
    reserved = {LABEL_PREFIX, EPIC_LABEL, WATCHERS_PENDING, DONE_LABEL, CANCELLED_LABEL}
    for label in labels:
        ours = label.startswith(f"{LABEL_PREFIX}-") and label not in reserved
        if ours and not label.startswith((TASK_LABEL_PREFIX, APPROVAL_LABEL_PREFIX)):
            return label.removeprefix(f"{LABEL_PREFIX}-")
    return None
