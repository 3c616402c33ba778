"""The floors the bot is measured against, built from the same libraries.

- Bare Bolt: an `/als` listener that only acks and a `message` listener that does nothing. So
  that all five request kinds get the same treatment, it also acks any button (`block_actions`)
  and ignores `app_home_opened` (without them Bolt answers 404 after its own checks).
- Reference reply app: bare Bolt plus one minimal SQLAlchemy ORM transaction per thread reply:
  look the presentation up by (channel, thread_ts) and insert one question row (the bot's own
  tables, indexes and engine settings, so only the bot's extra work differs).

`bare_wsgi()` / `reference_wsgi()` are gunicorn entry points (settings from the environment,
`BENCH_PROCESS_BEFORE_RESPONSE=1` for that mode).
"""

from __future__ import annotations

import os
import re
from concurrent.futures import Executor
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.db import make_engine
from bot.domain.enums import ContributionKind
from bot.models import Contribution, Presentation
from bot.clock import utcnow


def bare_app(*, api_url: str, token: str, signing_secret: str, process_before_response: bool,
             listener_executor: Executor | None = None) -> App:
    app = App(
        client=WebClient(token=token, base_url=api_url), signing_secret=signing_secret,
        process_before_response=process_before_response, name="floor-bare",
        **({"listener_executor": listener_executor} if listener_executor is not None else {}),
    )

    @app.command("/als")
    def handle_command(ack: Ack) -> None:
        ack()

    @app.action(re.compile(".*"))
    def handle_action(ack: Ack) -> None:
        ack()

    @app.event("app_home_opened")
    def handle_home() -> None:
        return None

    return app


def record_question(factory: sessionmaker[Session], event: dict[str, Any]) -> bool:
    """The reference transaction: presentation by (channel, thread_ts), then one question row."""
    with factory() as session, session.begin():
        presentation = session.scalars(
            select(Presentation).where(
                Presentation.channel_id == event.get("channel"), Presentation.root_ts == event.get("thread_ts")
            )
        ).one_or_none()
        if presentation is None:
            return False
        session.add(Contribution(
            presentation_id=presentation.id, channel_id=event["channel"], ts=event["ts"], user_id=event.get("user") or "",
            phase=presentation.phase or 0, kind=ContributionKind.QUESTION, text=event.get("text") or "", created_at=utcnow(),
        ))
        try:
            session.flush()
        except IntegrityError:
            session.rollback()
            return False
    return True


def reference_app(*, api_url: str, token: str, signing_secret: str, process_before_response: bool, engine: Engine,
                  listener_executor: Executor | None = None) -> App:
    app = bare_app(api_url=api_url, token=token, signing_secret=signing_secret,
                   process_before_response=process_before_response, listener_executor=listener_executor)
    factory = sessionmaker(bind=engine, expire_on_commit=False)

    @app.event("message")
    def handle_message(event: dict[str, Any]) -> None:
        if event.get("thread_ts") and event.get("thread_ts") != event.get("ts") and not event.get("subtype"):
            record_question(factory, event)

    return app


def _with_noop_message(app: App) -> App:
    @app.event("message")
    def handle_message() -> None:
        return None

    return app


def make_bare(*, api_url: str, token: str, signing_secret: str, process_before_response: bool,
              listener_executor: Executor | None = None) -> App:
    return _with_noop_message(bare_app(api_url=api_url, token=token, signing_secret=signing_secret,
                                       process_before_response=process_before_response, listener_executor=listener_executor))


def _env_kwargs() -> dict[str, Any]:
    return dict(
        api_url=os.environ["SLACK_API_URL"], token=os.environ["SLACK_BOT_TOKEN"],
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        process_before_response=os.environ.get("BENCH_PROCESS_BEFORE_RESPONSE") == "1",
    )


def bare_wsgi():  # type: ignore[no-untyped-def]
    return SlackRequestHandler(make_bare(**_env_kwargs()), path="/slack/events")


def reference_wsgi():  # type: ignore[no-untyped-def]
    engine = make_engine(os.environ["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1))
    return SlackRequestHandler(reference_app(engine=engine, **_env_kwargs()), path="/slack/events")
