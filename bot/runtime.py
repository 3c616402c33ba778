"""What listeners and jobs need at run time, built once by an entry point and passed in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import utcnow
from bot.config import Settings
from bot.db import make_engine, make_session_factory
from bot.slack.client import ClientProvider, SingleWorkspaceClients, make_web_client


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    clients: ClientProvider
    now: Callable[[], datetime] = utcnow


def build_runtime(settings: Settings, *, engine: Engine | None = None) -> Runtime:
    """Engine, sessions and Web API clients for these settings."""
    engine = engine or make_engine(settings.database_url)
    client = make_web_client(settings.bot_token, settings.slack_api_url)
    return Runtime(
        settings=settings,
        engine=engine,
        session_factory=make_session_factory(engine),
        clients=SingleWorkspaceClients(client),
    )
