"""Test databases: SQLite always; PostgreSQL when TEST_DATABASE_URL points at one.

Each test gets a clean, migrated database. SQLite: a copy of a template file migrated once per
run. PostgreSQL: migrated once per run, then every table truncated before each test.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from bot.config import normalise_database_url
from bot.db import make_engine
from bot.schema import TARGET_METADATA, upgrade_to_head


def postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    return normalise_database_url(url) if url.startswith(("postgres", "postgresql")) else None


def backend() -> str:
    return "postgresql" if postgres_url() else "sqlite"


def reset_postgres_schema(engine: Engine) -> None:
    """Drop everything so a migration test starts from an empty database."""
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


def truncate_all(engine: Engine) -> None:
    tables = [t for metadata in TARGET_METADATA for t in reversed(metadata.sorted_tables)]
    names = ", ".join(f'"{t.name}"' for t in tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    engine.dispose()  # closing the last connection folds the WAL into the file we copy
    return path


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine | None]:
    url = postgres_url()
    if url is None:
        yield None
        return
    engine = make_engine(url)
    reset_postgres_schema(engine)
    upgrade_to_head(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(sqlite_template: Path, postgres_engine: Engine | None, tmp_path: Path) -> Iterator[Engine]:
    """A clean database at the latest migration, on the backend this run tests."""
    if postgres_engine is not None:
        truncate_all(postgres_engine)
        yield postgres_engine
        return
    path = tmp_path / "als.db"
    shutil.copyfile(sqlite_template, path)
    sqlite = make_engine(f"sqlite:///{path}")
    yield sqlite
    sqlite.dispose()
