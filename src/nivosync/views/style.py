"""How terminal output looks — its width, colour and format — chosen once by the CLI from the
environment (a terminal or a pipe, NO_COLOR, --log-format) and handed to every view, so that a
view is a pure function of what it shows and this style."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Format = Literal["table", "plain", "csv", "json"]
FORMATS: tuple[Format, ...] = ("table", "plain", "csv", "json")

Tone = Literal["bad", "warn", "good", "quiet"]
# rich style names; "amber" is the terminal's yellow (the one warning colour every palette has).
TONE_STYLES: dict[Tone, str] = {
    "bad": "bold red",
    "warn": "bold yellow",
    "good": "green",
    "quiet": "dim",
}
STATUS_TONES: dict[str, Tone] = {
    "slipping": "bad",
    "missed": "bad",
    "error": "bad",
    "stale": "bad",
    "at_risk": "warn",
    "on_track": "good",
    "done": "good",
    "cancelled": "quiet",
}


@dataclass(frozen=True)
class OutputStyle:
    """`width`: wrap tables and lines to it (None: never wrap — a pipe gets every row whole);
    `color`: statuses in colour (a terminal only)."""

    width: int | None = None
    color: bool = False


PLAIN = OutputStyle()  # a pipe: no wrapping, no colour


@dataclass(frozen=True)
class Painted:
    """A value shown in a colour on a terminal (and as plain text everywhere else)."""

    text: str
    tone: Tone | None = None

    def __str__(self) -> str:
        return self.text


def status_word(status: str) -> str:
    """`at_risk` → 'AT RISK', as people read a status."""
    return status.upper().replace("_", " ")


def status_cell(status: str, word: str | None = None) -> Painted:
    """A status in its colour: SLIPPING red, AT RISK amber, DONE / ON TRACK green."""
    return Painted(word if word is not None else status_word(status), STATUS_TONES.get(status))
