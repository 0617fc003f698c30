"""The config's `portfolio` section: how much one person may carry across releases, which roles
are the customer's, and the per-template SLAs that say who missed what (issue 16).

    portfolio:
      max_tasks_per_day: 6                     # tasks in flight on one working day (forecast)
      max_tasks_per_week: 8                    # tasks forecast to finish in one ISO week
      min_working_days_between_go_lives: 2     # one person's two go-lives at least this far apart
      per_role:                                # each key set replaces the global one; a person
        Development Team: {max_tasks_per_day: 8}   # playing several roles gets the strictest
      per_person:                              # each key set replaces the role's and global one
        dana@example.com: {max_tasks_per_week: 10}
      customer_roles: [Client SME Teams]       # whose lateness is the customer's (else vendor's)
      load_weeks: 4                            # weeks the portfolio page's load table shows
      slas:                                    # per template name: a task to finish within N
        nivomax-5-week:                        # working days of another's planned end
          - {task: feedback-collection, after: customer-uat-engagement, within_working_days: 3}
      freezes:                                 # no go-live in these (both days included); for
        - {name: Year-end, start: 2026-12-21, end: 2027-01-03}   # everyone, or `customers: [..]`
      max_go_lives_per_day: 1                  # across every release
      max_go_lives_per_week: 3
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

from pydantic import Field, StringConstraints, model_validator

from nivosync.core.strict import Strict

if TYPE_CHECKING:  # imported where used: `validate` and `plan` read settings they never apply
    from nivosync.core.go_live_conflicts import Freeze
    from nivosync.core.portfolio_load import LimitRules, Limits
    from nivosync.core.slip_attribution import Sla

Text = Annotated[str, StringConstraints(min_length=1)]
Count = Annotated[int, Field(ge=0, le=1000)]


class LimitSettings(Strict):
    max_tasks_per_day: Count | None = None
    max_tasks_per_week: Count | None = None
    min_working_days_between_go_lives: Count | None = None

    def limits(self) -> Limits:
        from nivosync.core.portfolio_load import Limits

        return Limits(
            self.max_tasks_per_day,
            self.max_tasks_per_week,
            self.min_working_days_between_go_lives,
        )


class SlaSettings(Strict):
    task: Text
    after: Text
    within_working_days: Count

    def sla(self) -> Sla:
        from nivosync.core.slip_attribution import Sla

        return Sla(self.task, self.after, self.within_working_days)


class FreezeSettings(Strict):
    name: Text
    start: date
    end: date
    customers: list[Text] = []

    @model_validator(mode="after")
    def _ordered(self) -> FreezeSettings:
        if self.end < self.start:
            raise ValueError(f"freeze '{self.name}': end {self.end} is before start {self.start}")
        return self

    def freeze(self) -> Freeze:
        from nivosync.core.go_live_conflicts import Freeze

        return Freeze(self.name, self.start, self.end, tuple(self.customers))


class PortfolioSettings(LimitSettings):
    per_role: dict[Text, LimitSettings] = {}
    per_person: dict[Text, LimitSettings] = {}
    customer_roles: list[Text] = ["Client SME Teams"]
    load_weeks: Annotated[int, Field(ge=1, le=26)] = 4
    slas: dict[Text, list[SlaSettings]] = {}
    freezes: list[FreezeSettings] = []
    max_go_lives_per_day: Count | None = None
    max_go_lives_per_week: Count | None = None

    def rules(self) -> LimitRules:
        from nivosync.core.portfolio_load import LimitRules

        return LimitRules(
            self.limits(),
            {role: s.limits() for role, s in self.per_role.items()},
            {person: s.limits() for person, s in self.per_person.items()},
        )

    def template_slas(self, template: str | None) -> tuple[Sla, ...]:
        return tuple(s.sla() for s in self.slas.get(template or "", []))
