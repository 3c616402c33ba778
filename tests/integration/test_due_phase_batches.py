"""The tick advances due phases several per transaction; a presentation that fails does not take
the ones before it down with it, and the rest are advanced by the next tick, once each."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, select, update

from bench.seed import PHASE_DEADLINE, ROUND_PROMPTS_AT, seed
from bot.db import session_scope
from bot.models import OutboundPost, Presentation
from bot.runtime import Runtime
from bot.services import due_work
from bot.services.due_work import ADVANCE_BATCH, advance_due_phases

SETS = 12


class Broken(Exception):
    pass


@pytest.fixture
def open_presentations(engine: Engine) -> list[int]:
    """One open presentation in P1 per set, due one minute apart (so the claim order is known)."""
    ids = seed(engine, sets=SETS, dm_members=0, history=False).open_presentation_ids
    with engine.begin() as connection:
        for n, presentation_id in enumerate(ids):
            connection.execute(
                update(Presentation).where(Presentation.id == presentation_id)
                .values(phase_deadline=PHASE_DEADLINE - timedelta(minutes=SETS - n))
            )  # fmt: skip
    return ids


def phases(runtime: Runtime, ids: list[int]) -> list[int | None]:
    with session_scope(runtime.session_factory) as session:
        by_id = dict(session.execute(select(Presentation.id, Presentation.phase)).all())
    return [by_id[i] for i in ids]


def test_a_failing_advance_keeps_the_ones_before_it_and_the_next_tick_does_the_rest(
    runtime: Runtime, open_presentations: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert ADVANCE_BATCH > 3  # the failing presentation is inside the first batch
    failing = open_presentations[2]
    real = due_work.advance_phase

    def advance(session, learning_set, presentation, **kwargs):  # type: ignore[no-untyped-def]
        if presentation.id == failing:
            raise Broken(presentation.id)
        return real(session, learning_set, presentation, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(due_work, "advance_phase", advance)
        with pytest.raises(Broken):
            advance_due_phases(runtime.session_factory, ROUND_PROMPTS_AT)
    assert phases(runtime, open_presentations) == [2, 2] + [1] * (SETS - 2)

    assert advance_due_phases(runtime.session_factory, ROUND_PROMPTS_AT) == SETS - 2
    assert phases(runtime, open_presentations) == [2] * SETS
    assert advance_due_phases(runtime.session_factory, ROUND_PROMPTS_AT) == 0
    with session_scope(runtime.session_factory) as session:
        keys = session.scalars(select(OutboundPost.work_key).where(OutboundPost.work_key.like("prompt:%"))).all()
    assert sorted(keys) == sorted(f"prompt:{i}:2" for i in open_presentations)
