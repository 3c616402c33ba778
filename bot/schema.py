"""Run Alembic programmatically and tell whether a database is at the latest revision."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData

from bot.db import MIGRATIONS_DIR
from bot.models import Base
from bot.slack.oauth_schema import OAUTH_METADATA

# Everything the migrations create: our models, and slack-sdk's OAuth store tables.
TARGET_METADATA: tuple[MetaData, ...] = (Base.metadata, OAUTH_METADATA)


class SchemaOutdated(Exception):
    """The database is not at the latest migration; the message says what to run."""


def alembic_config(url: str) -> Config:
    """An Alembic config that works from any working directory."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_to_head(engine: Engine) -> None:
    """`alembic upgrade head` on this engine's database."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def downgrade_to_base(engine: Engine) -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def ensure_up_to_date(engine: Engine) -> None:
    """Refuse to run on a database that is not at the latest migration."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise SchemaOutdated(
            f"The database is at migration {current or 'none'} but the code needs {head}: "
            "run `python -m bot migrate` first."
        )
