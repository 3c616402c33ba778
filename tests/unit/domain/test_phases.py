"""The phase plan: windows per pace, re-planning, extensions, nudges, reply kinds."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.calendar import MON_FRI, add_working_days
from bot.domain.enums import ContributionKind, Pace, Phase, Role
from bot.domain.phases import (
    HALF_DAYS,
    MAX_EXTENSIONS,
    QUESTION_LIMITS,
    PhaseWindow,
    classify_reply,
    extend,
    halfway,
    phase_accepts,
    phase_deadline,
    plan_from,
    plan_phases,
    question_limit,
    working_halfway,
)

LONDON = "Europe/London"
NEW_YORK = "America/New_York"


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(LONDON)).astimezone(UTC)


def new_york(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(NEW_YORK)).astimezone(UTC)


@pytest.mark.parametrize(
    ("pace", "halves", "days"),
    [
        (Pace.SPRINT, [1, 2, 1, 3, 2, 1], 5),
        (Pace.STANDARD, [2, 4, 2, 6, 4, 2], 10),
        (Pace.RELAXED, [3, 6, 3, 9, 6, 3], 15),
    ],
)
def test_windows_per_pace(pace: Pace, halves: list[int], days: int) -> None:
    assert [HALF_DAYS[pace][phase] for phase in list(Phase)[:6]] == halves
    assert sum(halves) == 2 * days
    assert Phase.P6 not in HALF_DAYS[pace]


def test_standard_plan_from_a_monday_morning() -> None:
    start = london(2026, 3, 2, 9)  # Monday 09:00 GMT
    plan = plan_phases(start, pace=Pace.STANDARD, tz=LONDON, working_days=MON_FRI)
    assert plan == [
        PhaseWindow(Phase.P0, start, london(2026, 3, 3, 9)),
        PhaseWindow(Phase.P1, london(2026, 3, 3, 9), london(2026, 3, 5, 9)),
        PhaseWindow(Phase.P2, london(2026, 3, 5, 9), london(2026, 3, 6, 9)),
        PhaseWindow(Phase.P3, london(2026, 3, 6, 9), london(2026, 3, 11, 9)),
        PhaseWindow(Phase.P4, london(2026, 3, 11, 9), london(2026, 3, 13, 9)),
        PhaseWindow(Phase.P5, london(2026, 3, 13, 9), london(2026, 3, 16, 9)),
        PhaseWindow(Phase.P6, london(2026, 3, 16, 9), london(2026, 3, 16, 9)),
    ]


@pytest.mark.parametrize(
    ("pace", "days"), [(Pace.SPRINT, 5), (Pace.STANDARD, 10), (Pace.RELAXED, 15)]
)
def test_plan_is_contiguous_and_ends_after_the_pace_in_working_days(pace: Pace, days: int) -> None:
    start = new_york(2026, 10, 20, 11, 30)  # Tuesday, runs across the November DST change
    plan = plan_phases(start, pace=pace, tz=NEW_YORK, working_days=MON_FRI)
    assert [w.phase for w in plan] == list(Phase)
    assert plan[0].opens_at == start
    for before, after in zip(plan, plan[1:]):
        assert before.closes_at == after.opens_at
    assert plan[-1].opens_at == plan[-1].closes_at  # P6 is a moment, not a window
    assert plan[-1].closes_at == add_working_days(start, days, tz=NEW_YORK, working_days=MON_FRI)


def test_sprint_plan_from_tuesday_eleven() -> None:
    start = london(2026, 3, 10, 11)
    plan = plan_phases(start, pace=Pace.SPRINT, tz=LONDON, working_days=MON_FRI)
    closes = [w.closes_at for w in plan]
    assert closes == [
        london(2026, 3, 10, 13),  # P0: 1 half-day
        london(2026, 3, 11, 13),  # P1: 2
        london(2026, 3, 12, 9),  # P2: 1
        london(2026, 3, 13, 13),  # P3: 3
        london(2026, 3, 16, 13),  # P4: 2, over the weekend
        london(2026, 3, 17, 9),  # P5: 1
        london(2026, 3, 17, 9),  # P6
    ]


def test_phase_deadline_replans_one_phase_from_an_early_advance() -> None:
    advanced_at = london(2026, 3, 4, 15, 20)  # Wednesday afternoon: P2 opens early
    deadline = phase_deadline(
        advanced_at, Phase.P2, pace=Pace.STANDARD, tz=LONDON, working_days=MON_FRI
    )
    assert deadline == london(2026, 3, 5, 13)  # full window of 2 half-days from now
    p6 = phase_deadline(advanced_at, Phase.P6, pace=Pace.STANDARD, tz=LONDON, working_days=MON_FRI)
    assert p6 == advanced_at


def test_plan_from_the_middle_matches_the_tail_of_a_full_plan() -> None:
    start = london(2026, 3, 2, 9)
    full = plan_phases(start, pace=Pace.RELAXED, tz=LONDON, working_days=MON_FRI)
    tail = plan_from(Phase.P3, full[3].opens_at, pace=Pace.RELAXED, tz=LONDON, working_days=MON_FRI)
    assert tail == full[3:]


def test_extend_adds_one_working_day() -> None:
    deadline = london(2026, 3, 13, 9)  # Friday 09:00
    assert extend(deadline, tz=LONDON, working_days=MON_FRI) == london(2026, 3, 16, 9)
    tuesday_one_pm = london(2026, 3, 10, 13)
    assert extend(tuesday_one_pm, tz=LONDON, working_days=MON_FRI) == london(2026, 3, 11, 13)
    assert MAX_EXTENSIONS == 2


def test_extend_across_dst_keeps_the_wall_clock() -> None:
    deadline = london(2026, 3, 27, 13)  # Friday 13:00 GMT
    extended = extend(deadline, tz=LONDON, working_days=MON_FRI)
    assert extended == london(2026, 3, 30, 13)
    assert extended == datetime(2026, 3, 30, 12, tzinfo=UTC)


def test_halfway_is_the_utc_midpoint() -> None:
    opens = datetime(2026, 3, 3, 9, tzinfo=UTC)
    closes = datetime(2026, 3, 5, 9, tzinfo=UTC)
    assert halfway(opens, closes) == datetime(2026, 3, 4, 9, tzinfo=UTC)
    assert halfway(opens, opens) == opens
    with pytest.raises(ValueError):
        halfway(closes, opens)


def test_working_halfway_never_falls_on_a_weekend() -> None:
    opens = london(2026, 3, 12, 9)  # Thursday; standard P1 closes Monday 09:00
    closes = phase_deadline(opens, Phase.P1, pace=Pace.STANDARD, tz=LONDON, working_days=MON_FRI)
    assert closes == london(2026, 3, 16, 9)
    assert halfway(opens, closes).astimezone(ZoneInfo(LONDON)).weekday() == 5  # Saturday
    nudge = working_halfway(opens, Phase.P1, pace=Pace.STANDARD, tz=LONDON, working_days=MON_FRI)
    assert nudge == london(2026, 3, 13, 9)  # Friday morning
    assert opens < nudge < closes


def test_question_limits() -> None:
    assert QUESTION_LIMITS == {Phase.P1: 2, Phase.P3: 3}
    assert question_limit(Phase.P1) == 2
    assert question_limit(Phase.P3) == 3
    assert question_limit(Phase.P2) is None


@pytest.mark.parametrize(
    ("phase", "kind"),
    [
        (Phase.P0, ContributionKind.COMMENT),
        (Phase.P1, ContributionKind.QUESTION),
        (Phase.P2, ContributionKind.RESTATEMENT),
        (Phase.P3, ContributionKind.QUESTION),
        (Phase.P4, ContributionKind.COMMENT),
        (Phase.P5, ContributionKind.LEARNING),
        (Phase.P6, ContributionKind.COMMENT),
    ],
)
def test_phase_accepts(phase: Phase, kind: ContributionKind) -> None:
    assert phase_accepts(phase) is kind
    assert classify_reply(phase, author_role_set={Role.QUESTIONER}) is kind


def test_presenter_always_answers() -> None:
    for phase in Phase:
        assert classify_reply(phase, author_role_set={Role.PRESENTER}) is ContributionKind.ANSWER


def test_reflector_posts_the_synthesis_in_p5_only() -> None:
    roles = {Role.REFLECTOR, Role.FACILITATOR, Role.QUESTIONER}  # a set of three
    assert classify_reply(Phase.P5, author_role_set=roles) is ContributionKind.SYNTHESIS
    assert classify_reply(Phase.P1, author_role_set=roles) is ContributionKind.QUESTION
    assert classify_reply(Phase.P5, author_role_set=frozenset()) is ContributionKind.LEARNING


def test_plans_are_utc() -> None:
    plan = plan_phases(new_york(2026, 3, 2, 9), pace=Pace.SPRINT, tz=NEW_YORK, working_days=MON_FRI)
    assert all(w.closes_at.utcoffset() == timedelta(0) for w in plan)
