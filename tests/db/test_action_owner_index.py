"""App Home reads a member's open actions by ix_action_owner_id_status_due_on (migration 0007):
only the open ones, in due order, however many done/lapsed actions the member has piled up."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session

from bot.domain.states import ActionStatus
from bot.models import Action, LearningSet, Presentation
from bot.schema import alembic_config, current_revision, head_revision, upgrade_to_head
from bot.services.actions import _OPEN_ACTIONS_OF_OWNER, open_actions_of
from tests.db.databases import backend

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
NEW_INDEX = "ix_action_owner_id_status_due_on"
OLD_INDEX = "ix_action_owner_id"


def _migrate(engine: Engine, revision: str, *, down: bool) -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def _action_indexes(engine: Engine) -> dict[str, list[str | None]]:
    return {ix["name"]: ix["column_names"] for ix in inspect(engine).get_indexes("action") if ix["name"]}


def _set_with_presentation(session: Session, team_id: str) -> Presentation:
    learning_set = LearningSet(
        team_id=team_id, channel_id=f"C{team_id}", name=f"Set {team_id}", timezone="Europe/London", created_by="U0",
        created_at=NOW, updated_at=NOW,
    )
    session.add(learning_set)
    session.flush()
    presentation = Presentation(
        set_id=learning_set.id, presenter_id="U0", title=f"Talk in {team_id}", situation="s",
        channel_id=learning_set.channel_id, created_at=NOW,
    )
    session.add(presentation)
    session.flush()
    return presentation


def _add(session: Session, presentation: Presentation, owner: str, status: str, due_on: date, text: str) -> None:
    session.add(Action(presentation_id=presentation.id, owner_id=owner, text=text, due_on=due_on, status=status, created_at=NOW))


@pytest.fixture
def head_engine(engine: Engine) -> Iterator[Engine]:
    """The test database, left at head whatever the test did (PostgreSQL's is shared by the run)."""
    yield engine
    upgrade_to_head(engine)


def test_0007_swaps_the_owner_index_both_ways_and_keeps_the_rows(head_engine: Engine) -> None:
    assert head_revision() == "0007"
    _migrate(head_engine, "0006", down=True)
    indexes = _action_indexes(head_engine)
    assert indexes[OLD_INDEX] == ["owner_id"] and NEW_INDEX not in indexes
    with Session(head_engine) as session:
        _add(session, _set_with_presentation(session, "T1"), "U1", ActionStatus.OPEN, date(2026, 3, 9), "kept")
        session.commit()

    _migrate(head_engine, "0007", down=False)
    assert current_revision(head_engine) == "0007"
    indexes = _action_indexes(head_engine)
    assert indexes[NEW_INDEX] == ["owner_id", "status", "due_on"] and OLD_INDEX not in indexes
    assert indexes["ix_action_status_due_on"] == ["status", "due_on"]  # the scheduler's, untouched
    with Session(head_engine) as session:
        assert session.scalars(select(Action.text)).all() == ["kept"]

    _migrate(head_engine, "0006", down=True)
    indexes = _action_indexes(head_engine)
    assert indexes[OLD_INDEX] == ["owner_id"] and NEW_INDEX not in indexes


def test_the_model_declares_the_migrated_action_indexes(engine: Engine) -> None:
    declared = {ix.name: [c.name for c in ix.columns] for ix in Action.__table__.indexes}
    assert declared == _action_indexes(engine)
    assert declared[NEW_INDEX] == ["owner_id", "status", "due_on"] and OLD_INDEX not in declared


@pytest.mark.skipif(backend() != "sqlite", reason="EXPLAIN QUERY PLAN is SQLite's")
def test_sqlite_answers_the_open_actions_read_from_the_new_index_without_a_sort(engine: Engine) -> None:
    with Session(engine) as session:  # other members' open actions: ix_action_status_due_on would walk them all
        presentation = _set_with_presentation(session, "T1")
        for n in range(50):
            _add(session, presentation, f"W{n}", ActionStatus.OPEN, date(2026, 3, 3), "theirs")
        session.commit()
    compiled = _OPEN_ACTIONS_OF_OWNER.compile(engine)
    parameters = compiled.construct_params({"team_id": "T1", "user_id": "U1", "limit": 10})
    statement = str(compiled)
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + statement, tuple(parameters[name] for name in compiled.positiontup or [])
        ).all()
    plan = "\n".join(row[-1] for row in rows)
    assert f"SEARCH action USING INDEX {NEW_INDEX} (owner_id=? AND status=?)" in plan, plan
    assert "TEMP B-TREE" not in plan, plan  # due_on then rowid (the id) come in order from the index


def _open_actions_as_before(session: Session, *, team_id: str, user_id: str, limit: int = 10) -> list[dict[str, object]]:
    """What App Home showed before 0007: all the member's actions, the open ones kept in Python."""
    rows = session.execute(
        select(Action, Presentation.title)
        .join(Presentation, Presentation.id == Action.presentation_id)
        .join(LearningSet, LearningSet.id == Presentation.set_id)
        .where(Action.owner_id == user_id, LearningSet.team_id == team_id)
        .order_by(Action.due_on, Action.id)
    ).all()
    return [
        {
            "action_id": a.id, "owner": a.owner_id, "text": a.text, "due_on": a.due_on.isoformat(), "status": a.status,
            "report": a.report or "", "title": title, "rollovers": a.rollovers,
        }
        for a, title in rows
        if a.status == ActionStatus.OPEN
    ][:limit]


def test_a_member_with_many_done_actions_gets_exactly_the_open_ones_in_due_order(engine: Engine) -> None:
    closed = [s for s in ActionStatus if s != ActionStatus.OPEN]
    with Session(engine) as session:
        mine, elsewhere = _set_with_presentation(session, "T1"), _set_with_presentation(session, "T2")
        start = date(2025, 1, 1)
        for n in range(300):  # history: every closed status, due before, among and after the open ones
            _add(session, mine, "U1", closed[n % len(closed)], start + timedelta(days=n), f"closed {n}")
        # Open ones inserted out of due order, two due the same day (then by id), one rolled over.
        _add(session, mine, "U1", ActionStatus.OPEN, date(2025, 6, 1), "open c")
        _add(session, mine, "U1", ActionStatus.OPEN, date(2025, 3, 1), "open a")
        _add(session, mine, "U1", ActionStatus.OPEN, date(2025, 6, 1), "open d")
        _add(session, mine, "U1", ActionStatus.OPEN, date(2025, 4, 1), "open b")
        _add(session, elsewhere, "U1", ActionStatus.OPEN, date(2025, 1, 1), "same user, other workspace")
        _add(session, mine, "U2", ActionStatus.OPEN, date(2025, 1, 1), "someone else's")
        session.commit()
        session.execute(Action.__table__.update().where(Action.text == "open b").values(rollovers=1, report="so far"))
        session.commit()

    with Session(engine) as session:
        got = open_actions_of(session, team_id="T1", user_id="U1")
        assert [a["text"] for a in got] == ["open a", "open b", "open c", "open d"]
        assert got == _open_actions_as_before(session, team_id="T1", user_id="U1")
        assert got[1] == {
            "action_id": got[1]["action_id"], "owner": "U1", "text": "open b", "due_on": "2025-04-01",
            "status": "open", "report": "so far", "title": "Talk in T1", "rollovers": 1,
        }
        assert open_actions_of(session, team_id="T1", user_id="U1", limit=2) == got[:2]
        assert open_actions_of(session, team_id="T1", user_id="nobody") == []


def test_more_open_actions_than_the_limit_gives_the_soonest_due(engine: Engine) -> None:
    with Session(engine) as session:
        mine = _set_with_presentation(session, "T1")
        for n in reversed(range(15)):
            _add(session, mine, "U1", ActionStatus.DONE, date(2025, 1, 1) + timedelta(days=n), f"done {n}")
            _add(session, mine, "U1", ActionStatus.OPEN, date(2025, 1, 1) + timedelta(days=n), f"open {n}")
        session.commit()
    with Session(engine) as session:
        got = open_actions_of(session, team_id="T1", user_id="U1")
        assert [a["text"] for a in got] == [f"open {n}" for n in range(10)]
        assert got == _open_actions_as_before(session, team_id="T1", user_id="U1")
