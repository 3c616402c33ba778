"""Weekly reflection: DM replies, the prompt's buttons, the two modals, `user_change`, App Home resume.

Confirmations go through the outbox (keyed by the message or view they answer) and are delivered
right after the transaction, so a redelivered event or a retried request confirms nothing twice.
"""

from __future__ import annotations

import json
import logging
from datetime import date
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.db import session_scope
from bot.domain.states import PostKind
from bot.errors import UserFacingError
from bot.runtime import Runtime
from bot.services.events import first_delivery
from bot.services.outbox import enqueue_post
from bot.services.reflections import (
    add_to_reflection,
    current_week,
    find_reflection,
    is_member_anywhere,
    own_reflection,
    plan_share,
    record_share,
    refresh_profile,
    set_reflections_opt_out,
    share_choices,
    snooze_reflections,
    week_for_reply,
)
from bot.services.set_health import skip_deactivated_member
from bot.slack.after_ack import in_turn
from bot.slack.blocks.reflection import (
    NOT_A_MEMBER,
    PROMPTS,
    compose_answers,
    reflection_modal,
    saved_blocks,
    saved_text,
    share_modal,
    shared_blocks,
    shared_text,
    week_label,
)
from bot.slack.delivery import deliver_soon
from bot.slack.home_publisher import refresh_home
from bot.slack.ids import ActionId, CallbackId, ReflectionBlock
from bot.slack.listeners.guard import guarded

logger = logging.getLogger(__name__)


def is_reflection_reply(event: dict[str, Any]) -> bool:
    """A person's new message in their DM with the bot; not edits, bots, joins or file shares."""
    return (
        event.get("channel_type") == "im"
        and not event.get("subtype")
        and not event.get("bot_id")
        and bool(event.get("user"))
        and bool((event.get("text") or "").strip())
    )


def _week(action: dict[str, Any]) -> date:
    try:
        week = date.fromisoformat(str(action.get("value") or ""))
    except ValueError:
        week = None
    if week is None or week.weekday() != 0:
        raise UserFacingError("That button is out of date; wait for next week's reflection message.")
    return week


def _int_value(text: str | None) -> int:
    if not text or not (text.isdecimal() and len(text) <= 9):  # an id: within INTEGER
        raise UserFacingError("That button is out of date.")
    return int(text)


def register(app: App, runtime: Runtime) -> None:
    @app.event("message", matchers=[is_reflection_reply])
    @in_turn
    def handle_event_reflection_reply(body: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
        team_id = context.team_id or body.get("team_id") or ""
        user_id, channel_id, ts = event["user"], event["channel"], event["ts"]
        key = f"reflection-ack:{team_id}:{channel_id}:{ts}"
        now = runtime.now()
        with session_scope(runtime.session_factory) as session:
            # Keyed on the message itself: a redelivery (new or same event_id) is stored once.
            if not first_delivery(session, event_id=f"im:{channel_id}:{ts}", team_id=team_id, now=now):
                return
            reply: dict[str, Any]
            if is_member_anywhere(session, team_id=team_id, user_id=user_id):
                week = week_for_reply(session, team_id=team_id, user_id=user_id, now=now)
                saved = add_to_reflection(session, team_id=team_id, user_id=user_id, week_start=week, text=event["text"], now=now)
                blocks = saved_blocks(saved.reflection_id, week, created=saved.created, shared=saved.shared)
                reply = {"text": saved_text(week, created=saved.created), "blocks": [b.to_dict() for b in blocks]}
            else:
                reply = {"text": NOT_A_MEMBER}
            enqueue_post(
                session, work_key=key, team_id=team_id, channel_id=channel_id,
                thread_ts=event.get("thread_ts") or ts, now=now, **reply,
            )  # fmt: skip
        deliver_soon(runtime)

    @app.event("user_change")
    @in_turn
    def handle_event_user_change(body: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
        user = event.get("user") or {}
        team_id = context.team_id or body.get("team_id") or ""
        if not user.get("id"):
            return
        now = runtime.now()
        with session_scope(runtime.session_factory) as session:
            if not first_delivery(session, event_id=body.get("event_id"), team_id=team_id, now=now):
                return
            refresh_profile(
                session, team_id=team_id, user_id=user["id"], timezone=user.get("tz"),
                is_deleted=bool(user.get("deleted")), now=now,
            )  # fmt: skip
            if user.get("deleted") is True:  # deactivated: no more roles, prompts or nudges
                skip_deactivated_member(session, team_id=team_id, user_id=user["id"], now=now)

    @app.action(ActionId.REFLECTION_WRITE)
    @guarded
    def handle_action_reflection_write(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
    ) -> None:
        ack()
        week, user_id = _week(action), body["user"]["id"]
        with session_scope(runtime.session_factory) as session:
            entry = find_reflection(session, team_id=context.team_id or "", user_id=user_id, week_start=week)
            existing = entry.text if entry else None
        client.views_open(trigger_id=body["trigger_id"], view=reflection_modal(week, existing))

    @app.action(ActionId.REFLECTION_SNOOZE)
    @guarded
    def handle_action_reflection_snooze(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
        ack()
        user_id, team_id = body["user"]["id"], context.team_id or ""
        with session_scope(runtime.session_factory) as session:
            # An old message's button snoozes from this week, not from the week it was sent.
            week = max(_week(action), current_week(session, team_id=team_id, user_id=user_id, now=runtime.now()))
            until = snooze_reflections(session, team_id=team_id, user_id=user_id, week_start=week)
        respond(
            text=f"Snoozed: no reflection prompt next week. The next one comes after {until:%a %d %b}.",
            response_type="ephemeral", replace_original=False,
        )  # fmt: skip

    @app.action(ActionId.REFLECTION_STOP)
    @guarded
    def handle_action_reflection_stop(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
        ack()
        with session_scope(runtime.session_factory) as session:
            set_reflections_opt_out(session, team_id=context.team_id or "", user_id=body["user"]["id"], opt_out=True)
        respond(
            text="Done: no more weekly reflection prompts. To get them back, open my App Home and press "
            "*Resume weekly reflections*. Your learning log stays private.",
            response_type="ephemeral", replace_original=False,
        )  # fmt: skip

    @app.action(ActionId.HOME_REFLECTIONS_RESUME)
    @guarded
    def handle_action_home_reflections_resume(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ack()
        user_id, team_id = body["user"]["id"], context.team_id or ""
        with session_scope(runtime.session_factory) as session:
            set_reflections_opt_out(session, team_id=team_id, user_id=user_id, opt_out=False)
        refresh_home(runtime, client, team_id=team_id, user_id=user_id)

    @app.action(ActionId.REFLECTION_SHARE)
    @guarded
    def handle_action_reflection_share(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
    ) -> None:
        ack()
        user_id, team_id = body["user"]["id"], context.team_id or ""
        with session_scope(runtime.session_factory) as session:
            reflection = own_reflection(session, team_id=team_id, user_id=user_id, reflection_id=_int_value(action.get("value")))
            if reflection.shared_set_id is not None:
                raise UserFacingError("You've already shared this entry.")
            choices = share_choices(session, team_id=team_id, user_id=user_id)
            if not choices:
                raise UserFacingError("You're not in an active learning set, so there is nowhere to share this entry.")
            view = share_modal(reflection.id, reflection.text, choices)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.view(CallbackId.REFLECTION_MODAL)
    @guarded
    def handle_view_reflection(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
        values = view.get("state", {}).get("values", {})
        answers = {b: ((values.get(b) or {}).get(b) or {}).get("value") or "" for b, _ in PROMPTS}
        text = compose_answers(answers)
        if not text:
            ack(response_action="errors", errors={ReflectionBlock.HAPPENED: "Write at least one answer, or press Cancel."})
            return
        try:
            week = date.fromisoformat(json.loads(view.get("private_metadata") or "{}")["week"])
        except (ValueError, KeyError, TypeError):
            ack(response_action="errors", errors={ReflectionBlock.HAPPENED: "This form is out of date: close it and use the latest message."})
            return
        ack()
        user_id, team_id, now = body["user"]["id"], context.team_id or "", runtime.now()
        key = f"reflection-saved:{team_id}:{user_id}:{view.get('id')}:{view.get('hash')}"
        with session_scope(runtime.session_factory) as session:
            saved = add_to_reflection(session, team_id=team_id, user_id=user_id, week_start=week, text=text, now=now)
            blocks = saved_blocks(saved.reflection_id, week, created=saved.created, shared=saved.shared)
            enqueue_post(
                session, work_key=key, team_id=team_id, kind=PostKind.DM, user_id=user_id,
                text=saved_text(week, created=saved.created), blocks=[b.to_dict() for b in blocks], now=now,
            )  # fmt: skip
        deliver_soon(runtime)

    @app.view(CallbackId.REFLECTION_SHARE_MODAL)
    @guarded
    def handle_view_reflection_share(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
        user_id, team_id, now = body["user"]["id"], context.team_id or "", runtime.now()
        field = (view.get("state", {}).get("values", {}).get(ReflectionBlock.SHARE_SET) or {}).get(ReflectionBlock.SHARE_SET) or {}
        chosen = (field.get("selected_option") or {}).get("value")
        with session_scope(runtime.session_factory) as session:
            try:
                plan = plan_share(
                    session, team_id=team_id, user_id=user_id,
                    reflection_id=_int_value(view.get("private_metadata")),
                    set_id=int(chosen) if chosen and chosen.isdecimal() and len(chosen) <= 9 else None,
                )  # fmt: skip
            except UserFacingError as error:
                ack(response_action="errors", errors={ReflectionBlock.SHARE_SET: str(error)})
                return
            ack()
            blocks = shared_blocks(user_id, plan.week_start, plan.text)
            record_share(session, plan, text=shared_text(user_id, plan.week_start), blocks=[b.to_dict() for b in blocks], now=now)
        logger.info("reflection %s shared by %s into set %s (%s)", plan.reflection_id, user_id, plan.set_id, week_label(plan.week_start))
        deliver_soon(runtime)
