"""The one-line summaries at the end of `create`, `publish` and `replan` (as terraform's):
'Plan: 19 issues to create, 0 to update, 0 unchanged; 4 pages to create, …' for a dry run,
'Applied: 19 issues created, 0 updated, 0 unchanged; 4 pages created, …' for a run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nivosync.app.publisher import PageResult
from nivosync.views.words import count

NOT_WRITTEN = ("conflict", "skipped-edited")
UNCHANGED = ("unchanged", "existing")


@dataclass(frozen=True)
class Tally:
    """What a run did (or would do) to one kind of thing: issues, pages."""

    noun: str
    created: int | None = 0  # None: not a thing this run does (left out of the line)
    updated: int | None = 0
    unchanged: int | None = 0
    failed: int = 0  # failed or not written (a conflict, a person's edit kept)
    making: tuple[str, str] = ("to create", "created")  # the verb of `created`: plan, run

    def text(self, dry_run: bool) -> str:
        made = self.making[0] if dry_run else self.making[1]
        changed = "to update" if dry_run else "updated"
        parts = [(self.created, made), (self.updated, changed), (self.unchanged, "unchanged")]
        if self.failed:
            parts.append((self.failed, "not to be written" if dry_run else "not written"))
        shown = [(n, words) for n, words in parts if n is not None]
        first, *rest = shown
        return ", ".join(
            [f"{count(first[0], self.noun)} {first[1]}", *(f"{n} {w}" for n, w in rest)]
        )


def summary_line(dry_run: bool, tallies: Sequence[Tally]) -> str:
    return (
        ("Plan: " if dry_run else "Applied: ") + "; ".join(t.text(dry_run) for t in tallies) + "."
    )


def page_tally(pages: Sequence[PageResult]) -> Tally:
    actions = [p.action for p in pages]
    return Tally(
        "page",
        created=sum(a in ("created", "would create") for a in actions),
        updated=sum(a in ("updated", "would update") for a in actions),
        unchanged=sum(a in UNCHANGED for a in actions),
        failed=sum(a in NOT_WRITTEN for a in actions),
    )
