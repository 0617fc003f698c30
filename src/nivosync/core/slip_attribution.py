"""Who caused a go-live slip: its working days shared among the late tasks that drove it, by the
side (the vendor's or the customer's) of each task's owning role (pure; issue 16, item 4).

The chain: from the go-live task back through the dependency that drove each task's forecast
start (the one whose forecast finish it starts the working day after, when that start is later
than its planned start; the first such in `depends_on` order). It stops at a task whose start
nothing drove (its planned start did, or `as_of` for open work).

Sharing the slip S (working days): walking the chain from the go-live back, each task keeps what
it added itself — its own slip less the slip of the task that drove it (all of its slip when
nothing drove it), never negative and never more than what is left of S. Along a chain where
nothing is absorbed the shares add up to S exactly; slack that absorbs a predecessor's slip
leaves that slip to nobody (it did not move the go-live).

A task's side is the customer's when its first role (the one that owns it) is one of the
customer's roles, else the vendor's.

SLAs (optional, per template): a task is to finish within N working days of another task's
planned end; a share whose task's forecast finish breaks that is marked `sla_breached`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from nivosync.core.calendar import WorkCalendar
from nivosync.core.slippage import ReleaseSlippage, TaskSlippage

CUSTOMER = "customer"
VENDOR = "vendor"
_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Sla:
    """`task` is to finish within `within_working_days` of `after`'s planned end."""

    task: str
    after: str
    within_working_days: int


@dataclass(frozen=True)
class SlipShare:
    """The working days of the go-live slip one late task added."""

    task_id: str
    summary: str
    role: str | None
    side: str  # customer | vendor
    days: int
    sla_breached: bool = False


@dataclass(frozen=True)
class SlipAttribution:
    """A release's go-live slip and who added it (shares in chain order, first task first)."""

    slip_days: int
    shares: tuple[SlipShare, ...]

    def by_side(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for share in self.shares:
            found[share.side] = found.get(share.side, 0) + share.days
        return found

    @property
    def text(self) -> str:
        """'go-live +4: 3 days customer (Customer UAT Engagement), 1 day vendor (Evaluate …)'."""
        if self.slip_days <= 0:
            return "go-live on plan"
        parts = []
        for side in (CUSTOMER, VENDOR):
            shares = [s for s in self.shares if s.side == side]
            if shares:
                days = sum(s.days for s in shares)
                names = ", ".join(_named(s) for s in shares)
                parts.append(f"{days} day{'s' if days != 1 else ''} {side} ({names})")
        unexplained = self.slip_days - sum(s.days for s in self.shares)
        if unexplained > 0:
            parts.append(f"{unexplained} unattributed")
        return f"go-live +{self.slip_days}: " + ", ".join(parts)


def _named(share: SlipShare) -> str:
    return share.summary + (", SLA missed" if share.sla_breached else "")


def slip_chain(
    slippage: ReleaseSlippage, go_live_task: str, calendar: WorkCalendar
) -> tuple[TaskSlippage, ...]:
    """The tasks that drove the go-live task's forecast start, first task first."""
    by_id = {t.task_id: t for t in slippage.tasks}
    chain = [by_id[go_live_task]]
    while True:
        task = chain[-1]
        if task.projected_start <= calendar.next_working_day(task.planned_start):
            break
        drivers = [
            by_id[d]
            for d in task.depends_on
            if calendar.next_working_day(by_id[d].projected_finish + _DAY) == task.projected_start
        ]
        if not drivers:
            break
        chain.append(drivers[0])
    return tuple(reversed(chain))


def attribute_slip(
    slippage: ReleaseSlippage,
    go_live_task: str,
    calendar: WorkCalendar,
    task_roles: Mapping[str, Sequence[str]],
    customer_roles: Collection[str],
    slas: Sequence[Sla] = (),
    names: Mapping[str, str] | None = None,
) -> SlipAttribution:
    """Share the go-live slip among the tasks of its chain (see the module docstring);
    `names`: how to name tasks (task id → name; default: their Jira summary)."""
    total = slippage.slip_days
    if total <= 0:
        return SlipAttribution(0, ())
    chain = slip_chain(slippage, go_live_task, calendar)
    left, shares = total, []
    for index in range(len(chain) - 1, -1, -1):
        task = chain[index]
        driven = chain[index - 1].slip_days if index > 0 else 0
        days = min(left, max(0, task.slip_days - driven))
        left -= days
        if days:
            roles = task_roles.get(task.task_id, ())
            role = roles[0] if roles else None
            side = CUSTOMER if role in customer_roles else VENDOR
            breached = _breached(task, slippage, calendar, slas)
            summary = (names or {}).get(task.task_id) or task.summary or task.task_id
            shares.append(SlipShare(task.task_id, summary, role, side, days, breached))
    return SlipAttribution(total, tuple(reversed(shares)))


def _breached(
    task: TaskSlippage, slippage: ReleaseSlippage, calendar: WorkCalendar, slas: Sequence[Sla]
) -> bool:
    by_id = {t.task_id: t for t in slippage.tasks}
    for sla in slas:
        if sla.task == task.task_id and sla.after in by_id:
            allowed = calendar.add_working_days(
                by_id[sla.after].planned_end, sla.within_working_days
            )
            if task.projected_finish > allowed:
                return True
    return False
