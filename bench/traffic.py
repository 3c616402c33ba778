"""The five request kinds of goal 1 (and thread replies for goal 2), as signed Slack requests."""

from __future__ import annotations

import itertools
import time

from bot.slack.ids import ActionId
from tests.support import slack_requests
from tests.support.slack_requests import SignedRequest

from bench.common import TEAM
from bench.seed import channel_of, root_ts_of, user_of

KINDS = ("status", "present", "reply", "click", "home")
QUESTIONERS = (0, 1, 2)  # members 0-2 are the questioners of every seeded open presentation (bench/seed.py)
PRESENTER = 3  # and member 3 its presenter
_ts = itertools.count(1)
_next_questioner = itertools.cycle(QUESTIONERS)


def unique_ts() -> str:
    return f"{int(time.time())}.{next(_ts):06d}"


def request(kind: str, i: int, *, presentation_id: int, response_url: str) -> SignedRequest:
    """One request of `kind` from a member of set `i` (its open presentation has `presentation_id`)."""
    channel = channel_of(i)
    if kind == "status":
        return slack_requests.slash_command("status", user_id=user_of(i, 1), channel_id=channel, team_id=TEAM,
                                            response_url=response_url)
    if kind == "present":
        return slack_requests.slash_command(
            "present Our team keeps missing handover details\nWhen work moves between shifts, details get lost.",
            user_id=user_of(i, 2), channel_id=channel, team_id=TEAM, response_url=response_url)
    if kind == "reply":
        return reply(i)
    if kind == "click":
        return slack_requests.block_action(ActionId.ACK_READ, value=str(presentation_id), user_id=user_of(i, 4),
                                           channel_id=channel, message_ts=root_ts_of(i), team_id=TEAM,
                                           response_url=response_url)
    if kind == "home":
        ts = unique_ts()
        return slack_requests.event({"type": "app_home_opened", "user": user_of(i, 5), "channel": "D" + user_of(i, 5),
                                     "tab": "home", "event_ts": ts}, team_id=TEAM)
    raise ValueError(kind)


def reply(i: int, user: int | None = None, text: str = "What have you already tried, and what happened when you did?") -> SignedRequest:
    """A questioner's thread reply in set `i`'s open presentation (a question in P1). The author
    rotates over the three questioners, as in a real thread: one member asking again and again
    would mostly measure the over-the-limit nudge, and no phase would ever complete early."""
    user = next(_next_questioner) if user is None else user
    ts = unique_ts()
    return slack_requests.event(
        {"type": "message", "channel": channel_of(i), "channel_type": "group", "user": user_of(i, user),
         "text": text, "ts": ts, "thread_ts": root_ts_of(i), "event_ts": ts},
        team_id=TEAM,
    )


def exchange(i: int) -> list[SignedRequest]:
    """A question and the presenter's answer to it, in set `i`'s thread: a real P1 thread's mix
    (three questioners asking up to two questions each, every one answered: 12 replies per early
    advance), where a thread of questions alone completes P1 every three replies."""
    return [reply(i), reply(i, PRESENTER, "We tried a shared handover note; it helped for a month, then people stopped.")]
