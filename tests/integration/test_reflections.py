"""Reflection services on the real database: who is due, the learning log, sharing, App Home."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from bot.db import session_scope
from bot.domain.enums import Pace
from bot.domain.reflection_schedule import reflection_due_at
from bot.domain.set_settings import SetSettings
from bot.domain.states import MemberState, PostKind, SetStatus
from bot.errors import UserFacingError
from bot.models import LearningSet, Reflection
from bot.runtime import Runtime
from bot.services.outbox import enqueue_post
from bot.services.reflection_prompts import DuePrompt, due_prompts, prompt_key
from bot.services.home import home_for
from bot.services.reflections import (
    add_to_reflection,
    plan_share,
    record_share,
    refresh_profile,
    set_reflections_opt_out,
    snooze_reflections,
    week_for_reply,
)
from bot.services.sets import ChannelFacts, create_set
from bot.services.users import find_user, remember_user
from bot.slack.poster import Poster
from tests.support.fake_slack import FakeSlack

TEAM = "T0001"
WEEK = date(2026, 3, 2)  # a Monday
CREATED = datetime(2026, 2, 23, 9, tzinfo=UTC)


def make_set(
    session: Session, channel: str, members: list[str], *, tz: str = "Europe/London", weekday: int = 4,
    hour: int = 15, now: datetime = CREATED,
) -> LearningSet:  # fmt: skip
    settings = SetSettings(f"Set {channel}", Pace.STANDARD, tz, frozenset(range(5)), weekday, hour, 1)
    return create_set(
        session, team_id=TEAM, enterprise_id=None, channel=ChannelFacts(channel, True, False), created_by=members[0],
        settings=settings, member_ids=members, now=now,
    )  # fmt: skip


def due_users(session: Session, now: datetime) -> set[str]:
    return {p.user_id for p in due_prompts(session, now)}


def send(session: Session, prompts: list[DuePrompt], now: datetime) -> None:
    for p in prompts:
        enqueue_post(session, work_key=p.work_key, team_id=p.team_id, kind=PostKind.DM, user_id=p.user_id, text="x", now=now)


def london_friday(week: date = WEEK) -> datetime:
    return reflection_due_at(week, weekday=4, hour=15, tz="Europe/London")


@pytest.fixture
def session(runtime: Runtime) -> Iterator[Session]:
    with session_scope(runtime.session_factory) as s:
        yield s


def test_each_member_is_due_at_the_hour_in_their_own_zone(session: Session) -> None:
    make_set(session, "C1", ["ULON", "UNY", "UIN", "UNONE"])
    for user, tz in (("ULON", "Europe/London"), ("UNY", "America/New_York"), ("UIN", "Asia/Kolkata")):
        remember_user(session, team_id=TEAM, user_id=user, timezone=tz, is_deleted=False, now=CREATED)
    # UNONE has no cached zone: the set's (London) is used.
    for user, tz in (("UIN", "Asia/Kolkata"), ("ULON", "Europe/London"), ("UNY", "America/New_York")):
        due = reflection_due_at(WEEK, weekday=4, hour=15, tz=tz)
        assert user not in due_users(session, due - timedelta(minutes=1))
        assert user in due_users(session, due)
    assert "UNONE" in due_users(session, london_friday())
    prompts = due_prompts(session, london_friday())
    assert {p.week_start for p in prompts} == {WEEK}


def test_a_queued_prompt_is_never_due_again_and_stale_ones_are_skipped(session: Session) -> None:
    make_set(session, "C1", ["U1", "U2"])
    now = london_friday()
    send(session, due_prompts(session, now), now)
    assert due_prompts(session, now + timedelta(minutes=15)) == []
    # U3 joins a set whose Friday time was 25 hours ago: too late for this week.
    make_set(session, "C2", ["U3"], now=now - timedelta(days=3))
    assert due_users(session, now + timedelta(hours=23)) == {"U3"}
    assert due_users(session, now + timedelta(hours=25)) == set()


def test_who_gets_nothing(session: Session) -> None:
    learning_set = make_set(session, "C1", ["UACT", "UOPT", "USNZ", "UAWAY", "UBACK", "UOBS", "ULEFT", "UDEL"])
    paused = make_set(session, "C2", ["UPAUSED"])
    paused.status = SetStatus.PAUSED
    states = {m.user_id: m for m in learning_set.memberships}
    states["UAWAY"].state, states["UAWAY"].away_until = MemberState.AWAY, WEEK + timedelta(days=10)
    states["UBACK"].state, states["UBACK"].away_until = MemberState.AWAY, WEEK  # the away date has passed
    states["UOBS"].state = MemberState.OBSERVER
    states["ULEFT"].state = MemberState.LEFT
    set_reflections_opt_out(session, team_id=TEAM, user_id="UOPT", opt_out=True)
    snooze_reflections(session, team_id=TEAM, user_id="USNZ", week_start=WEEK - timedelta(days=7))
    remember_user(session, team_id=TEAM, user_id="UDEL", timezone="Europe/London", is_deleted=True, now=CREATED)
    session.flush()
    assert due_users(session, london_friday()) == {"UACT", "UBACK"}
    # The snooze covered one week; resuming after an opt-out works too.
    set_reflections_opt_out(session, team_id=TEAM, user_id="UOPT", opt_out=False)
    assert due_users(session, london_friday(WEEK + timedelta(days=7))) >= {"UACT", "USNZ", "UOPT"}


def test_a_member_of_two_sets_gets_one_prompt_at_the_first_time_of_their_week(session: Session) -> None:
    make_set(session, "C1", ["U1", "U2"], weekday=4, hour=15)
    make_set(session, "C2", ["U1", "U3"], weekday=2, hour=10)
    wednesday = reflection_due_at(WEEK, weekday=2, hour=10, tz="Europe/London")
    prompts = due_prompts(session, wednesday)
    assert {p.user_id for p in prompts} == {"U1", "U3"}
    send(session, prompts, wednesday)
    assert due_users(session, london_friday()) == {"U2"}  # U1 had this week's already


def test_no_prompt_for_a_time_that_passed_before_joining(session: Session) -> None:
    now = london_friday()
    make_set(session, "C1", ["U1"], now=now + timedelta(hours=1))
    assert due_prompts(session, now + timedelta(hours=2)) == []


def test_nothing_due_costs_one_query(runtime: Runtime, engine: Engine) -> None:
    with session_scope(runtime.session_factory) as session:
        for n in range(20):
            make_set(session, f"C{n}", [f"U{n}a", f"U{n}b"])
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        with session_scope(runtime.session_factory) as session:
            assert due_prompts(session, datetime(2026, 3, 4, 3, tzinfo=UTC)) == []  # Wednesday night
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1


def test_replies_extend_the_weeks_entry_and_monday_answers_count_for_friday(session: Session) -> None:
    make_set(session, "C1", ["U1"])
    remember_user(session, team_id=TEAM, user_id="U1", timezone="Europe/London", is_deleted=False, now=CREATED)
    friday = london_friday()
    send(session, due_prompts(session, friday), friday)
    monday = datetime(2026, 3, 9, 8, tzinfo=UTC)
    assert week_for_reply(session, team_id=TEAM, user_id="U1", now=monday) == WEEK
    assert week_for_reply(session, team_id=TEAM, user_id="U1", now=monday + timedelta(days=3)) == WEEK + timedelta(days=7)
    first = add_to_reflection(session, team_id=TEAM, user_id="U1", week_start=WEEK, text="Shipped it.", now=friday)
    second = add_to_reflection(session, team_id=TEAM, user_id="U1", week_start=WEEK, text="Learned patience.", now=monday)
    assert (first.created, second.created, first.reflection_id) == (True, False, second.reflection_id)
    reflection = session.get(Reflection, first.reflection_id)
    assert reflection is not None and reflection.text == "Shipped it.\n\nLearned patience."
    with pytest.raises(UserFacingError):
        add_to_reflection(session, team_id=TEAM, user_id="U1", week_start=WEEK, text="  ", now=monday)


def test_sharing_asks_which_set_posts_once_and_records_the_ts(runtime: Runtime, fake_slack: FakeSlack) -> None:
    fake_slack.add_channel("C1", members=["U1"])
    fake_slack.add_channel("C2", members=["U1"])
    now = london_friday()
    with session_scope(runtime.session_factory) as session:
        make_set(session, "C1", ["U1"])
        second = make_set(session, "C2", ["U1"])
        saved = add_to_reflection(session, team_id=TEAM, user_id="U1", week_start=WEEK, text="<!channel> & me", now=now)
        with pytest.raises(UserFacingError, match="Choose one"):
            plan_share(session, team_id=TEAM, user_id="U1", reflection_id=saved.reflection_id, set_id=None)
        with pytest.raises(UserFacingError, match="no longer in your learning log"):
            plan_share(session, team_id=TEAM, user_id="U2", reflection_id=saved.reflection_id, set_id=second.id)
        plan = plan_share(session, team_id=TEAM, user_id="U1", reflection_id=saved.reflection_id, set_id=second.id)
        key = record_share(session, plan, text="shared", blocks=[], now=now)
        with pytest.raises(UserFacingError, match="already shared"):
            plan_share(session, team_id=TEAM, user_id="U1", reflection_id=saved.reflection_id, set_id=second.id)
    assert Poster(runtime).deliver_due(now, keys=[key]).posted == 1
    with session_scope(runtime.session_factory) as session:
        reflection = session.get(Reflection, saved.reflection_id)
        assert reflection is not None and reflection.shared_set_id == second.id
        assert reflection.shared_ts == fake_slack.messages("C2")[-1]["ts"]
        home = home_for(session, team_id=TEAM, user_id="U1").reflections
    assert [(r.week_start, r.shared_channel_id) for r in home.recent] == [(WEEK, "C2")]
    assert fake_slack.messages("C1") == []


def test_home_lists_the_last_three_entries_and_the_preference(session: Session) -> None:
    make_set(session, "C1", ["U1"])
    for weeks in range(5):
        week = WEEK + timedelta(days=7 * weeks)
        add_to_reflection(session, team_id=TEAM, user_id="U1", week_start=week, text=f"week {weeks}", now=CREATED)
    set_reflections_opt_out(session, team_id=TEAM, user_id="U1", opt_out=True)
    home = home_for(session, team_id=TEAM, user_id="U1").reflections
    assert home.opted_out and [r.preview for r in home.recent] == ["week 4", "week 3", "week 2"]
    assert all(r.shared_channel_id is None for r in home.recent)


def test_user_change_refreshes_known_people_only(session: Session) -> None:
    make_set(session, "C1", ["U1"])
    assert refresh_profile(session, team_id=TEAM, user_id="U1", timezone="Asia/Tokyo", is_deleted=False, now=CREATED)
    assert not refresh_profile(session, team_id=TEAM, user_id="USTRANGER", timezone="Asia/Tokyo", is_deleted=False, now=CREATED)
    user = find_user(session, team_id=TEAM, user_id="U1")
    assert user is not None and user.timezone == "Asia/Tokyo"
    assert find_user(session, team_id=TEAM, user_id="USTRANGER") is None
    refresh_profile(session, team_id=TEAM, user_id="U1", timezone="Asia/Tokyo", is_deleted=True, now=CREATED)
    assert due_prompts(session, reflection_due_at(WEEK, weekday=4, hour=15, tz="Asia/Tokyo")) == []


def test_prompt_keys_are_per_member_and_week() -> None:
    assert prompt_key(TEAM, "U1", WEEK) == "reflection:T0001:U1:2026-03-02"
