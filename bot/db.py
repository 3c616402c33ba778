"""Engine, session factory and the transaction scope used by every edge (request, job, CLI)."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Engine, Row, Table, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.expression import Executable, bindparam

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 5000
READ_ONLY_OPTION = "als_read_only"  # execution option set by read_scope()


def make_engine(url: str, **kwargs: object) -> Engine:
    """Create the engine; SQLite gets WAL, a busy timeout, foreign keys and BEGIN IMMEDIATE.

    SQLite (the single-machine default) is for one process. WAL lets readers run beside the
    writer; BEGIN IMMEDIATE takes the write lock up front, so concurrent request threads wait
    instead of failing on a read-to-write lock upgrade; and they wait in line on a lock of this
    process (see WriterLine), not in SQLite's busy handler.
    """
    if url.startswith("sqlite"):
        line = WriterLine()
        engine = create_engine(url, connect_args={"check_same_thread": False, "factory": line.connection_class()}, **kwargs)
        _configure_sqlite(engine, line)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


class WriterLine:
    """One SQLite transaction at a time per process, from BEGIN IMMEDIATE until after COMMIT or
    ROLLBACK, with the others waiting on a lock that wakes the next one the moment it is free.

    Without it, threads that find the write lock taken sleep in SQLite's busy handler, whose
    naps grow (1, 2, 5 ... 100 ms) however soon the lock frees: under 4 writer threads a
    sub-millisecond reply could wait hundreds of ms (bench goal 2). Other processes (the clock,
    a second web worker) still meet SQLite's busy timeout, as before. The lock is released by
    the DB-API connection after its commit or rollback has finished, so the next writer never
    finds SQLite still locked; a wait longer than the busy timeout goes ahead anyway and lets
    SQLite decide, so a leaked hold can slow writes but never stop them.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()

    def enter(self, dbapi_connection: Any) -> None:
        if self._lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
            dbapi_connection.holds_writer_line = True

    def connection_class(self) -> type[sqlite3.Connection]:
        line = self._lock

        class LinedConnection(sqlite3.Connection):
            holds_writer_line = False
            read_only = False  # set by a read_scope's BEGIN, cleared when its transaction ends

            def _leave(self) -> None:
                if self.read_only:
                    self.read_only = False
                    self.execute("PRAGMA query_only=OFF")
                if self.holds_writer_line:
                    self.holds_writer_line = False
                    try:
                        line.release()
                    except RuntimeError:  # ended by another thread (a finaliser): that waiter times out
                        logger.warning("SQLite transaction ended outside its thread; the writer line waits out its timeout")

            def commit(self) -> None:
                try:
                    super().commit()
                finally:
                    self._leave()

            def rollback(self) -> None:
                try:
                    super().rollback()
                finally:
                    self._leave()

        return LinedConnection


def _configure_sqlite(engine: Engine, line: WriterLine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        # Let SQLAlchemy's events own transaction boundaries (pysqlite's own are off).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # type: ignore[no-untyped-def]
        if connection.get_execution_options().get(READ_ONLY_OPTION):
            # WAL readers never wait for the writer: no write lock, no place in the line. And
            # SQLite refuses writes in it, rather than have them rolled back without a word.
            connection.exec_driver_sql("BEGIN")
            connection.exec_driver_sql("PRAGMA query_only=ON")
            connection.connection.dbapi_connection.read_only = True
            return
        dbapi_connection = connection.connection.dbapi_connection
        line.enter(dbapi_connection)
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            dbapi_connection.rollback()  # leaves the line
            raise


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit when the block succeeds, roll back when it raises."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def read_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A unit of work that only reads (status, App Home, look-ups before an ack).

    On SQLite it starts with a deferred BEGIN and stays out of the writer line, so in WAL mode it
    never waits for a writer, in this process or another (gunicorn workers, the clock). It must
    not write, and the database holds it to that (SQLite's query_only, PostgreSQL's READ ONLY
    transaction): a write fails at once instead of being rolled back at the end without a word.
    Changes never flushed are an error too.
    """
    session = factory()
    try:
        # postgresql_readonly: a connection characteristic SQLAlchemy resets when the connection goes back to the pool
        session.connection(execution_options={READ_ONLY_OPTION: True, "postgresql_readonly": True})
        yield session
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("read_scope is for reads: use session_scope to write")
    finally:
        session.rollback()
        session.close()


# insert_once's statements, each built once: composing one (and its SQL cache key) cost more Python
# CPU than SQLite takes to run it, on every thread reply, acknowledgement and presentation. One
# entry per call site and key set (also_return holds module-level constants, hashed by identity):
# a fixed handful, so the dict needs no bound.
_INSERT_ONCE_STATEMENTS: dict[tuple[Any, ...], Executable] = {}
# Keeps the values' bind names apart from columns and from `params`: an execution parameter named
# after a column left out of VALUES would be bound to it (replacing its Python-side default), and
# one named like an also_return parameter (e.g. w_presentation_id) would clash with it.
_VALUE_BIND_PREFIX = "insert_once__"


def insert_once(
    session: Session, table: Table, values: dict[str, Any], *, unique: tuple[str, ...],
    also_return: tuple[ColumnElement[Any], ...] = (), params: dict[str, Any] | None = None,
) -> Row[Any] | None:
    """INSERT ... ON CONFLICT (unique) DO NOTHING RETURNING id (and `also_return`, e.g. a scalar
    subquery bound by `params`): the new row, or None when a row with that key exists. One
    statement, where a savepoint around a failing insert takes three."""
    dialect = session.get_bind().dialect.name
    keys = tuple(values)
    cache_key = (dialect, table, keys, unique, also_return)
    statement = _INSERT_ONCE_STATEMENTS.get(cache_key)
    if statement is None:
        statement = _INSERT_ONCE_STATEMENTS[cache_key] = _insert_once_statement(dialect, table, keys, unique, also_return)
    bound = {**params} if params else {}
    for key, value in values.items():
        bound[_VALUE_BIND_PREFIX + key] = value
    return session.execute(statement, bound).first()


def _insert_once_statement(
    dialect: str, table: Table, keys: tuple[str, ...], unique: tuple[str, ...],
    also_return: tuple[ColumnElement[Any], ...],
) -> Executable:
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    # Only the given keys are bound (each takes its column's type): columns left out still get
    # their Python-side defaults, computed at each execution.
    return (
        insert(table)
        .values({key: bindparam(_VALUE_BIND_PREFIX + key) for key in keys})
        .on_conflict_do_nothing(index_elements=list(unique))
        .returning(table.c.id, *also_return)
    )


def database_answers(engine: Engine) -> bool:
    """True when a trivial query succeeds (used by /healthz)."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # any driver error means "not healthy"; /healthz must not raise
        return False
