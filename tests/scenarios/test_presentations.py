"""Presentations through Slack: present, reply, acknowledge, control, queue, status and App Home."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from bot.db import session_scope
from bot.domain.enums import Phase
from bot.models import Acknowledgement, Contribution, Presentation, RoleAssignment
from bot.slack.ids import ActionId, CallbackId
from tests.scenarios.presentation_helpers import CHANNEL, MEMBERS, make_set, posts, reply, root_ts, tick
from tests.support.bot_driver import BotDriver, ack_json

MONDAY = datetime(2027, 1, 4, 10, 0, tzinfo=UTC)  # London is on GMT: local time = UTC


@pytest.fixture
def frozen() -> time_machine.Coordinates:
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def present(bot: BotDriver, user: str = "U1", text: str = "Stakeholders ignore our roadmap\nThey keep adding work.") -> str:
    bot.command(f"present {text}", user=user, channel=CHANNEL)
    return root_ts(bot.fake)


def role_users(bot: BotDriver, role: str) -> list[str]:
    with session_scope(bot.runtime.session_factory) as session:
        return list(session.scalars(select(RoleAssignment.user_id).where(RoleAssignment.role == role).order_by(RoleAssignment.id)))


def phase(bot: BotDriver) -> int | None:
    with session_scope(bot.runtime.session_factory) as session:
        return session.scalars(select(Presentation.phase).order_by(Presentation.id)).first()


def contributions(bot: BotDriver) -> list[tuple[str, str, str]]:
    with session_scope(bot.runtime.session_factory) as session:
        return [(c.user_id, c.kind, c.text) for c in session.scalars(select(Contribution).order_by(Contribution.id))]


def to_phase(bot: BotDriver, target: Phase, frozen: time_machine.Coordinates) -> None:
    """Let deadlines pass (quiet members) until the presentation is in `target`."""
    for _ in range(40):
        if phase(bot) == target:
            return
        frozen.shift(timedelta(hours=4))
        tick(bot.runtime, datetime.now(UTC))
    raise AssertionError(f"never reached {target}")


def test_roles_are_posted_in_the_thread_with_mentions(bot: BotDriver, frozen: time_machine.Coordinates) -> None:
    make_set(bot, MONDAY - timedelta(days=3))
    root = present(bot)
    [opening] = posts(bot.fake, thread_ts=root)
    facilitator, reflector = role_users(bot, "facilitator"), role_users(bot, "reflector")
    assert facilitator and reflector and facilitator != reflector and "U1" not in facilitator + reflector
    for user in MEMBERS:
        assert f"<@{user}>" in opening["blocks"]
    assert sorted(role_users(bot, "questioner")) == sorted(set(MEMBERS) - {"U1", *facilitator, *reflector})


def test_replies_become_records_and_advice_gets_a_private_nudge(bot: BotDriver, frozen: time_machine.Coordinates) -> None:
    make_set(bot, MONDAY - timedelta(days=3))
    root = present(bot)
    to_phase(bot, Phase.P1, frozen)
    questioner, other = role_users(bot, "questioner")[:2]
    bot.fake.reset_calls()
    reply(bot, questioner, "What would success look like for you by March?", thread_ts=root)
    reply(bot, "U1", "Shipping the two big features without overtime.", thread_ts=root)
    advice_ts = reply(bot, other, "You should just say no to new work.", thread_ts=root)
    reply(bot, "U9", "I'm not in the set", thread_ts=root)  # a non-member: ignored
    bot.event({"type": "message", "channel": CHANNEL, "channel_type": "group", "bot_id": "B0OTHER", "user": "U0BOT",
               "text": "beep", "ts": "1800000000.000001", "thread_ts": root})  # another app: ignored

    assert contributions(bot) == [
        (questioner, "question", "What would success look like for you by March?"),
        ("U1", "answer", "Shipping the two big features without overtime."),
        (other, "question", "You should just say no to new work."),
    ]
    nudges = bot.fake.calls_to("chat.postEphemeral")
    assert [(n.param("user"), n.param("thread_ts")) for n in nudges] == [(other, root)]  # only its author, in the thread
    assert bot.fake.calls_to("chat.postMessage") == []  # nothing public about it

    # Edits and deletions follow Slack; a redelivered message is not recorded twice.
    bot.event({"type": "message", "subtype": "message_changed", "channel": CHANNEL, "channel_type": "group", "hidden": True,
               "message": {"type": "message", "user": other, "text": "What have you tried saying?", "ts": advice_ts}, "ts": "1800000001.000001"})
    reply(bot, other, "You should just say no to new work.", thread_ts=root, ts=advice_ts)
    assert contributions(bot)[2][2] == "What have you tried saying?" and len(contributions(bot)) == 3
    bot.event({"type": "message", "subtype": "message_deleted", "channel": CHANNEL, "channel_type": "group", "hidden": True,
               "deleted_ts": advice_ts, "ts": "1800000002.000001"})
    with session_scope(bot.runtime.session_factory) as session:
        deleted = session.scalars(select(Contribution).where(Contribution.ts == advice_ts)).one()
        assert deleted.deleted_at is not None and deleted.text == ""


def test_over_the_question_limit_is_nudged(bot: BotDriver, frozen: time_machine.Coordinates) -> None:
    make_set(bot, MONDAY - timedelta(days=3))
    root = present(bot)
    to_phase(bot, Phase.P1, frozen)
    questioner = role_users(bot, "questioner")[0]
    for text in ("What changed last quarter?", "Who decides the priorities?", "How do you feel about it?"):
        reply(bot, questioner, text, thread_ts=root)
    nudges = bot.fake.calls_to("chat.postEphemeral")
    assert len(nudges) == 1 and nudges[0].param("user") == questioner  # the third question in P1 (limit 2)


def test_acknowledgements_and_early_advance(bot: BotDriver, frozen: time_machine.Coordinates) -> None:
    make_set(bot, MONDAY - timedelta(days=3))
    root = present(bot)
    questioners = role_users(bot, "questioner")
    with session_scope(bot.runtime.session_factory) as session:
        pid = session.scalars(select(Presentation.id)).one()
    # P0 ends early once every questioner has acknowledged: 👀 or the button.
    bot.event({"type": "reaction_added", "user": questioners[0], "reaction": "eyes", "item": {"type": "message", "channel": CHANNEL, "ts": root}})
    bot.event({"type": "reaction_added", "user": questioners[0], "reaction": "thumbsup", "item": {"type": "message", "channel": CHANNEL, "ts": root}})
    for user in questioners[1:]:
        bot.click(ActionId.ACK_READ, user=user, value=str(pid), channel_id=CHANNEL, message_ts=root)
    with session_scope(bot.runtime.session_factory) as session:
        assert len(session.scalars(select(Acknowledgement)).all()) == len(questioners)
    assert phase(bot) == Phase.P1
    assert any("Clarifying questions" in p["text"] for p in posts(bot.fake, thread_ts=root))
    # P1 ends early once every questioner has posted (acknowledging alone is not enough in P1).
    for user in questioners:
        reply(bot, user, f"What matters most to you here, {user}?", thread_ts=root)
    assert phase(bot) == Phase.P2


def test_facilitator_controls_and_refusals(bot: BotDriver, frozen: time_machine.Coordinates) -> None:
    make_set(bot, MONDAY - timedelta(days=3))
    root = present(bot)
    with session_scope(bot.runtime.session_factory) as session:
        pid = session.scalars(select(Presentation.id)).one()
    facilitator = role_users(bot, "facilitator")[0]
    outsider = role_users(bot, "questioner")[0]

    def press(action: str, user: str) -> list[str]:
        before = len(bot.responses_for(user))
        # A refusal raised after ack() must not undo the ack (Bolt would answer 404 after 3 s).
        assert bot.click(action, user=user, value=str(pid), channel_id=CHANNEL, message_ts=root).status == 200
        return [r["text"] for r in bot.responses_for(user)[before:]]

    refusal = press(ActionId.CONTROL_ADVANCE, outsider)
    assert refusal and "Only this presentation's facilitator" in refusal[0] and phase(bot) == Phase.P0
    press(ActionId.CONTROL_ADVANCE, facilitator)
    assert phase(bot) == Phase.P1
    with session_scope(bot.runtime.session_factory) as session:
        deadline = session.scalars(select(Presentation.phase_deadline)).one()
    press(ActionId.CONTROL_EXTEND, facilitator)
    press(ActionId.CONTROL_EXTEND, facilitator)
    assert "used its 2 extensions" in press(ActionId.CONTROL_EXTEND, facilitator)[0]
    with session_scope(bot.runtime.session_factory) as session:
        assert session.scalars(select(Presentation.phase_deadline)).one() == deadline + timedelta(days=2)  # Mon->Wed

    press(ActionId.CONTROL_PAUSE, facilitator)
    frozen.shift(timedelta(days=10))
    tick(bot.runtime, datetime.now(UTC))
    assert phase(bot) == Phase.P1  # paused: deadlines do not fire
    press(ActionId.CONTROL_RESUME, facilitator)
    press(ActionId.CONTROL_CLOSE, "U1")  # the set's creator may also drive the process
    with session_scope(bot.runtime.session_factory) as session:
        assert session.scalars(select(Presentation.status)).one() == "closed"
    summary = posts(bot.fake, thread_ts=root)[-1]
    assert "Closed:" in summary["text"]
    assert "|The problem>" in summary["blocks"] and "|Clarifying questions>" in summary["blocks"]  # permalinks
    assert "Participants" in summary["blocks"]


def test_a_second_presentation_is_queued_and_starts_when_the_first_closes(bot: BotDriver, frozen: time_machine.Coordinates) -> None:
    make_set(bot, MONDAY - timedelta(days=3))
    present(bot, "U1")
    bot.command("present Hiring is slow\nWe lose candidates.", user="U2", channel=CHANNEL)
    assert "queued (number 1)" in bot.responses_for("U2")[-1]["text"]
    assert len([m for m in bot.fake.messages(CHANNEL) if "new problem" in str(m.get("text"))]) == 1
    status = bot.answer("status", user="U3", channel=CHANNEL)
    assert "queued" in json.dumps(status["blocks"]) and "Hiring is slow" in status["text"]
    with session_scope(bot.runtime.session_factory) as session:
        pid = session.scalars(select(Presentation.id).order_by(Presentation.id)).first()
    bot.click(ActionId.CONTROL_CLOSE, user="U1", value=str(pid), channel_id=CHANNEL, message_ts=root_ts(bot.fake, 0))
    roots = [m for m in bot.fake.messages(CHANNEL) if "new problem" in str(m.get("text"))]
    assert len(roots) == 2 and "Hiring is slow" in roots[1]["text"]


@pytest.mark.parametrize(
    ("user", "prepare", "expected"),
    [
        ("U9", None, "Only active members"),
        ("U2", "away until 2099-01-01", "You're marked away"),
        ("U2", "leave", "Only active members"),
    ],
)
def test_only_available_members_may_present(bot: BotDriver, frozen: time_machine.Coordinates, user: str, prepare: str | None, expected: str) -> None:
    make_set(bot, MONDAY - timedelta(days=3))
    if prepare:
        bot.command(prepare, user=user, channel=CHANNEL)
    bot.command("present A problem", user=user, channel=CHANNEL)
    answer = bot.responses_for(user)[-1]
    assert expected in answer["text"] and answer["response_type"] == "ephemeral"
    with session_scope(bot.runtime.session_factory) as session:
        assert session.scalars(select(Presentation)).all() == []


def test_present_modal_validates_and_presents(bot: BotDriver, frozen: time_machine.Coordinates) -> None:
    make_set(bot, MONDAY - timedelta(days=3))
    bot.command("present", user="U1", channel=CHANNEL)
    view = bot.fake.last("views.open").param("view")
    view = json.loads(view) if isinstance(view, str) else view
    values = {
        "title": {"title": {"type": "plain_text_input", "value": "Budget cuts"}},
        "situation": {"situation": {"type": "plain_text_input", "value": "x" * 1501}},
        "tried": {"tried": {"type": "plain_text_input", "value": None}},
        "question_to_set": {"question_to_set": {"type": "plain_text_input", "value": "How do I choose?"}},
        "success": {"success": {"type": "plain_text_input", "value": None}},
    }
    response = bot.submit(CallbackId.PRESENT_MODAL, values, user="U1", private_metadata=view["private_metadata"])
    assert "1,500" in ack_json(response)["errors"]["situation"]
    values["situation"]["situation"]["value"] = "We must cut 10% <!channel> and I lead the team."
    bot.submit(CallbackId.PRESENT_MODAL, values, user="U1", private_metadata=view["private_metadata"])
    root = next(m for m in bot.fake.messages(CHANNEL) if "new problem" in str(m.get("text")))
    blocks = json.dumps(root.get("blocks"))
    assert "How do I choose?" in blocks and "&lt;!channel&gt;" in blocks and "<!channel>" not in blocks


def test_status_and_home_show_roles_and_what_they_ask(bot: BotDriver, frozen: time_machine.Coordinates) -> None:
    make_set(bot, MONDAY - timedelta(days=3))
    root = present(bot)
    to_phase(bot, Phase.P1, frozen)
    questioner = role_users(bot, "questioner")[0]
    reply(bot, questioner, "What would good look like?", thread_ts=root)
    blocks = json.dumps(bot.answer("status", user="U2", channel=CHANNEL)["blocks"])
    assert "Clarifying questions" in blocks and "(Europe/London)" in blocks
    assert f"<@{questioner}> :white_check_mark:" in blocks
    bot.event({"type": "app_home_opened", "user": questioner, "channel": "D0Q", "tab": "home"})
    home = json.dumps(bot.fake.home_view(questioner))
    assert "you're questioner" in home and "Ask up to 2 open, clarifying questions" in home


def test_passing_an_invitation_moves_it_on(bot: BotDriver, frozen: time_machine.Coordinates) -> None:
    make_set(bot, MONDAY - timedelta(days=3))
    frozen.shift(timedelta(days=1))
    tick(bot.runtime, datetime.now(UTC))  # idle set, ground-rules day over: invite the first presenter
    invitation = next(m for m in bot.fake.messages(CHANNEL) if "you're up next" in str(m.get("text")))
    assert invitation["text"].startswith("<@U1>")
    invite_id = next(e["value"] for b in invitation["blocks"] if b["type"] == "actions" for e in b["elements"] if e["action_id"] == ActionId.INVITE_PASS)
    assert bot.click(ActionId.INVITE_PASS, user="U2", value=invite_id, channel_id=CHANNEL, message_ts=invitation["ts"]).status == 200
    assert "for someone else" in bot.responses_for("U2")[-1]["text"]
    bot.click(ActionId.INVITE_PASS, user="U1", value=invite_id, channel_id=CHANNEL, message_ts=invitation["ts"])
    invitations = [m["text"] for m in bot.fake.messages(CHANNEL) if "you're up next" in str(m.get("text"))]
    assert [text[:5] for text in invitations] == ["<@U1>", "<@U2>"]


def test_roles_rotate_fairly_over_twelve_presentations(bot: BotDriver, frozen: time_machine.Coordinates) -> None:
    from collections import Counter

    from bot.models import LearningSet
    from bot.services.presentations import begin_presentation, submit_presentation
    from bot.services.rounds import close_presentation
    from bot.domain.intake import Intake

    set_id = make_set(bot, MONDAY - timedelta(days=3))
    presenters = []
    for n in range(12):
        now = MONDAY + timedelta(days=n)
        with session_scope(bot.runtime.session_factory) as session:
            learning_set = session.get(LearningSet, set_id)
            from bot.domain.rotation import next_presenter
            from bot.services.presentations import available_member_ids, history

            presenter = next_presenter(available_member_ids(session, learning_set), history(session, learning_set))
            result = submit_presentation(session, learning_set, presenter_id=presenter, intake=Intake(f"P{n}", "s"), now=now)
            begin_presentation(session, result.presentation_id, f"{1800000000 + n}.000100", now)
            close_presentation(session, learning_set, session.get(Presentation, result.presentation_id), now=now)
            presenters.append(presenter)
    assert sorted(presenters[:6]) == MEMBERS and sorted(presenters[6:]) == MEMBERS  # nobody twice before all once
    with session_scope(bot.runtime.session_factory) as session:
        rows = session.execute(select(RoleAssignment.role, RoleAssignment.user_id)).all()
    for role in ("facilitator", "reflector"):
        counts = Counter(user for r, user in rows if r == role)
        assert sum(counts.values()) == 12 and max(counts.values()) - min(counts.get(u, 0) for u in MEMBERS) <= 1


def test_message_shortcut_shows_status_inside_a_thread(bot: BotDriver, frozen: time_machine.Coordinates) -> None:
    from tests.support.slack_requests import message_shortcut

    make_set(bot, MONDAY - timedelta(days=3))
    root = present(bot)
    reply_ts = reply(bot, "U3", "What matters most?", thread_ts=root)
    message = {"type": "message", "user": "U3", "ts": reply_ts, "thread_ts": root, "text": "What matters most?"}
    response = bot.send(message_shortcut("als_thread_status", user_id="U2", channel_id=CHANNEL, message=message, team_id=bot.team_id))
    assert response.status == 200
    view = bot.fake.last("views.open").param("view")
    view = json.loads(view) if isinstance(view, str) else view
    assert view["title"]["text"] == "Presentation status" and "Stakeholders ignore our roadmap" in json.dumps(view["blocks"])
    bot.fake.add_user("U9")
    bot.send(message_shortcut("als_thread_status", user_id="U9", channel_id=CHANNEL, message=message, team_id=bot.team_id))
    assert len(bot.fake.calls_to("views.open")) == 1  # a stranger gets a refusal, not the set's status


def test_a_presentation_whose_answer_cannot_be_delivered_is_still_recorded_and_posted(
    bot: BotDriver, frozen: time_machine.Coordinates
) -> None:
    """The answer goes through the response_url after the commit: if that fails, the user must not
    be told "nothing was changed" (they would present again), and the root message still goes out."""
    from tests.support.processes import free_port

    make_set(bot, MONDAY - timedelta(days=3))
    unreachable = f"http://127.0.0.1:{free_port()}/response/gone"
    response = bot.command("present Hiring is slow\nWe lose candidates.", user="U2", channel=CHANNEL, response_url=unreachable)
    assert response.status == 200 and ack_json(response) == {}
    with session_scope(bot.runtime.session_factory) as session:
        assert len(session.scalars(select(Presentation)).all()) == 1
    assert "Hiring is slow" in root_ts_text(bot)
    assert not [r for r in bot.responses_for("U2") if "nothing was changed" in r["text"]]


def root_ts_text(bot: BotDriver) -> str:
    return " ".join(str(m.get("text")) for m in bot.fake.messages(CHANNEL) if "new problem" in str(m.get("text")))
