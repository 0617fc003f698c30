"""Each approver's decision on a Change Advisory (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

ApprovalState = Literal["approved", "rejected", "pending"]


@dataclass(frozen=True)
class Approval:
    role: str
    state: ApprovalState
    key: str | None  # the approval sub-task; None: not created yet
    url: str | None
    by: str | None  # who decided
    on: date | None  # when
