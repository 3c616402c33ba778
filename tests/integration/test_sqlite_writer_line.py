"""bot/db.py's writer line: SQLite transactions of one process queue on a lock, which every way
out of a transaction (commit, rollback, a failed statement, a pool reset) gives back."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from bot.db import make_engine
from bot.models import ProcessedEvent


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'line.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)"))
        connection.execute(text("INSERT INTO counter (id, n) VALUES (1, 0)"))
    yield engine
    engine.dispose()


def line_is_free(engine: Engine) -> bool:
    """Another thread can begin at once (a held line would make it wait 5 s, then go ahead)."""
    took: list[bool] = []

    def probe() -> None:
        with engine.connect() as connection:
            raw = connection.connection.dbapi_connection
            connection.execute(text("SELECT 1"))
            took.append(bool(raw.holds_writer_line))  # type: ignore[union-attr]

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join(timeout=30)
    return took == [True]


def test_commit_and_rollback_give_the_line_back(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE counter SET n = n + 1"))
    assert line_is_free(engine)
    with pytest.raises(IntegrityError):
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO counter (id, n) VALUES (1, 0)"))
    assert line_is_free(engine)
    with engine.connect() as connection:  # a read, ended by the pool's reset on return
        connection.execute(text("SELECT n FROM counter")).scalar()
    assert line_is_free(engine)


def test_many_writer_threads_lose_no_update(engine: Engine) -> None:
    """Read-modify-write from 8 threads at once: no 'database is locked', no lost update."""
    threads, rounds = 8, 25
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads)

    def work() -> None:
        barrier.wait()
        for _ in range(rounds):
            try:
                with engine.begin() as connection:
                    n = connection.execute(text("SELECT n FROM counter WHERE id = 1")).scalar_one()
                    connection.execute(text("UPDATE counter SET n = :n WHERE id = 1"), {"n": n + 1})
            except BaseException as error:  # surfaced below
                errors.append(error)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not errors
    with engine.connect() as connection:
        assert connection.execute(text("SELECT n FROM counter")).scalar_one() == threads * rounds


def test_a_read_scope_neither_waits_for_a_writer_nor_may_write(engine: Engine) -> None:
    """WAL readers see the last commit while a writer holds the lock (here: this very thread)."""
    from sqlalchemy.orm import sessionmaker

    from bot.db import read_scope

    factory = sessionmaker(bind=engine)
    with engine.begin() as writer:  # holds SQLite's write lock and the line
        writer.execute(text("UPDATE counter SET n = 41"))
        seen: list[int] = []

        def read() -> None:
            with read_scope(factory) as session:
                seen.append(session.execute(text("SELECT n FROM counter")).scalar_one())

        thread = threading.Thread(target=read)
        thread.start()
        thread.join(timeout=3)  # a reader queued behind the writer would still be waiting (5 s)
        assert not thread.is_alive() and seen == [0]
    with pytest.raises(RuntimeError, match="read_scope is for reads"):
        with read_scope(factory) as session:
            session.add(ProcessedEvent(event_id="Ev1", team_id="T1", received_at=datetime.now(UTC)))
