"""Enums shared by every layer: pace, roles, phases and what a thread reply counts as.

String values are stored in the database and used in Slack ids, so they never change once shipped.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class Pace(StrEnum):
    """How fast a presentation runs: 5, 10 or 15 working days."""

    SPRINT = "sprint"
    STANDARD = "standard"
    RELAXED = "relaxed"


class Role(StrEnum):
    """A member's role in one presentation (listeners are everyone, so not a role)."""

    PRESENTER = "presenter"
    FACILITATOR = "facilitator"
    REFLECTOR = "reflector"
    QUESTIONER = "questioner"


class Phase(IntEnum):
    """The stages of one presentation, stored as integers 0..6."""

    P0 = 0
    P1 = 1
    P2 = 2
    P3 = 3
    P4 = 4
    P5 = 5
    P6 = 6

    @property
    def title(self) -> str:
        """The human name shown in Slack, e.g. "Clarifying questions"."""
        return _PHASE_TITLES[self]

    @property
    def next(self) -> Phase | None:
        """The phase that follows this one, or None after the close."""
        return None if self is Phase.P6 else Phase(self + 1)


# Kept outside the class: a dict inside an Enum body would itself become a member.
_PHASE_TITLES: dict[Phase, str] = {
    Phase.P0: "Present",
    Phase.P1: "Clarifying questions",
    Phase.P2: "Restate the problem",
    Phase.P3: "Deepening questions",
    Phase.P4: "Presenter reflects and commits",
    Phase.P5: "Reflection and learning",
    Phase.P6: "Close",
}


class ContributionKind(StrEnum):
    """What a recorded thread reply counts as."""

    QUESTION = "question"
    ANSWER = "answer"
    RESTATEMENT = "restatement"
    LEARNING = "learning"
    SYNTHESIS = "synthesis"
    COMMENT = "comment"
