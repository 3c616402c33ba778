"""Item 5: random and hostile input through signed requests. No 500, no error logged by the bot,
a clear answer where a person caused it, nothing stored half-way, no mention ever injected."""

from __future__ import annotations

import io
import json
import logging
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.db import session_scope
from bot.domain.states import PresentationStatus
from bot.models import Presentation, RoleAssignment
from bot.wsgi import build_wsgi_app
from bot.slack.ids import ActionId, CallbackId, PresentBlock, ReflectionBlock, SetupBlock
from tests.reliability.conftest import describe
from tests.reliability.helpers import CHANNEL, open_presentation, set_up
from tests.support import slack_requests
from tests.support.bot_driver import BotDriver, ack_json

pytestmark = pytest.mark.usefixtures("frozen")

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
BROADCASTS = re.compile(r"<!(channel|here|everyone)|<!subteam\^")

HOSTILE = st.sampled_from([
    "<!channel>", "<!here>", "<!everyone>", "<!subteam^S123>", "<@U1>", "<#C0ALS>", "*bold* _it_ ~s~ `code`",
    "&lt;!channel&gt;", "\u202e\u200b", "🙂" * 3, "\x00", "\n\n", "```", "<https://evil.example|click>", ">quote",
])
WILD_TEXT = st.one_of(
    st.text(max_size=60),
    st.lists(st.one_of(HOSTILE, st.text(max_size=10)), max_size=6).map(" ".join),
    st.integers(0, 5).map(lambda n: "x" * (3000 * n + 1)),  # up to 15,000 characters
)
COMMAND_TEXT = st.tuples(
    st.sampled_from(["", "help", "present", "away until", "away", "join", "leave", "back", "status", "setup", "PRESENT", "xyz"]),
    WILD_TEXT,
).map(lambda parts: f"{parts[0]} {parts[1]}")
JSONISH = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20), HOSTILE),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8,
)


def parsed_texts(call: Any) -> list[str]:
    """The texts Slack parses for mentions: the message text and every mrkdwn text object
    (plain_text, e.g. a header, is shown literally: `<!channel>` there pings nobody)."""
    found = [str(call.params.get("text") or "")]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(call.param("blocks"))
    return found


def assert_clean(bot: BotDriver, errors: list[logging.LogRecord]) -> None:
    """What every example must leave behind."""
    assert not errors, describe(errors)
    for call in bot.fake.calls_to("chat.postMessage") + bot.fake.calls_to("chat.update"):
        said = " ".join(parsed_texts(call))
        assert not BROADCASTS.search(said), f"a broadcast mention reached the channel: {said[:300]}"
    with session_scope(bot.runtime.session_factory) as session:
        for presentation in session.scalars(select(Presentation).where(Presentation.status == PresentationStatus.OPEN)):
            roles = session.scalars(select(RoleAssignment).where(RoleAssignment.presentation_id == presentation.id)).all()
            assert presentation.root_ts and roles, "a presentation stored half-way"


def answered(bot: BotDriver, response: Any, user: str) -> bool:
    """The person heard back (since the last reset): the ack's text, a response_url message or a modal."""
    return bool(ack_json(response)) or bool(bot.responses_for(user)) or bool(bot.fake.calls_to("views.open"))


@FUZZ
@given(text=COMMAND_TEXT, user=st.sampled_from(["U1", "U2", "U9"]), channel=st.sampled_from([CHANNEL, "C0OTHER", "DU1"]))
def test_slash_command_text(bot: BotDriver, bot_errors: list[logging.LogRecord], text: str, user: str, channel: str) -> None:
    if CHANNEL not in bot.fake._channels:
        set_up(bot)
        bot.fake.add_channel("C0OTHER", members=["U1", "U9"])
    bot.fake.reset_calls()
    response = bot.command(text, user=user, channel=channel)
    assert response.status == 200
    assert answered(bot, response, user)
    assert_clean(bot, bot_errors)


def modal_values(draw: Any, blocks: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for block in blocks:
        if draw(st.booleans()):
            shape = draw(st.sampled_from(["value", "selected_option", "selected_options", "junk"]))
            if shape == "value":
                element = {"value": draw(st.one_of(st.none(), WILD_TEXT))}
            elif shape == "selected_option":
                element = {"selected_option": draw(st.one_of(st.none(), st.fixed_dictionaries({"value": st.one_of(st.text(max_size=5), st.integers().map(str))})))}
            elif shape == "selected_options":
                element = {"selected_options": draw(st.lists(st.fixed_dictionaries({"value": st.text(max_size=3)}), max_size=8))}
            else:  # a type Slack does not send for this block: the listener must not care
                element = {"type": "static_select", "selected_option": {"value": draw(st.text(max_size=5))}}
            values[block] = {block: element}
    return values


MODALS = {
    CallbackId.SETUP_MODAL: list(SetupBlock),
    CallbackId.PRESENT_MODAL: list(PresentBlock),
    CallbackId.REFLECTION_MODAL: [ReflectionBlock.HAPPENED, ReflectionBlock.LEARNED, ReflectionBlock.NEXT],
    CallbackId.REFLECTION_SHARE_MODAL: [ReflectionBlock.SHARE_SET],
}


@st.composite
def submissions(draw: Any) -> tuple[str, dict[str, Any], str]:
    callback = draw(st.sampled_from(sorted(MODALS)))
    metadata = draw(st.one_of(
        st.just(json.dumps({"channel_id": CHANNEL})), st.just(json.dumps({"week": "2027-01-04"})), st.just("1"),
        st.text(max_size=40), JSONISH.map(json.dumps),
    ))
    return callback, modal_values(draw, MODALS[callback]), metadata


@FUZZ
@given(submission=submissions(), user=st.sampled_from(["U1", "U3", "U9"]))
def test_modal_values(bot: BotDriver, bot_errors: list[logging.LogRecord], submission: tuple[str, dict[str, Any], str], user: str) -> None:
    if CHANNEL not in bot.fake._channels:
        set_up(bot)
        bot.fake.add_user("U9")  # a stranger to the set, but a real Slack user (who else submits a modal?)
    callback, values, metadata = submission
    bot.fake.reset_calls()
    response = bot.submit(callback, values, user=user, private_metadata=metadata)
    assert response.status == 200
    body = ack_json(response)
    assert body == {} or body.get("response_action") == "errors" and all(body["errors"].values())
    assert_clean(bot, bot_errors)




@FUZZ
@given(action=st.sampled_from(sorted(ActionId)), value=st.one_of(st.none(), st.just("1"), st.just("2027-01-04"), WILD_TEXT),
       user=st.sampled_from(["U1", "U3", "U9"]))
def test_button_values(bot: BotDriver, bot_errors: list[logging.LogRecord], action: str, value: str | None, user: str) -> None:
    if CHANNEL not in bot.fake._channels:
        open_presentation(bot)
        bot.fake.add_user("U9")  # a stranger to the set, but a real Slack user
    bot.fake.reset_calls()
    response = bot.click(action, user=user, value=value, channel_id=CHANNEL, message_ts="1799999999.000001")
    assert response.status == 200
    assert_clean(bot, bot_errors)


EVENT_TYPES = ["message", "member_joined_channel", "member_left_channel", "channel_left", "user_change", "reaction_added",
               "app_home_opened", "app_mention", "tokens_revoked", "no_such_event"]
EVENT_KEYS = ["user", "channel", "channel_type", "ts", "thread_ts", "text", "subtype", "bot_id", "item", "reaction", "tab",
              "message", "deleted_ts", "tokens", "inviter"]


@st.composite
def events(draw: Any) -> dict[str, Any]:
    event: dict[str, Any] = {"type": draw(st.sampled_from(EVENT_TYPES))}
    for key in draw(st.lists(st.sampled_from(EVENT_KEYS), max_size=8, unique=True)):
        event[key] = draw(st.one_of(JSONISH, st.sampled_from(["U1", "U9", CHANNEL, "group", "im", "1799999999.000001"])))
    if event["type"] == "user_change" and draw(st.booleans()):
        event["user"] = {"id": draw(st.sampled_from(["U2", "U9"])), "tz": draw(JSONISH), "deleted": draw(JSONISH)}
    return event


def over_wsgi(bot: BotDriver, request: slack_requests.SignedRequest) -> int:
    """POST through the production WSGI app (Bolt's adapter parses the body there); the status."""
    app = build_wsgi_app(bot.app, bot.runtime.engine)
    environ = {
        "REQUEST_METHOD": "POST", "PATH_INFO": "/slack/events", "QUERY_STRING": "", "SERVER_NAME": "test",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "SERVER_PORT": "80", "wsgi.input": io.BytesIO(request.body), "wsgi.url_scheme": "http",
        "CONTENT_LENGTH": str(len(request.body)), "CONTENT_TYPE": request.headers["content-type"],
        **{"HTTP_" + k.upper().replace("-", "_"): v for k, v in request.headers.items() if k != "content-type"},
    }
    statuses: list[str] = []
    b"".join(app(environ, lambda status, headers, exc_info=None: statuses.append(status)))  # type: ignore[arg-type]
    bot.executor.drain()
    assert statuses, "no response"
    return int(statuses[0].split()[0])


@FUZZ
@given(event=events())
@example(event={"type": "message", "user": True, "channel": CHANNEL})  # Bolt's own parser trips on this
@example(event={"type": "message", "channel_type": "group", "channel": CHANNEL, "user": "U2", "ts": 5, "thread_ts": [1], "text": {}})
@example(event={"type": "user_change", "user": "U2"})
@example(event={"type": "user_change", "user": {"id": "U2", "tz": 7, "deleted": "yes"}})
@example(event={"type": "reaction_added", "reaction": "eyes", "user": "U2", "item": "1799999999.000001"})
@example(event={"type": "member_joined_channel", "user": "U9", "channel": {"id": CHANNEL}})
@example(event={"type": "channel_left", "channel": None})
@example(event={"type": "app_home_opened", "user": "U1", "tab": ["home"]})
@example(event={"type": "message", "channel_type": "group", "subtype": "message_changed", "channel": CHANNEL, "message": "x"})
@example(event={"type": "message", "channel_type": "im", "channel": "DU1", "user": "U1", "ts": "1799999999.000009", "text": "<!channel> " * 2000})
def test_event_payloads(bot: BotDriver, bot_errors: list[logging.LogRecord], event: dict[str, Any]) -> None:
    if CHANNEL not in bot.fake._channels:
        open_presentation(bot)
    bot.fake.reset_calls()
    status = over_wsgi(bot, slack_requests.event(event, team_id=bot.team_id, event_time=1799999999))
    assert status in (200, 400, 404)  # 404: an event no listener wants (Bolt's answer)
    assert_clean(bot, bot_errors)


@FUZZ
@given(body=JSONISH)
def test_arbitrary_signed_json_bodies(bot: BotDriver, bot_errors: list[logging.LogRecord], body: Any) -> None:
    request = slack_requests._signed(json.dumps(body).encode(), "application/json", slack_requests.SIGNING_SECRET, None)
    assert over_wsgi(bot, request) in (200, 400, 401, 404)
    assert not bot_errors, describe(bot_errors)
