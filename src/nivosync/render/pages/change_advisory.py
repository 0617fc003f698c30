"""The Change Advisory page: what a Change Advisory Board approves a production change from.

Its summary (type, window with time zone, requester / owner / implementers, external change
number, approval, test evidence), the planned changes, affected services, impact and risk, the
implementation, verification, backout and communication plans, the UAT evidence and each
approver's decision. What only people can write is a people's region (`change_fields`): the
CAB writes it on the page and nivosync keeps it; until then it holds the value from the
configuration, the file or the plan template, or says who is to write it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from nivosync.core.approvals import Approval
from nivosync.core.change_risk import rating_text
from nivosync.core.pages import page_title
from nivosync.core.plan import Plan
from nivosync.core.uat_evidence import UatEvidence
from nivosync.inputs.change_advisory import ChangeAdvisoryDetails, RiskRating
from nivosync.inputs.notes import SECTIONS
from nivosync.render.pages import change_plans
from nivosync.render.pages.approvals import approvals_section
from nivosync.render.pages.change_fields import (
    TEMPLATE_SOURCE,
    AdvisoryFields,
    source_of,
)
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
    role_mention_lines,
    role_person,
    role_person_mention,
)
from nivosync.render.pages.release_notes import ChangeItem, ReleaseChanges
from nivosync.render.regions import to_fill_in
from nivosync.render.storage import (
    Content,
    Element,
    heading,
    key_value_table,
    lines,
    link,
    p,
    page_link,
    panel,
    paragraphs,
    render,
    status,
    strong,
    table,
    toc,
    ul,
    unbroken,
)

CHANGE_TYPES = {"standard": "Standard", "normal": "Normal", "emergency": "Emergency"}


@dataclass(frozen=True)
class AdvisoryContext:
    """What the page shows besides the plan and the release details, read from Jira and the
    UAT form; every part is optional (a page rendered before the release exists)."""

    issues: Mapping[str, IssueRef] = field(default_factory=dict)  # task id → its issue
    approvals: Sequence[Approval] = ()  # each approver's decision
    evidence: UatEvidence | None = None  # None: the UAT form is not published
    time_zone: str = "UTC"  # of a change window that names none
    freezes: tuple[str, ...] | None = None  # the change freezes the go-live meets; None: not read
    # Days or weeks the go-live shares with more other releases' go-lives than the config's
    # limits allow; None: not checked (no limit set, or the other releases not read).
    collisions: tuple[str, ...] | None = None


def render_change_advisory(
    plan: Plan,
    changes: ReleaseChanges,
    details: ChangeAdvisoryDetails | None = None,
    approval: IssueRef | None = None,
    forecast: GoLiveDates | None = None,
    mentions: People | None = None,
    context: AdvisoryContext | None = None,
) -> RenderedPage:
    """`approval` is the "Change Advisory Approval" issue; `details` (see
    `change_advisory.combine` for config + file) fills in what only people can say;
    `forecast` adds the projected (or actual) go-live; `mentions` makes people mentions."""
    page = _Page(plan, details or ChangeAdvisoryDetails(source=""), forecast, mentions)
    ctx = context or AdvisoryContext()
    persons, fields = page.people, page.fields
    body = render(
        toc(max_level=2),
        heading(2, "Summary"),
        page.summary(approval, ctx),
        heading(2, "Planned changes"),
        _planned_changes(changes, plan),
        heading(2, "Affected services and users"),
        page.affected(),
        heading(2, "Impact on the system"),
        fields.text("impact", "describe the impact of these changes on the system."),
        heading(2, "Risk assessment"),
        page.risk_rating(),
        page.risks(),
        heading(2, "Implementation plan"),
        change_plans.implementation(plan, ctx.issues, fields, persons, mentions),
        heading(2, "Verification"),
        change_plans.verification(plan, fields),
        heading(2, "Backout plan"),
        change_plans.backout(plan, fields, persons, mentions),
        heading(2, "Downtime expectations"),
        fields.text("downtime", "state the downtime users should expect.", page.advisory.downtime),
        heading(2, "Communication plan"),
        change_plans.communication(fields),
        heading(2, "Test evidence"),
        change_plans.evidence(plan, ctx.evidence, persons, mentions),
        heading(2, "Approvals"),
        page.approvals(approval, ctx.approvals),
        heading(2, "Sources"),
        page.sources(),
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
        who = role_person_mention(self.owner, self.people, mentions)
        self.fields = AdvisoryFields(details, who)

    def summary(self, approval: IssueRef | None, ctx: AdvisoryContext) -> Element:
        plan, persons, known = self.plan, self.people, self.mentions
        template = plan.template
        rows: list[tuple[str, Content]] = [
            ("Customer", plan.release.customer),
            ("Release", plan.release.release),
            ("Change number", self.details.change_number or "None (no external change record)"),
            ("Change type", self.change_type()),
            ("Change window", self.window(ctx.time_zone)),
            ("Go-live", unbroken(go_live_cell(plan.go_live, self.forecast))),
            *self.freezes(ctx.freezes),
            *self.collisions(ctx.collisions),
            ("Requester", role_person_mention(template.change_requester, persons, known)),
            ("Change owner", role_person_mention(self.owner, persons, known)),
            ("Implementers", role_mention_lines(template.change_implementers, persons, known)),
            ("Approval", [issue_key(approval), " ", issue_status(approval)] if approval else NONE),
            ("Test evidence", change_plans.evidence_summary(ctx.evidence)),
        ]
        return key_value_table(rows)

    @staticmethod
    def freezes(found: tuple[str, ...] | None) -> list[tuple[str, Content]]:
        """The change freezes the go-live (planned or forecast) falls in, if any."""
        if found is None:
            return []
        if not found:
            return [("Change freezes", "None covers the go-live")]
        return [("Change freezes", [status("Conflict", "Red"), " ", "; ".join(found)])]

    @staticmethod
    def collisions(found: tuple[str, ...] | None) -> list[tuple[str, Content]]:
        """The days or weeks where the go-live (forecast) and the other running releases'
        (planned) are more than the config allows."""
        if found is None:
            return []
        if not found:
            return [("Go-live collisions", "None with the other releases' planned go-lives")]
        return [("Go-live collisions", [status("Conflict", "Red"), " ", "; ".join(found)])]

    def change_type(self) -> Content:
        chosen = self.details.change_type or self.advisory.change_type
        if chosen is None:
            return to_fill_in(self.fields.who, "standard, normal or emergency.")
        return CHANGE_TYPES[chosen]

    def window(self, time_zone: str) -> Content:
        go_live = next(t for t in self.plan.tasks if t.go_live)
        span = day_cell(go_live.start) + (
            "" if go_live.start == go_live.due else f" to {day_cell(go_live.due)}"
        )
        chosen = self.details.change_window
        note = lines(self.details.deployment_window) if self.details.deployment_window else []
        extra = [p(note)] if note else []
        if chosen is None:
            missing = to_fill_in(self.fields.who, "the window's start and end times.")
            return [missing, p(f"{go_live.name}: {span}"), *extra]
        return [p(unbroken(change_plans.window_text(go_live.start, chosen, time_zone))), *extra]

    def affected(self) -> list[Content]:
        services, users = self.details.affected_services, self.details.affected_users
        shaped: list[Content] = []
        if services:
            shaped += [p(strong("Services")), ul(services)]
        elif users:
            shaped += [p(strong("Services")), self.fields.missing("list the services affected.")]
        if users:
            shaped += [p(strong("Users")), *paragraphs(users)]
        elif services:
            shaped += [p(strong("Users")), self.fields.missing("say which users are affected.")]
        what = "list the services and the users this change affects."
        source = "affected_services" if services else "affected_users"
        return self.fields.region(
            "affected", shaped or [self.fields.missing(what)], self._source(source, bool(shaped))
        )

    def _source(self, name: str, given: bool) -> str:
        return source_of(self.details.origin(name)) if given else source_of("")

    def risk_rating(self) -> list[Content]:
        given: RiskRating | None = self.details.risk_rating
        standard = self.advisory.risk_rating
        if given is not None:
            text, source = (
                rating_text(given.likelihood, given.impact),
                self._source("risk_rating", True),
            )
        elif standard is not None:
            text, source = rating_text(standard.likelihood, standard.impact), TEMPLATE_SOURCE
        else:
            what = "rate the likelihood and the impact of a failure (low, medium or high each)."
            return self.fields.region("risk_rating", [self.fields.missing(what)], source_of(""))
        return self.fields.region("risk_rating", [p(strong("Risk rating: "), text)], source)

    def risks(self) -> Element:
        rows = [(r.risk, r.mitigation, "Plan template") for r in self.plan.risks]
        rows += [(r.risk, r.mitigation, source_of(self.details.source)) for r in self.details.risks]
        if not rows:
            return p("Neither the plan template nor the release details list any risk.")
        return table(("Risk", "Mitigation", "From"), rows)

    def approvals(self, approval: IssueRef | None, decisions: Sequence[Approval]) -> list[Content]:
        if not self.advisory.approvers:
            return [
                panel(
                    "warning",
                    p("The plan template names no approvers for this change."),
                    title=f"To be completed by {role_person(self.owner, self.people)}",
                )
            ]
        return approvals_section(
            self.advisory.approvers, self.people, self.mentions, approval, decisions
        )

    def sources(self) -> Element:
        given = source_of(self.details.source) if self.details.source else None
        return ul(
            [
                f"Plan template {self.plan.template.name}: tasks, dates, roles, approvers and "
                "standard procedures.",
                f"Release details: {given}."
                if given
                else "Release details: none given yet; each missing item above says who "
                "completes it.",
                "Jira: the release's issues and the changes fixed in the release.",
                "Text written on this page in the marked panels and cells: kept as written.",
            ]
        )


def _planned_changes(changes: ReleaseChanges, plan: Plan) -> list[Content]:
    if not changes.items:
        notes = page_link(page_title("notes", plan.release))
        return [
            panel(
                "warning",
                p("The ", notes, " list no changes for this release yet."),
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
