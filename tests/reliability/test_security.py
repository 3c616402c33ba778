"""Item 6: signatures on every request, an authorization matrix, private reflections, escaping,
and nothing secret in the logs."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable

import pytest
from sqlalchemy import select, text

from bot.db import session_scope
from bot.models import Contribution, LearningSet, Membership, Presentation, ProcessedEvent, Reflection, RoleAssignment
from bot.schema import TARGET_METADATA
from bot.slack.ids import ActionId, CallbackId, PresentBlock, ReflectionBlock, SetupBlock
from tests.reliability.helpers import CHANNEL, count, open_presentation
from tests.reliability.test_bad_input import over_wsgi, parsed_texts
from tests.support import slack_requests
from tests.support.bot_driver import BotDriver, ack_json
from tests.support.slack_requests import SIGNING_SECRET, SignedRequest

pytestmark = pytest.mark.usefixtures("frozen")

OTHER_TEAM = "T0OTHER"
# Tables that record what people did (caches and receipts left out: a refusal may refresh a cache).
IGNORED_TABLES = {"slack_user", "processed_event", "slack_installations", "slack_bots", "slack_oauth_states", "alembic_version"}


def fingerprint(bot: BotDriver) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table that holds the sets' state."""
    tables = [t for metadata in TARGET_METADATA for t in metadata.sorted_tables if t.name not in IGNORED_TABLES]
    with session_scope(bot.runtime.session_factory) as session:
        return {t.name: sorted(map(tuple, session.execute(t.select()).all()), key=repr) for t in tables}


# ------------------------------------------------------------------ signatures

def requests_of_every_kind(bot: BotDriver, *, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, SignedRequest]:
    common = {"secret": secret, "timestamp": timestamp, "team_id": bot.team_id}
    values = {PresentBlock.TITLE: {PresentBlock.TITLE: {"value": "Forged"}}, PresentBlock.SITUATION: {PresentBlock.SITUATION: {"value": "x"}}}
    return {
        "slash command": slack_requests.slash_command("present Forged\nproblem", user_id="U1", channel_id=CHANNEL, **common),
        "event": slack_requests.event({"type": "member_joined_channel", "user": "U7", "channel": CHANNEL, "event_ts": "1.2"},
                                      event_id="Ev0FORGED", **common),
        "button": slack_requests.block_action(ActionId.ACK_READ, value="1", user_id="U3", channel_id=CHANNEL,
                                              message_ts="1799999999.000001", **common),
        "modal": slack_requests.view_submission(CallbackId.PRESENT_MODAL, values, user_id="U1", view_id="V0FORGED",
                                                private_metadata=json.dumps({"channel_id": CHANNEL}), **common),
    }


@pytest.mark.parametrize("forgery", ["wrong secret", "stale timestamp", "no signature", "tampered body"])
def test_every_request_kind_with_a_bad_signature_is_refused_and_does_nothing(bot: BotDriver, forgery: str) -> None:
    open_presentation(bot)
    bot.fake.add_user("U7")
    before = fingerprint(bot)
    bot.fake.reset_calls()
    if forgery == "wrong secret":
        forged = requests_of_every_kind(bot, secret="not-the-secret")
    elif forgery == "stale timestamp":
        forged = requests_of_every_kind(bot, timestamp=int(time.time()) - 6 * 60)  # Slack's window is 5 minutes
    else:
        forged = requests_of_every_kind(bot)
        for request in forged.values():
            if forgery == "no signature":
                del request.headers["x-slack-signature"]
            else:
                request.body = request.body.replace(b"U", b"W", 1)
    for kind, request in forged.items():
        assert over_wsgi(bot, request) == 401, kind
    assert fingerprint(bot) == before
    assert count(bot, ProcessedEvent) == 0
    assert [c.method for c in bot.fake.calls] == []


# ------------------------------------------------------------------ authorization matrix

ACTORS = {
    "non-member": ("U9", "T0001"),  # in the channel, not in the set
    "observer": ("U8", "T0001"),
    "other workspace": ("U1", OTHER_TEAM),  # the set's creator's id, but from another workspace
}


def make_observer_and_stranger(bot: BotDriver) -> None:
    for user in ("U8", "U9"):
        bot.fake.add_user(user)
        bot.fake.add_member(CHANNEL, user)
    with session_scope(bot.runtime.session_factory) as session:
        learning_set = session.scalars(select(LearningSet)).one()
        session.add(Membership(set_id=learning_set.id, user_id="U8", state="observer", joined_at=learning_set.created_at,
                               updated_at=learning_set.created_at))


def presentation_id(bot: BotDriver) -> str:
    with session_scope(bot.runtime.session_factory) as session:
        return str(session.scalars(select(Presentation.id)).one())


def set_id(bot: BotDriver) -> str:
    with session_scope(bot.runtime.session_factory) as session:
        return str(session.scalars(select(LearningSet.id)).one())


Surface = Callable[[BotDriver, str, str], SignedRequest]


def command(text: str) -> Surface:
    return lambda bot, user, team: slack_requests.slash_command(
        text, user_id=user, channel_id=CHANNEL, team_id=team, response_url=bot.fake.response_url(f"cmd-{user}"))


def button(action: str, value: Callable[[BotDriver], str]) -> Surface:
    return lambda bot, user, team: slack_requests.block_action(
        action, value=value(bot), user_id=user, team_id=team, channel_id=CHANNEL, message_ts="1799999999.000001",
        response_url=bot.fake.response_url(f"cmd-{user}"))


def modal(callback: str, values: dict[str, object], metadata: Callable[[BotDriver], str]) -> Surface:
    return lambda bot, user, team: slack_requests.view_submission(
        callback, values, user_id=user, team_id=team, private_metadata=metadata(bot), view_id=f"V0{user}{team}")


def setup_metadata(bot: BotDriver) -> str:
    from bot.slack.blocks.setup import SetupMetadata

    return SetupMetadata(CHANNEL, int(set_id(bot)), True, False).encode()


SETUP_VALUES = {
    SetupBlock.NAME: {SetupBlock.NAME: {"value": "Hijacked"}},
    SetupBlock.PACE: {SetupBlock.PACE: {"selected_option": {"value": "fast"}}},
    SetupBlock.TIMEZONE: {SetupBlock.TIMEZONE: {"value": "Europe/Paris"}},
    SetupBlock.WORKING_DAYS: {SetupBlock.WORKING_DAYS: {"selected_options": [{"value": "0"}]}},
}
SURFACES: dict[str, Surface] = {
    "/als present <text>": command("present Let me in\nplease"),
    "/als leave": command("leave"),
    "/als away": command("away until 2027-02-01"),
    "/als back": command("back"),
    "/als status": command("status"),
    "/als setup": command("setup"),
    "/als join (other workspace)": command("join"),
    "button: ack read": button(ActionId.ACK_READ, presentation_id),
    "button: agree ground rules (other workspace)": button(ActionId.AGREE_GROUND_RULES, set_id),
    "button: home status": button(ActionId.HOME_STATUS, set_id),
    **{f"button: {a.value}": button(a, presentation_id) for a in (ActionId.CONTROL_ADVANCE, ActionId.CONTROL_EXTEND,
       ActionId.CONTROL_PAUSE, ActionId.CONTROL_CLOSE)},
    "modal: present": modal(CallbackId.PRESENT_MODAL, {PresentBlock.TITLE: {PresentBlock.TITLE: {"value": "Let me in"}},
                            PresentBlock.SITUATION: {PresentBlock.SITUATION: {"value": "please"}}},
                            lambda bot: json.dumps({"channel_id": CHANNEL})),
    "modal: settings (non-members)": modal(CallbackId.SETUP_MODAL, SETUP_VALUES, setup_metadata),
}
# By design, not refusals: an observer is in the channel, may read the status, take a seat back
# and change settings; anyone may agree to ground rules of their own set. Left out of the matrix.
ALLOWED = {("/als status", "observer"), ("/als status", "non-member"), ("/als setup", "observer"),
           ("modal: settings (non-members)", "observer"), ("modal: settings (non-members)", "other workspace"),
           ("/als leave", "observer"), ("button: agree ground rules (other workspace)", "observer"),
           ("button: agree ground rules (other workspace)", "non-member"), ("/als join (other workspace)", "observer"),
           ("/als join (other workspace)", "non-member"), ("/als away", "observer"), ("/als back", "observer"),
           ("button: home status", "observer")}
MATRIX = [(s, a) for s in SURFACES for a in ACTORS if (s, a) not in ALLOWED]


@pytest.mark.parametrize(("surface", "actor"), MATRIX, ids=[f"{s} by {a}" for s, a in MATRIX])
def test_authorization_matrix(bot: BotDriver, bot_errors: list[logging.LogRecord], surface: str, actor: str) -> None:
    open_presentation(bot)
    make_observer_and_stranger(bot)
    user, team = ACTORS[actor]
    before = fingerprint(bot)
    bot.fake.reset_calls()
    response = bot.send(SURFACES[surface](bot, user, team))
    assert response.status == 200
    assert fingerprint(bot) == before, "an unauthorised request changed the set"
    said = [ack_json(response).get("text", ""), *(r.get("text", "") for r in bot.fake.responses_to(f"cmd-{user}"))]
    errors = ack_json(response).get("errors")
    assert errors or any(said) or bot.fake.calls_to("views.open"), "the person was not told why"
    posted = [c for c in bot.fake.calls_to("chat.postMessage") if c.param("channel") == CHANNEL]
    assert posted == []
    assert not [r for r in bot_errors], [r.getMessage() for r in bot_errors]


# ------------------------------------------------------------------ private reflections

def test_a_reflection_stays_in_its_owners_dm_unless_the_owner_shares_it(bot: BotDriver) -> None:
    open_presentation(bot)
    secret = "I was too defensive with my manager"
    bot.event({"type": "message", "channel_type": "im", "channel": "DU2", "user": "U2", "text": secret,
               "ts": "1799999999.000500", "event_ts": "1799999999.000500"})
    with session_scope(bot.runtime.session_factory) as session:
        reflection = session.scalars(select(Reflection)).one()
    assert reflection.user_id == "U2"
    # Someone else presses Share on it, or forges the share modal with its id: refused.
    bot.click(ActionId.REFLECTION_SHARE, user="U3", value=str(reflection.id), channel_id="DU3", message_ts="1799999999.000600")
    bot.submit(CallbackId.REFLECTION_SHARE_MODAL, {}, user="U3", private_metadata=str(reflection.id))
    bot.send(slack_requests.view_submission(CallbackId.REFLECTION_SHARE_MODAL, {}, user_id="U2", team_id=OTHER_TEAM,
                                            private_metadata=str(reflection.id)))  # same user id, another workspace
    everywhere = [c for c in bot.fake.calls if c.method.startswith(("chat.", "views."))]
    leaks = [c for c in everywhere if secret in json.dumps(c.params) and c.param("channel") != "DU2"]
    assert leaks == []
    assert count(bot, Reflection, Reflection.shared_set_id.is_not(None)) == 0
    bot.submit(CallbackId.REFLECTION_SHARE_MODAL, {}, user="U2", private_metadata=str(reflection.id))  # the owner shares
    assert any(secret in json.dumps(c.params) for c in bot.fake.calls_to("chat.postMessage") if c.param("channel") == CHANNEL)


# ------------------------------------------------------------------ escaping

def test_user_text_cannot_mention_channel_or_break_the_message(bot: BotDriver) -> None:
    open_presentation(bot)  # a first presentation runs; this one queues, so present in a fresh set instead
    with session_scope(bot.runtime.session_factory) as session:
        session.execute(text("UPDATE learning_set SET max_concurrent = 3"))
    hostile = "<!channel> <!here|here> <!everyone> <!subteam^S1> *bold* <https://evil.example|click> &amp;"
    bot.command(f"present {hostile}\n{hostile} ```", user="U2", channel=CHANNEL)
    roots = [c for c in bot.fake.calls_to("chat.postMessage") if c.param("channel") == CHANNEL and hostile[:10] in json.dumps(c.params)]
    escaped = [c for c in bot.fake.calls_to("chat.postMessage") if "&lt;!channel&gt;" in json.dumps(c.params)]
    assert escaped, "the hostile presentation was not posted"
    for call in bot.fake.calls_to("chat.postMessage"):
        said = " ".join(parsed_texts(call))
        for raw in ("<!channel>", "<!here", "<!everyone>", "<!subteam", "<https://evil"):
            assert raw not in said, f"{raw} reached Slack unescaped: {said[:200]}"
    assert roots == [] or all("&lt;" in json.dumps(c.params) for c in roots)


# ------------------------------------------------------------------ logs

def test_no_token_secret_or_message_text_in_the_logs(bot: BotDriver, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)  # the production default (LOG_LEVEL=INFO)
    root = open_presentation(bot)
    words = {"problem": "Stakeholders ignore our roadmap", "reply": "What-have-you-tried-so-far", "dm": "my-private-learning"}
    ts = bot.fake.add_message(CHANNEL, user="U3", text=words["reply"], thread_ts=root)
    bot.event({"type": "message", "channel": CHANNEL, "channel_type": "group", "user": "U3", "text": words["reply"],
               "ts": ts, "thread_ts": root, "event_ts": ts})
    bot.event({"type": "message", "channel_type": "im", "channel": "DU2", "user": "U2", "text": words["dm"],
               "ts": "1799999999.000700", "event_ts": "1799999999.000700"})
    bot.command("present", user="U9", channel=CHANNEL)  # a refusal is logged too
    logged = caplog.text
    for secret in ("xoxb-test", SIGNING_SECRET, *words.values()):
        assert secret not in logged, f"{secret!r} appears in the logs"
    assert count(bot, Contribution) == 1 and count(bot, RoleAssignment) > 0
