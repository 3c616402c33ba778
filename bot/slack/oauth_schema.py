"""The tables of slack-sdk's SQLAlchemy OAuth stores (installations, bots, OAuth states).

They are slack-sdk's tables, not our models: we build them from the stores' own classmethods so
that a slack-sdk upgrade that changes them shows up as a difference in the models-vs-migrations
test (and gets a migration) instead of failing at run time. Migration 0003 creates them.
"""

from __future__ import annotations

from sqlalchemy import MetaData
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

from bot.models.base import NAMING_CONVENTION

# Table names are part of the schema: keep them stable (the stores are built with the same names).
INSTALLATIONS_TABLE = SQLAlchemyInstallationStore.default_installations_table_name  # "slack_installations"
BOTS_TABLE = SQLAlchemyInstallationStore.default_bots_table_name  # "slack_bots"
OAUTH_STATES_TABLE = SQLAlchemyOAuthStateStore.default_table_name  # "slack_oauth_states"

# Our naming convention gives the primary keys the same stable names as our own tables.
OAUTH_METADATA = MetaData(naming_convention=NAMING_CONVENTION)
SQLAlchemyInstallationStore.build_installations_table(OAUTH_METADATA, INSTALLATIONS_TABLE)
SQLAlchemyInstallationStore.build_bots_table(OAUTH_METADATA, BOTS_TABLE)
SQLAlchemyOAuthStateStore.build_oauth_states_table(OAUTH_METADATA, OAUTH_STATES_TABLE)
