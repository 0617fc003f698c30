"""The Change Advisory page: what changes in production, its risks, rollback, and approvals.

What only a person can write (impact, rollback specifics, downtime, communication, each
approver's comment) is a people's region (`render.regions`): the CAB writes it on the page, and
nivosync keeps it. Its default is the value from ChangeAdvisoryDetails (config or file) or, where
there is none, who is to write it; the line under it says where the value came from.
"""

from __future__ import annotations

from nivosync.core.pages import page_title
from nivosync.core.plan import Plan
from nivosync.core.regions import region_id
from nivosync.inputs.change_advisory import ChangeAdvisoryDetails
from nivosync.inputs.notes import SECTIONS
from nivosync.render.pages.approvals import approvals_section
from nivosync.render.pages.common import (
    NONE,
    GoLiveDates,
    IssueRef,
    People,
    RenderedPage,
    day_cell,
    go_live_cell,
    issue_key,
    issue_status,
    people,
    role_person,
    role_person_mention,
    to_be_completed,
)
from nivosync.render.pages.release_notes import ChangeItem, ReleaseChanges, source_statements
from nivosync.render.regions import region_panel, source_line, to_fill_in
from nivosync.render.storage import (
    Content,
    Element,
    heading,
    key_value_table,
    lines,
    link,
    p,
    panel,
    paragraphs,
    render,
    strong,
    table,
    toc,
    ul,
    unbroken,
)

FILE_OPTION = "--change-advisory"
TEMPLATE_SOURCE = "plan template"
NO_SOURCE = "none yet"


def render_change_advisory(
    plan: Plan,
    changes: ReleaseChanges,
    details: ChangeAdvisoryDetails | None = None,
    approval: IssueRef | None = None,
    forecast: GoLiveDates | None = None,
    mentions: People | None = None,
) -> RenderedPage:
    """`approval` is the "Change Advisory Approval" issue; `details` (see
    `change_advisory.combine` for config + file) fills in what only people can say;
    `forecast` adds the projected (or actual) go-live; `mentions` makes people mentions."""
    page = _Page(plan, details or ChangeAdvisoryDetails(source=""), forecast, mentions)
    body = render(
        toc(),
        heading(2, "Summary"),
        page.summary(approval),
        heading(2, "Planned changes"),
        _planned_changes(changes),
        heading(2, "Impact on the system"),
        page.human("impact", "describe the impact of these changes on the system."),
        heading(2, "Risks and mitigations"),
        page.risks(),
        heading(2, "Rollback plan"),
        page.rollback(),
        heading(2, "Downtime expectations"),
        page.downtime(),
        heading(2, "Communication plan"),
        page.communication(),
        heading(2, "Approvals"),
        page.approvals(approval),
    )
    return RenderedPage("change-advisory", page_title("change-advisory", plan.release), body)


class _Page:
    def __init__(
        self,
        plan: Plan,
        details: ChangeAdvisoryDetails,
        forecast: GoLiveDates | None,
        mentions: People | None = None,
    ) -> None:
        self.plan = plan
        self.forecast = forecast
        self.mentions = mentions
        self.details = details
        self.advisory = plan.template.change_advisory
        self.owner = plan.template.change_advisory_owner
        self.people = people(plan)

    def summary(self, approval: IssueRef | None) -> Element:
        plan = self.plan
        go_live = next(t for t in plan.tasks if t.go_live)
        span = day_cell(go_live.start) + (
            "" if go_live.start == go_live.due else f" to {day_cell(go_live.due)}"
        )
        window = f"{span} ({go_live.name})"
        if self.details.deployment_window:
            window += "\n" + self.details.deployment_window
        rows: list[tuple[str, Content]] = [
            ("Customer", plan.release.customer),
            ("Release", plan.release.release),
            ("Deployment window", lines(window)),
            ("Go-live", unbroken(go_live_cell(plan.go_live, self.forecast))),
            ("Prepared by", role_person_mention(self.owner, self.people, self.mentions)),
            ("Approval", [issue_key(approval), " ", issue_status(approval)] if approval else NONE),
            ("Release details from", self.details.source or f"No {FILE_OPTION} file given"),
        ]
        return key_value_table(rows)

    def human(self, field: str, what: str) -> list[Content]:
        """The region for a text only people can give: the config/file value as its default,
        or the statement of who still has to write it."""
        text = getattr(self.details, field)
        if text:
            return self.region(field, paragraphs(text), source_of(self.details.origin(field)))
        return self.region(field, [self.missing(what)], NO_SOURCE)

    def region(self, field: str, default: list[Element], source: str) -> list[Content]:
        ident = region_id("ca", field.replace("_plan", ""))
        return [region_panel(ident, *default), source_line(source)]

    def missing(self, what: str) -> Element:
        return to_fill_in(role_person(self.owner, self.people), what)

    def risks(self) -> Element:
        rows = [(r.risk, r.mitigation, "Plan template") for r in self.plan.risks]
        rows += [(r.risk, r.mitigation, self.details.source) for r in self.details.risks]
        if not rows:
            return p("Neither the plan template nor the release details list any risk.")
        return table(("Risk", "Mitigation", "From"), rows)

    def rollback(self) -> list[Content]:
        standard = self.advisory.rollback_plan
        blocks: list[Content] = []
        if standard:
            blocks += [heading(3, "Standard procedure"), paragraphs(standard)]
            blocks.append(heading(3, "For this release"))
        return [
            *blocks,
            self.human("rollback_plan", "describe the rollback plan for this release."),
        ]

    def downtime(self) -> list[Content]:
        if self.details.downtime or not self.advisory.downtime:
            return self.human("downtime", "state the downtime users should expect.")
        return self.region("downtime", paragraphs(self.advisory.downtime), TEMPLATE_SOURCE)

    def communication(self) -> list[Content]:
        what = "say who is told what, and when: before, during and after the change."
        return [region_panel("ca-communication", self.missing(what))]

    def approvals(self, approval: IssueRef | None) -> list[Content]:
        if not self.advisory.approvers:
            return [
                to_be_completed(
                    self.owner,
                    self.people,
                    p("List who approves this change: the plan template names no approvers."),
                )
            ]
        return approvals_section(self.advisory.approvers, self.people, self.mentions, approval)


def source_of(source: str) -> str:
    """A value's source as the page names it for its readers."""
    if source.startswith("config"):
        return "nivosync configuration" + source[len("config") :]
    return f"Change Advisory file {source}" if source else NO_SOURCE


def _planned_changes(changes: ReleaseChanges) -> list[Content]:
    if not changes.items:
        return [
            panel(
                "warning",
                p("The release notes list no changes yet:"),
                ul(source_statements(changes)),
                title="No planned changes found",
            )
        ]
    blocks: list[Content] = [p("Summarised from the release notes.")]
    for section, title in SECTIONS.items():
        items = changes.section(section)
        if items:
            blocks += [heading(3, f"{title} ({len(items)})"), ul(_change(i) for i in items)]
    return blocks


def _change(item: ChangeItem) -> list[Content]:
    key: Content = [link(item.url, item.key), " "] if item.key else []
    return [key, strong(item.title)]
