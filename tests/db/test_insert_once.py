"""insert_once: one cached INSERT ... ON CONFLICT DO NOTHING RETURNING per call site, on either backend."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import (
    Column,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    func,
    select,
)
from sqlalchemy.orm import Session

from bot import db
from bot.db import insert_once, make_session_factory, session_scope
from bot.models import LearningSet

NOW = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
SETS = LearningSet.__table__

_other_sets = SETS.alias("other_set")  # an alias, so the subquery is not correlated to the inserted row
# Its parameter is deliberately named like a value's key: the two must not share a bind.
SETS_IN_TEAM = (
    select(func.count()).select_from(_other_sets).where(_other_sets.c.team_id == bindparam("team_id")).scalar_subquery()
)

_stamps = itertools.count(1)
PROBE = Table(
    "insert_once_probe", MetaData(),
    Column("id", Integer, primary_key=True),
    Column("key", String(20), unique=True, nullable=False),
    Column("label", String(20), nullable=False, default="plain"),
    Column("stamp", Integer, nullable=False, default=lambda: next(_stamps)),  # a fresh value per row
)


@pytest.fixture
def sessions(engine: Engine) -> Iterator[Any]:
    yield make_session_factory(engine)


@pytest.fixture
def probe(engine: Engine) -> Iterator[Table]:
    PROBE.create(engine)
    yield PROBE
    PROBE.drop(engine)


@pytest.fixture
def fresh_cache(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """An empty statement cache, and the statements built into it from here on."""
    built: list[object] = []
    build = db._insert_once_statement

    def counting_build(*args: Any) -> Any:
        built.append(build(*args))
        return built[-1]

    monkeypatch.setattr(db, "_INSERT_ONCE_STATEMENTS", {})
    monkeypatch.setattr(db, "_insert_once_statement", counting_build)
    return built


def set_values(channel_id: str, **overrides: Any) -> dict[str, Any]:
    values = {"team_id": "T1", "channel_id": channel_id, "name": f"set {channel_id}", "timezone": "UTC",
              "created_by": "U1", "created_at": NOW, "updated_at": NOW}
    return values | overrides


def new_set(session: Session, channel_id: str, **overrides: Any) -> Any:
    return insert_once(session, SETS, set_values(channel_id, **overrides), unique=("team_id", "channel_id"))  # type: ignore[arg-type]


def sets_by_channel(session: Session) -> dict[str, Any]:
    return {row.channel_id: row for row in session.execute(select(SETS))}


def test_absent_keys_get_their_column_defaults(sessions: Any) -> None:
    with session_scope(sessions) as session:
        inserted = new_set(session, "C1")
    assert inserted is not None
    with session_scope(sessions) as session:
        row = sets_by_channel(session)["C1"]
    assert (row.id, row.pace, row.working_days, row.max_concurrent, row.is_private) == (inserted.id, "standard", "0,1,2,3,4", 1, True)


def test_two_key_sets_on_one_table_each_bind_only_their_own(sessions: Any, fresh_cache: list[object]) -> None:
    with session_scope(sessions) as session:
        assert new_set(session, "C1", pace="fast", max_concurrent=3) is not None
        assert new_set(session, "C2") is not None  # pace and max_concurrent absent: defaults, not C1's values
        rows = sets_by_channel(session)
    assert (rows["C1"].pace, rows["C1"].max_concurrent) == ("fast", 3)
    assert (rows["C2"].pace, rows["C2"].max_concurrent) == ("standard", 1)
    assert len(fresh_cache) == 2


def test_the_statement_is_built_once_and_reused(sessions: Any, fresh_cache: list[object]) -> None:
    with session_scope(sessions) as session:
        new_set(session, "C1")
        new_set(session, "C2")
        new_set(session, "C2")  # a conflict uses it too
    assert len(fresh_cache) == 1
    assert list(db._INSERT_ONCE_STATEMENTS.values()) == fresh_cache


def test_a_conflict_returns_none_and_inserts_nothing(sessions: Any) -> None:
    with session_scope(sessions) as session:
        first = new_set(session, "C1")
    with session_scope(sessions) as session:
        again = insert_once(
            session, SETS,  # type: ignore[arg-type]
            set_values("C1", name="another name", created_by="U2"),
            unique=("team_id", "channel_id"),
        )
    assert first is not None and again is None
    with session_scope(sessions) as session:
        assert [(r.id, r.name, r.created_by) for r in sets_by_channel(session).values()] == [(first.id, "set C1", "U1")]


def test_also_return_is_bound_by_params_apart_from_the_values(sessions: Any) -> None:
    with session_scope(sessions) as session:
        new_set(session, "C1", team_id="T2")
        new_set(session, "C2", team_id="T2")
    for channel_id, expected in (("C3", 2), ("C4", 2)):  # the second call runs the cached statement
        with session_scope(sessions) as session:
            inserted = insert_once(
                session, SETS,  # type: ignore[arg-type]
                set_values(channel_id),
                unique=("team_id", "channel_id"), also_return=(SETS_IN_TEAM,), params={"team_id": "T2"},
            )
        assert inserted is not None and inserted[1] == expected
    with session_scope(sessions) as session:
        rows = sets_by_channel(session)
    assert (rows["C3"].team_id, rows["C4"].team_id) == ("T1", "T1")


def test_python_side_defaults_are_computed_for_each_row(sessions: Any, probe: Table) -> None:
    with session_scope(sessions) as session:
        for key in ("a", "b"):
            assert insert_once(session, probe, {"key": key}, unique=("key",)) is not None
        assert insert_once(session, probe, {"key": "c", "label": "given"}, unique=("key",)) is not None
        rows = {r.key: r for r in session.execute(select(probe))}
    assert [rows[k].label for k in "abc"] == ["plain", "plain", "given"]
    assert len({rows[k].stamp for k in "abc"}) == 3  # not one value frozen into the cached statement
