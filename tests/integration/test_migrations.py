"""The schema only changes through Alembic, and the migrations match the models exactly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from bot.db import make_engine
from bot.schema import (
    TARGET_METADATA,
    SchemaOutdated,
    current_revision,
    downgrade_to_base,
    ensure_up_to_date,
    head_revision,
    upgrade_to_head,
)
from tests.db.databases import postgres_url, reset_postgres_schema

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    else:
        url = postgres_url()
        if url is None:
            pytest.skip("TEST_DATABASE_URL does not point at PostgreSQL")
        engine = make_engine(url)
        reset_postgres_schema(engine)
    yield engine
    if request.param == "postgresql":
        reset_postgres_schema(engine)  # leave no half-state for the session-wide PostgreSQL fixture
        upgrade_to_head(engine)
    engine.dispose()


def _differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        # Our models and slack-sdk's OAuth store tables, which migration 0003 creates.
        return list(compare_metadata(context, list(TARGET_METADATA)))  # type: ignore[arg-type]


def test_upgrade_matches_models_and_downgrade_empties(empty_engine: Engine) -> None:
    with pytest.raises(SchemaOutdated, match="python -m bot migrate"):
        ensure_up_to_date(empty_engine)

    upgrade_to_head(empty_engine)
    assert current_revision(empty_engine) == head_revision()
    ensure_up_to_date(empty_engine)
    assert _differences(empty_engine) == []
    tables = set(inspect(empty_engine).get_table_names())
    assert {name for metadata in TARGET_METADATA for name in metadata.tables} <= tables

    downgrade_to_base(empty_engine)
    assert current_revision(empty_engine) is None
    assert set(inspect(empty_engine).get_table_names()) <= {"alembic_version"}

    upgrade_to_head(empty_engine)  # and back up again: downgrade left nothing behind
    assert _differences(empty_engine) == []
