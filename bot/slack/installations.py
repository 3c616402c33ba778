"""Multi-workspace installs: slack-sdk's SQLAlchemy stores on our database, and per-team clients.

Only used when SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are set. The stores' tables are created by
migration 0003 (see bot/slack/oauth_schema.py), never by `create_tables()`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine, desc, select

from bot.slack.client import make_web_client
from bot.slack.oauth_schema import BOTS_TABLE, INSTALLATIONS_TABLE, OAUTH_STATES_TABLE

logger = logging.getLogger(__name__)

# How long an "Add to Slack" click stays valid before the OAuth redirect must come back.
OAUTH_STATE_EXPIRATION_SECONDS = 600


@dataclass(frozen=True)
class OAuthStores:
    """Where installations (tokens) and OAuth states live: our own database."""

    installations: SQLAlchemyInstallationStore
    states: SQLAlchemyOAuthStateStore


def build_oauth_stores(engine: Engine, client_id: str) -> OAuthStores:
    """slack-sdk's stores on the bot's engine, with the table names migration 0003 created."""
    return OAuthStores(
        installations=SQLAlchemyInstallationStore(
            client_id=client_id,
            engine=engine,
            bots_table_name=BOTS_TABLE,
            installations_table_name=INSTALLATIONS_TABLE,
        ),
        states=SQLAlchemyOAuthStateStore(
            expiration_seconds=OAUTH_STATE_EXPIRATION_SECONDS, engine=engine, table_name=OAUTH_STATES_TABLE
        ),
    )


class WorkspaceNotInstalled(SlackClientError):
    """No (longer an) installation for this workspace: uninstalled, revoked, or never installed.

    A SlackClientError, so the poster treats it like any other failed call (retry, then give up).
    """


class InstallationClients:
    """OAuth mode: each workspace's client carries the bot token its installation stored."""

    def __init__(self, store: SQLAlchemyInstallationStore, base_url: str) -> None:
        self._store = store
        self._base_url = base_url

    def for_team(self, team_id: str, enterprise_id: str | None = None) -> WebClient:
        bot = self._find_bot(team_id, enterprise_id)
        if bot is None or not bot.bot_token:
            raise WorkspaceNotInstalled(f"no installation for team {team_id or '-'} (enterprise {enterprise_id or '-'})")
        return make_web_client(bot.bot_token, self._base_url)

    def _find_bot(self, team_id: str, enterprise_id: str | None) -> Bot | None:
        store = self._store
        bot = store.find_bot(enterprise_id=enterprise_id, team_id=team_id or None)
        if bot is None and enterprise_id:
            # An org-wide (Enterprise Grid) install serves every workspace of the org.
            bot = store.find_bot(enterprise_id=enterprise_id, team_id=None, is_enterprise_install=True)
        if bot is None and enterprise_id is None and team_id:
            # Callers that only know the team (queued posts) still find a Grid workspace's install.
            bot = self._latest_bot_of_team(team_id)
        return bot

    def _latest_bot_of_team(self, team_id: str) -> Bot | None:
        bots = self._store.bots
        query = (
            select(bots.c.enterprise_id)
            .where(bots.c.client_id == self._store.client_id, bots.c.team_id == team_id)
            .order_by(desc(bots.c.installed_at))
            .limit(1)
        )
        with self._store.engine.connect() as connection:
            row = connection.execute(query).first()
        if row is None or row.enterprise_id is None:
            return None
        return self._store.find_bot(enterprise_id=row.enterprise_id, team_id=team_id)
