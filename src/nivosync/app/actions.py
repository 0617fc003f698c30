"""What a dry run would write, one object per write (`--json` `actions`; the text for people)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# The kinds of a planned write; `create_kinds` are the ones that make an issue.
CREATE_EPIC = "create-epic"
CREATE_ISSUE = "create-issue"
CREATE_SUBTASK = "create-sub-task"
CREATE_VERSION = "create-version"
ADD_WATCHER = "add-watcher"
UPDATE_FIELD = "update-field"
PUT_BACK_LABELS = "put-back-labels"
RECORD_CANCELLATION = "record-cancellation"
TRANSITION = "transition"
LEAVE_OPEN = "leave-open"
PUBLISH_PAGE = "publish-page"
ISSUE_CREATES = frozenset({CREATE_EPIC, CREATE_ISSUE, CREATE_SUBTASK})


@dataclass(frozen=True)
class Action:
    """One planned write: what (`kind`), on which issue (`key`, once it exists), which field
    from what to what, and the same in words (`text`)."""

    kind: str
    text: str
    key: str | None = None
    task_id: str | None = None
    field: str | None = None
    old: str | None = None
    new: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "key": self.key,
            "task_id": self.task_id,
            "field": self.field,
            "from": self.old,
            "to": self.new,
            "text": self.text,
        }
