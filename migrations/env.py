"""Alembic environment: the URL comes from the caller's config or DATABASE_URL, never from alembic.ini."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection

from bot.config import DEFAULT_DATABASE_URL, normalise_database_url
from bot.db import make_engine
from bot.models import UTCDateTime
from bot.schema import TARGET_METADATA

config = context.config
target_metadata = list(TARGET_METADATA)  # our models + slack-sdk's OAuth store tables


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url") or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    return normalise_database_url(url)


def _render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    """Write our UTC column type as a plain DateTime, so revisions never import app code."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(connection: Connection | None = None, url: str | None = None) -> None:
    context.configure(
        connection=connection,
        url=url,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things: batch mode recreates tables
        compare_type=True,
        render_item=_render_item,
    )


def run_migrations_offline() -> None:
    _configure(url=_url())
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:  # a caller (tests, the CLI) lends its own connection
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(_url())
    with engine.connect() as conn:
        _configure(connection=conn)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
