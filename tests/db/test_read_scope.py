"""read_scope is read-only in the database itself, on either backend: a write fails at once
rather than being rolled back at the end without a word (a flushed ORM change passed the
session's own pending-changes check), and the connection writes again afterwards."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.exc import DBAPIError

from bot.db import make_session_factory, read_scope, session_scope
from bot.models import ProcessedEvent

NOW = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


def events(engine: Engine) -> int:
    with session_scope(make_session_factory(engine)) as session:
        return session.scalar(select(func.count()).select_from(ProcessedEvent)) or 0


def test_a_flushed_orm_write_fails_inside_a_read_scope(engine: Engine) -> None:
    factory = make_session_factory(engine)
    with pytest.raises(DBAPIError), read_scope(factory) as session:
        session.add(ProcessedEvent(event_id="Ev1", team_id="T1", received_at=NOW))
        session.flush()
    assert events(engine) == 0


def test_a_core_write_fails_inside_a_read_scope(engine: Engine) -> None:
    factory = make_session_factory(engine)
    with pytest.raises(DBAPIError), read_scope(factory) as session:
        session.execute(insert(ProcessedEvent).values(event_id="Ev1", team_id="T1", received_at=NOW))
    assert events(engine) == 0


def test_connections_write_again_after_a_read_scope(engine: Engine) -> None:
    factory = make_session_factory(engine)
    for i in range(3):  # the pool hands the same connection back: it must not stay read-only
        with read_scope(factory) as session:
            session.scalar(select(func.count()).select_from(ProcessedEvent))
        with session_scope(factory) as session:
            session.add(ProcessedEvent(event_id=f"Ev{i}", team_id="T1", received_at=NOW))
    assert events(engine) == 3
