"""The base of every declarative schema (templates, config, input files)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    """Unknown keys are errors (they are nearly always typos); values are immutable."""

    # defer_build: a model's validator is built when it first validates, not at import — a
    # command pays only for the schemas it reads (issue 15: `plan` reads no notes file)
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True
    )
