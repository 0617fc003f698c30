"""Page renderers: pure functions from typed inputs to a title and a storage-format body."""

from nivosync.render.pages.change_advisory import render_change_advisory
from nivosync.render.pages.common import Attachment, GoLiveDates, IssueRef, RenderedPage
from nivosync.render.pages.release_notes import (
    ChangeItem,
    JiraItem,
    JiraResults,
    ReleaseChanges,
    collect_changes,
    render_release_notes,
)
from nivosync.render.pages.release_plan import JiraServer, render_release_plan
from nivosync.render.pages.uat_form import merge_scenarios, render_uat_form

__all__ = [
    "Attachment",
    "ChangeItem",
    "GoLiveDates",
    "IssueRef",
    "JiraItem",
    "JiraResults",
    "JiraServer",
    "ReleaseChanges",
    "RenderedPage",
    "collect_changes",
    "merge_scenarios",
    "render_change_advisory",
    "render_release_notes",
    "render_release_plan",
    "render_uat_form",
]
