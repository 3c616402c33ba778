"""What listeners and jobs need at run time, built once by an entry point and passed in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import utcnow
from bot.config import Settings
from bot.db import make_engine, make_session_factory
from bot.slack.client import ClientProvider, SingleWorkspaceClients, make_web_client
from bot.slack.delivery import BackgroundDelivery, Delivery
from bot.slack.installations import InstallationClients, OAuthStores, build_oauth_stores
from bot.slack.pacing import Pacer


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    clients: ClientProvider
    now: Callable[[], datetime] = utcnow
    oauth: OAuthStores | None = None  # set in multi-workspace (OAuth) mode only
    pacer: Pacer = field(default_factory=Pacer)  # outbound Web API pacing for this process (the poster)
    # Where `deliver_soon` sends queued posts: a background thread per process (tests: inline).
    delivery: Delivery = field(default_factory=BackgroundDelivery)


def build_runtime(settings: Settings, *, engine: Engine | None = None) -> Runtime:
    """Engine, sessions and Web API clients for these settings.

    Single-workspace mode: every team uses SLACK_BOT_TOKEN. OAuth mode: each team's token comes
    from its installation in our database.
    """
    engine = engine or make_engine(settings.database_url)
    session_factory = make_session_factory(engine)
    if settings.oauth_enabled and settings.client_id:
        stores = build_oauth_stores(engine, settings.client_id)
        clients = InstallationClients(stores.installations, settings.slack_api_url)
        return Runtime(settings, engine, session_factory, clients, oauth=stores)
    client = make_web_client(settings.bot_token, settings.slack_api_url)
    return Runtime(settings, engine, session_factory, SingleWorkspaceClients(client))
