"""Item 4: Slack takes things away. The bot removed from the channel, the channel archived or
gone, a member deactivated, a member without a time zone: the set pauses or the member is
skipped, the set's creator is told once, and the scheduler neither crash-loops nor retries for ever."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.db import session_scope
from bot.domain.states import MemberState, PostKind, PostStatus, SetStatus
from bot.models import LearningSet, Membership, OutboundPost, RoleAssignment
from bot.scheduler.tick import run_tick
from bot.services.outbox import enqueue_post
from tests.reliability.helpers import CHANNEL, NOW, count, open_presentation, present, set_up
from tests.support.bot_driver import BotDriver

pytestmark = pytest.mark.usefixtures("frozen")

LOSSES = {
    "is_archived": lambda fake: fake.set_channel(CHANNEL, is_archived=True),
    "not_in_channel": lambda fake: (fake.set_channel(CHANNEL, is_private=False), fake.remove_member(CHANNEL, fake.bot_user_id)),
    "channel_not_found": lambda fake: fake.remove_member(CHANNEL, fake.bot_user_id),  # private: invisible now
}


def set_state(bot: BotDriver) -> tuple[str, str | None]:
    with session_scope(bot.runtime.session_factory) as session:
        learning_set = session.scalars(select(LearningSet)).one()
        return learning_set.status, learning_set.paused_reason


def notices_to(bot: BotDriver, user: str) -> list[str]:
    return [str(m["text"]) for m in bot.fake.messages(bot.fake.dm_channel_id(user)) if "paused" in str(m.get("text"))]


def queue_posts(bot: BotDriver, n: int) -> None:
    with session_scope(bot.runtime.session_factory) as session:
        for i in range(n):
            enqueue_post(session, work_key=f"lost-{i}", team_id=bot.team_id, channel_id=CHANNEL, text=f"post {i}", now=NOW)


@pytest.mark.parametrize("error", sorted(LOSSES))
def test_a_lost_channel_pauses_the_set_tells_the_creator_once_and_stops_posting(bot: BotDriver, error: str) -> None:
    set_up(bot)
    queue_posts(bot, 3)
    LOSSES[error](bot.fake)
    summaries = [run_tick(bot.runtime, NOW + timedelta(hours=h)) for h in range(0, 48, 6)]
    assert all(s.failures == 0 for s in summaries)
    assert set_state(bot)[0] == SetStatus.PAUSED
    assert notices_to(bot, "U1") and len(notices_to(bot, "U1")) == 1  # U1 created the set
    tries = Counter(c.param("metadata")["event_payload"]["work_key"] for c in bot.fake.calls_to("chat.postMessage")
                    if c.param("channel") == CHANNEL)
    assert tries and set(tries.values()) == {1}  # each post tried once, then given up: no retry loop
    assert count(bot, OutboundPost, OutboundPost.status == PostStatus.ABANDONED) == len(tries)
    bot.fake.reset_calls()
    assert all(run_tick(bot.runtime, NOW + timedelta(days=d)).failures == 0 for d in range(2, 12))
    assert [c for c in bot.fake.calls_to("chat.postMessage") if c.param("channel") == CHANNEL] == []


def test_channel_left_pauses_the_set_and_redeliveries_tell_the_creator_once(bot: BotDriver) -> None:
    open_presentation(bot)
    bot.fake.remove_member(CHANNEL, bot.fake.bot_user_id)
    for retry in (None, 1, 2, 3):
        bot.event({"type": "channel_left", "channel": CHANNEL, "actor_id": "U2", "event_ts": "1799999999.000200"},
                  event_id="Ev0LEFT0001", retry_num=retry)
    assert set_state(bot) == (SetStatus.PAUSED, "I was removed from the channel")
    assert len(notices_to(bot, "U1")) == 1
    bot.fake.reset_calls()
    for hours in range(0, 24 * 10, 12):  # ten days of ticks: deadlines pass, nothing is posted
        assert run_tick(bot.runtime, NOW + timedelta(hours=hours)).failures == 0
    assert [c.param("channel") for c in bot.fake.calls_to("chat.postMessage")] == []


def user_change(user: str, **fields: object) -> dict[str, object]:
    return {"type": "user_change", "user": {"id": user, "team_id": "T0001", "name": user.lower(), **fields},
            "event_ts": "1799999999.000300"}


def test_a_deactivated_member_is_skipped_and_takes_no_roles(bot: BotDriver) -> None:
    set_up(bot)
    bot.fake.set_user("U3", deleted=True)
    bot.event(user_change("U3", deleted=True, tz="Europe/London"))
    with session_scope(bot.runtime.session_factory) as session:
        assert session.scalars(select(Membership.state).where(Membership.user_id == "U3")).one() == MemberState.LEFT
    present(bot)
    assert count(bot, RoleAssignment, RoleAssignment.user_id == "U3") == 0
    assert set_state(bot)[0] == SetStatus.ACTIVE


def test_a_dm_to_a_deactivated_account_is_given_up_once_without_pausing_the_set(bot: BotDriver) -> None:
    set_up(bot)
    bot.fake.set_user("U4", deleted=True)
    with session_scope(bot.runtime.session_factory) as session:
        enqueue_post(session, work_key="dm-gone", team_id=bot.team_id, kind=PostKind.DM, user_id="U4", text="hello", now=NOW)
    for hours in (0, 6, 12):
        assert run_tick(bot.runtime, NOW + timedelta(hours=hours)).failures == 0
    assert len(bot.fake.calls_to("conversations.open")) == 1
    assert count(bot, OutboundPost, OutboundPost.status == PostStatus.ABANDONED) == 1
    assert set_state(bot)[0] == SetStatus.ACTIVE


FRIDAY_PROMPT_TIME = NOW + timedelta(days=4, hours=5)  # the set's reflection slot: Friday 15:00 London


def test_members_without_or_with_a_broken_time_zone_never_break_the_scheduler(bot: BotDriver) -> None:
    set_up(bot)
    bot.fake.add_user("U7", tz=None)  # a profile without tz: Slack omits the fields
    bot.fake.add_member(CHANNEL, "U7")
    bot.event({"type": "member_joined_channel", "user": "U7", "channel": CHANNEL, "channel_type": "G",
               "team": bot.team_id, "event_ts": "1799999999.000400"})
    bot.command("away until tomorrow", user="U7", channel=CHANNEL)  # needs the member's zone: falls back
    assert "away until" in bot.responses_for("U7")[-1]["text"]
    bot.command("back", user="U7", channel=CHANNEL)
    bot.event(user_change("U2", tz="Mars/Olympus_Mons"))  # garbage from the wire
    bot.event(user_change("U5", tz=None))
    summaries = [run_tick(bot.runtime, FRIDAY_PROMPT_TIME + timedelta(hours=h)) for h in range(3)]
    assert all(s.failures == 0 for s in summaries)
    prompted = {c.param("channel") for c in bot.fake.calls_to("chat.postMessage")}
    assert bot.fake.dm_channel_id("U7") in prompted and bot.fake.dm_channel_id("U5") in prompted
    assert bot.fake.dm_channel_id("U2") not in prompted  # an unknown zone is skipped (and logged), not fatal


def test_the_paused_notice_goes_out_in_the_same_delivery_pass(bot: BotDriver) -> None:
    """Giving up a channel post queues the "set paused" DM with no poke of its own: the pass that
    gave up must claim again rather than leave the notice to the next tick."""
    from bot.slack.poster import Poster

    set_up(bot)
    queue_posts(bot, 1)
    LOSSES["is_archived"](bot.fake)
    report = Poster(bot.runtime).deliver_due(NOW)
    assert report.abandoned == 1 and report.posted == 1
    assert len(notices_to(bot, "U1")) == 1
