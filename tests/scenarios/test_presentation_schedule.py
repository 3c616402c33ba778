"""A whole presentation on simulated time: every phase prompt once, in order, on working-day
deadlines in the set's time zone (weekend skipped, DST change inside the window)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from bot.db import session_scope
from bot.domain.enums import Phase
from bot.models import Presentation
from tests.scenarios.presentation_helpers import CHANNEL, make_set, posts, root_ts, tick
from tests.support.bot_driver import BotDriver, ack_json

START = datetime(2027, 3, 24, 10, 0, tzinfo=UTC)  # Wed 10:00 in London (GMT); BST starts Sun 28 March

# Worked out by hand from the spec (Standard pace; half-day boundaries at 09:00 and 13:00 local):
EXPECTED_PROMPTS = {
    Phase.P1: datetime(2027, 3, 25, 9, 0, tzinfo=UTC),  # Thu 09:00 GMT: P0 "until next working day"
    Phase.P2: datetime(2027, 3, 29, 8, 0, tzinfo=UTC),  # Mon 09:00 BST: 2 working days, weekend skipped
    Phase.P3: datetime(2027, 3, 30, 8, 0, tzinfo=UTC),  # Tue 09:00 BST: 1 day
    Phase.P4: datetime(2027, 4, 2, 8, 0, tzinfo=UTC),  # Fri 09:00 BST: 3 days
    Phase.P5: datetime(2027, 4, 6, 8, 0, tzinfo=UTC),  # Tue 09:00 BST: 2 days over a weekend
    Phase.P6: datetime(2027, 4, 7, 8, 0, tzinfo=UTC),  # Wed 09:00 BST: the end of day 10, summary
}
EXPECTED_NUDGES = {
    Phase.P1: datetime(2027, 3, 26, 9, 0, tzinfo=UTC),  # halfway through P1 in working time
    Phase.P3: datetime(2027, 3, 31, 12, 0, tzinfo=UTC),  # halfway through P3: Wed 13:00 BST
}
TITLES = {phase: phase.title for phase in Phase}


def test_a_whole_presentation_over_three_weeks_of_ticks(bot: BotDriver) -> None:
    make_set(bot, START - timedelta(days=7))
    with time_machine.travel(START, tick=False):
        response = bot.command("present Our team keeps missing deadlines\nThree releases slipped this quarter.", user="U1", channel=CHANNEL)
    assert ack_json(response) == {}  # acked at once; the answer follows through the response_url
    assert "being posted" in bot.responses_for("U1")[-1]["text"]
    root = root_ts(bot.fake)
    opening = posts(bot.fake, thread_ts=root)
    assert len(opening) == 1 and "Roles" in opening[0]["blocks"] and "<@U1>" in opening[0]["blocks"]

    seen_at: dict[Phase, datetime] = {}
    nudged_at: dict[datetime, set[str]] = {}
    invited_at: dict[datetime, str] = {}
    now = START
    while now <= START + timedelta(weeks=3):
        before_posts = len(posts(bot.fake, thread_ts=root))
        before_all = len(posts(bot.fake))
        before_nudges = len(bot.fake.calls_to("chat.postEphemeral"))
        with time_machine.travel(now, tick=False):
            tick(bot.runtime, now)
            assert tick(bot.runtime, now).endswith("nothing due")  # the same tick again does nothing
        for new in posts(bot.fake, thread_ts=root)[before_posts:]:
            phase = next(p for p in Phase if p != Phase.P0 and (TITLES[p] in new["text"] or (p == Phase.P6 and "Closed" in new["text"])))
            assert phase not in seen_at, f"{phase} prompted twice"
            seen_at[phase] = now
        for call in bot.fake.calls_to("chat.postEphemeral")[before_nudges:]:
            nudged_at.setdefault(now, set()).add(call.param("user"))
        for new in posts(bot.fake)[before_all:]:
            if "you're up next" in new["text"]:
                invited_at[now] = new["text"][2:4]
        now += timedelta(minutes=15)

    assert seen_at == EXPECTED_PROMPTS
    assert list(seen_at) == sorted(seen_at)  # in order
    assert {when: users for when, users in nudged_at.items()} == {
        EXPECTED_NUDGES[Phase.P1]: {"U2", "U3", "U4", "U5", "U6"} - _facilitator_and_reflector(bot),
        EXPECTED_NUDGES[Phase.P3]: {"U2", "U3", "U4", "U5", "U6"} - _facilitator_and_reflector(bot),
    }
    with session_scope(bot.runtime.session_factory) as session:
        presentation = session.scalars(select(Presentation)).one()
        assert presentation.status == "closed" and presentation.phase == Phase.P6
    # Idle now: the member who presented least recently is invited; silence for two working days
    # counts as a pass and the invitation moves on (in join order among those who never presented).
    assert invited_at == {
        datetime(2027, 4, 7, 8, 0, tzinfo=UTC): "U2",  # at the close
        datetime(2027, 4, 9, 8, 0, tzinfo=UTC): "U3",  # Fri 09:00 BST, two working days later
        datetime(2027, 4, 13, 8, 0, tzinfo=UTC): "U4",  # Tue 09:00 BST, over the weekend
    }


def _facilitator_and_reflector(bot: BotDriver) -> set[str]:
    from bot.models import RoleAssignment

    with session_scope(bot.runtime.session_factory) as session:
        return set(session.scalars(select(RoleAssignment.user_id).where(RoleAssignment.role.in_(["facilitator", "reflector"]))))
