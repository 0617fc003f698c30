"""A change's risk rating: likelihood × impact on the usual 3 × 3 matrix (pure)."""

from __future__ import annotations

from typing import Literal

Level = Literal["low", "medium", "high"]
Rating = Literal["Low", "Medium", "High"]
_SCORE: dict[str, int] = {"low": 1, "medium": 2, "high": 3}


def risk_rating(likelihood: Level, impact: Level) -> Rating:
    """1–2 Low, 3–4 Medium, 6–9 High (a likely failure with a severe impact is High; an
    unlikely one with a minor impact is Low; one high factor with one medium one is High)."""
    score = _SCORE[likelihood] * _SCORE[impact]
    if score <= 2:
        return "Low"
    return "Medium" if score <= 4 else "High"


def rating_text(likelihood: Level, impact: Level) -> str:
    """'High (likelihood medium × impact high)'."""
    return f"{risk_rating(likelihood, impact)} (likelihood {likelihood} × impact {impact})"
