"""The phase plan of a presentation: windows, deadlines, extensions, limits, reply kinds.

Windows are counted in half-days (see bot.domain.calendar), so every deadline lands at 09:00 or
13:00 on a working day of the set's time zone.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime

from bot.domain.calendar import boundaries_after, ensure_aware
from bot.domain.enums import ContributionKind, Pace, Phase, Role

# Half-days per phase P0..P5. P6 (close) happens at the end of P5 and has no window of its own.
HALF_DAYS: dict[Pace, dict[Phase, int]] = {
    Pace.SPRINT: dict(zip(Phase, (1, 2, 1, 3, 2, 1))),  # 5 working days
    Pace.STANDARD: dict(zip(Phase, (2, 4, 2, 6, 4, 2))),  # 10 working days
    Pace.RELAXED: dict(zip(Phase, (3, 6, 3, 9, 6, 3))),  # 15 working days
}

MAX_EXTENSIONS = 2
EXTENSION_HALF_DAYS = 2  # one working day

# How many questions each questioner may ask per phase (P1: one plus a follow-up).
QUESTION_LIMITS: dict[Phase, int] = {Phase.P1: 2, Phase.P3: 3}

_ACCEPTS: dict[Phase, ContributionKind] = {
    Phase.P1: ContributionKind.QUESTION,
    Phase.P2: ContributionKind.RESTATEMENT,
    Phase.P3: ContributionKind.QUESTION,
    Phase.P5: ContributionKind.LEARNING,
}


@dataclass(frozen=True)
class PhaseWindow:
    """When one phase opens and closes (UTC). P6 is a zero-length window at the P5 close."""

    phase: Phase
    opens_at: datetime
    closes_at: datetime


def half_days(phase: Phase, pace: Pace) -> int:
    """The window of a phase in half-days at a pace (0 for P6)."""
    return HALF_DAYS[Pace(pace)].get(Phase(phase), 0)


def phase_deadline(
    opened_at: datetime, phase: Phase, *, pace: Pace, tz: str, working_days: frozenset[int]
) -> datetime:
    """When a phase opened at `opened_at` closes, given its full window.

    Used for the initial plan and to re-plan when a phase opens early (facilitator advanced the
    previous one) or on resume after a pause: the phase runs its full window from `opened_at`.
    """
    return boundaries_after(
        opened_at, half_days(phase, pace), tz=tz, working_days=working_days
    )


def plan_from(
    phase: Phase, opens_at: datetime, *, pace: Pace, tz: str, working_days: frozenset[int]
) -> list[PhaseWindow]:
    """Windows for `phase` and every later phase up to P6, the first opening at `opens_at`."""
    windows: list[PhaseWindow] = []
    cursor = ensure_aware(opens_at, "opens_at")
    for current in Phase:
        if current < phase:
            continue
        closes_at = phase_deadline(cursor, current, pace=pace, tz=tz, working_days=working_days)
        windows.append(PhaseWindow(current, cursor, closes_at))
        cursor = closes_at
    return windows


def plan_phases(
    start: datetime, *, pace: Pace, tz: str, working_days: frozenset[int]
) -> list[PhaseWindow]:
    """The whole plan P0..P6 for a presentation starting at `start`."""
    return plan_from(Phase.P0, start, pace=pace, tz=tz, working_days=working_days)


def extend(deadline: datetime, *, tz: str, working_days: frozenset[int]) -> datetime:
    """A deadline pushed back by one working day (two half-day boundaries).

    The caller enforces MAX_EXTENSIONS per presentation.
    """
    return boundaries_after(deadline, EXTENSION_HALF_DAYS, tz=tz, working_days=working_days)


def halfway(opens_at: datetime, closes_at: datetime) -> datetime:
    """The UTC midpoint of a window (when P1/P3 nudges go out).

    Elapsed-time midpoint: over a weekend it may land on a non-working day; see working_halfway.
    """
    start = ensure_aware(opens_at, "opens_at")
    end = ensure_aware(closes_at, "closes_at")
    if end < start:
        raise ValueError("closes_at must not be before opens_at")
    return start + (end - start) / 2


def working_halfway(
    opened_at: datetime, phase: Phase, *, pace: Pace, tz: str, working_days: frozenset[int]
) -> datetime:
    """Halfway through a phase in working time: half its boundaries in (at least one).

    Unlike halfway(), it always lands at 09:00 or 13:00 on a working day, so a nudge never goes out
    on a weekend; for one-half-day windows it equals the deadline.
    """
    count = max(1, half_days(phase, pace) // 2)
    return boundaries_after(opened_at, count, tz=tz, working_days=working_days)


def question_limit(phase: Phase) -> int | None:
    """Questions each questioner may ask in a phase, or None where questions are not counted."""
    return QUESTION_LIMITS.get(Phase(phase))


def phase_accepts(phase: Phase) -> ContributionKind:
    """What a non-presenter's thread reply counts as in a phase."""
    return _ACCEPTS.get(Phase(phase), ContributionKind.COMMENT)


def classify_reply(phase: Phase, *, author_role_set: AbstractSet[Role]) -> ContributionKind:
    """What a thread reply counts as, given the author's roles in the presentation.

    The presenter always answers; the reflector's reply in P5 is the synthesis; anyone else's
    reply counts as whatever the phase asks for.
    """
    if Role.PRESENTER in author_role_set:
        return ContributionKind.ANSWER
    if Phase(phase) is Phase.P5 and Role.REFLECTOR in author_role_set:
        return ContributionKind.SYNTHESIS
    return phase_accepts(phase)
