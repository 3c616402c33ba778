"""Seed a database with N sets of 6 members and their history, through the bot's models (bulk inserts).

Per set: 6 active members (cached Slack users, London time), 3 closed presentations (7 rounds,
6 roles, 12 recorded replies, 8 posted outbox rows each), 4 weeks of posted reflection DMs per
member, a few event receipts, and one open presentation in P1 (clarifying questions) whose
deadline is `PHASE_DEADLINE`. The first ceil(dm_members/6) sets reflect on Fridays at 15:00 (so
exactly `dm_members` members are due then); the rest on Saturdays at 09:00.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, insert

from bot.domain.enums import ContributionKind, Role
from bot.domain.states import MemberState, PostKind, PostStatus, PresentationStatus, SetStatus
from bot.models import (
    Contribution, LearningSet, Membership, OutboundPost, Presentation, ProcessedEvent, RoleAssignment, Round, SlackUser,
)
from bot.schema import upgrade_to_head

from bench.common import TEAM

HISTORY_START = datetime(2026, 9, 7, 9, 0, tzinfo=UTC)
QUIET = datetime(2027, 1, 5, 10, 0, tzinfo=UTC)  # Tuesday: nothing is due
DM_WEEK_1 = datetime(2027, 1, 8, 15, 5, tzinfo=UTC)  # Friday 15:05 London: the Friday group is due
DM_WEEK_2 = DM_WEEK_1 + timedelta(days=7)
PHASE_DEADLINE = datetime(2027, 1, 20, 12, 0, tzinfo=UTC)  # every open presentation's P1 ends
ROUND_PROMPTS_AT = PHASE_DEADLINE + timedelta(minutes=1)
MEMBERS = 6
CLOSED_PER_SET = 3
ROLES = (Role.PRESENTER, Role.FACILITATOR, Role.REFLECTOR, Role.QUESTIONER, Role.QUESTIONER, Role.QUESTIONER)


def channel_of(i: int) -> str:
    return f"C{i:07d}"


def user_of(i: int, j: int) -> str:
    return f"U{i:06d}{j}"


def root_ts_of(i: int) -> str:
    return f"1768000000.{i:06d}"


@dataclass(frozen=True)
class Seeded:
    sets: int
    dm_members: int
    open_presentation_ids: list[int]

    def channels(self) -> dict[str, list[str]]:
        return {channel_of(i): [user_of(i, j) for j in range(MEMBERS)] for i in range(self.sets)}

    def users(self) -> list[str]:
        return [user_of(i, j) for i in range(self.sets) for j in range(MEMBERS)]


def seed(engine: Engine, *, sets: int, dm_members: int = 1000, history: bool = True, chunk: int = 5000) -> Seeded:
    """Migrate an empty database and fill it (see module docstring)."""
    upgrade_to_head(engine)
    dm_members = min(dm_members, sets * MEMBERS)
    due_sets = math.ceil(dm_members / MEMBERS)
    away_in_last = due_sets * MEMBERS - dm_members
    rows: dict[object, list[dict[str, object]]] = {t: [] for t in (
        LearningSet, Membership, SlackUser, Presentation, Round, RoleAssignment, Contribution, OutboundPost, ProcessedEvent)}
    presentation_id = round_id = 0
    open_ids: list[int] = []
    created = HISTORY_START
    for i in range(sets):
        due = i < due_sets
        rows[LearningSet].append(dict(
            id=i + 1, team_id=TEAM, enterprise_id=None, channel_id=channel_of(i), name=f"Set {i}", pace="standard",
            timezone="Europe/London", working_days="0,1,2,3,4", reflection_weekday=4 if due else 5,
            reflection_hour=15 if due else 9, max_concurrent=1, status=SetStatus.ACTIVE, is_private=True,
            is_ext_shared=False, created_by=user_of(i, 0), next_invite_at=None, created_at=created, updated_at=created))
        for j in range(MEMBERS):
            away = due and i == due_sets - 1 and j >= MEMBERS - away_in_last
            rows[Membership].append(dict(
                set_id=i + 1, user_id=user_of(i, j), state=MemberState.AWAY if away else MemberState.ACTIVE,
                away_until=date(2027, 3, 1) if away else None, agreed_at=created, joined_at=created, updated_at=created))
            rows[SlackUser].append(dict(
                team_id=TEAM, user_id=user_of(i, j), timezone="Europe/London", is_deleted=False, dm_channel_id=None,
                reflections_opt_out=False, refreshed_at=QUIET - timedelta(days=1)))
            if history:
                for week in range(1, 5):
                    day = (DM_WEEK_1 - timedelta(days=7 * week)).date()
                    rows[OutboundPost].append(_posted(f"reflection:{TEAM}:{user_of(i, j)}:{day.isoformat()}", PostKind.DM,
                                                      None, user_of(i, j), created))
        for k in range(CLOSED_PER_SET + 1 if history else 1):
            presentation_id += 1
            is_open = k == CLOSED_PER_SET or not history
            started = HISTORY_START + timedelta(days=21 * k)
            root = root_ts_of(i) if is_open else f"1760000000.{i:06d}{k}"
            rows[Presentation].append(dict(
                id=presentation_id, set_id=i + 1, presenter_id=user_of(i, k % MEMBERS), title=f"Problem {k} of set {i}",
                situation="A real work problem, described in a few sentences.", tried=None, question_to_set=None,
                success=None, status=PresentationStatus.OPEN if is_open else PresentationStatus.CLOSED,
                phase=1 if is_open else None, phase_deadline=PHASE_DEADLINE if is_open else None, extensions_used=0,
                channel_id=channel_of(i), root_ts=root, request_key=f"seed:{presentation_id}", created_at=started,
                started_at=started, paused_at=None, closed_at=None if is_open else started + timedelta(days=14)))
            for j, role in enumerate(ROLES):
                rows[RoleAssignment].append(dict(presentation_id=presentation_id, user_id=user_of(i, (j + k) % MEMBERS), role=role))
            phases = range(2) if is_open else range(7)
            for phase in phases:
                round_id += 1
                opened = started + timedelta(days=2 * phase)
                closed = None if is_open and phase == 1 else opened + timedelta(days=2)
                nudged = phase in (1, 3)
                rows[Round].append(dict(
                    id=round_id, presentation_id=presentation_id, phase=phase, opened_at=opened,
                    closes_at=PHASE_DEADLINE if closed is None else closed, closed_at=closed, prompt_ts=None,
                    nudge_due_at=None,  # what the bot leaves once a nudge is sent or its round closed
                    nudged_at=(QUIET - timedelta(days=1) if closed is None else opened + timedelta(days=1)) if nudged else None))
                if not is_open:
                    rows[OutboundPost].append(_posted(f"prompt:{presentation_id}:{phase}", PostKind.MESSAGE, channel_of(i), None, opened))
            if not is_open:
                rows[OutboundPost].append(_posted(f"root:{presentation_id}", PostKind.MESSAGE, channel_of(i), None, started))
                for n in range(12):
                    rows[Contribution].append(dict(
                        presentation_id=presentation_id, channel_id=channel_of(i), ts=f"1760000001.{i:06d}{k}{n:02d}",
                        user_id=user_of(i, 3 + n % 3), phase=1 if n < 6 else 3, kind=ContributionKind.QUESTION,
                        text="What have you tried so far, and what happened?", problems=None,
                        created_at=started + timedelta(days=1), edited_at=None, deleted_at=None))
        if history:
            for n in range(5):
                rows[ProcessedEvent].append(dict(event_id=f"EvSeed{i:06d}{n}", team_id=TEAM, received_at=QUIET - timedelta(days=1)))
        if is_open:
            open_ids.append(presentation_id)
    with engine.begin() as connection:
        for model, values in rows.items():
            table = model.__table__  # type: ignore[attr-defined]
            for start in range(0, len(values), chunk):
                connection.execute(insert(table), values[start : start + chunk])
    _bump_sequences(engine)
    return Seeded(sets=sets, dm_members=dm_members, open_presentation_ids=open_ids)


def _posted(key: str, kind: PostKind, channel: str | None, user: str | None, at: datetime) -> dict[str, object]:
    return dict(work_key=key, team_id=TEAM, kind=kind, channel_id=channel, user_id=user, thread_ts=None,
                payload='{"text": "history"}', after_post=None, subject_id=None, status=PostStatus.POSTED, attempts=1,
                claimed_by="seed", claimed_at=at, next_attempt_at=None, posted_ts="1760000002.000001", last_error=None,
                created_at=at)


def _bump_sequences(engine: Engine) -> None:
    """PostgreSQL: explicit ids leave the sequences behind; move them past the seeded rows."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as connection:
        for table in ("learning_set", "presentation", "round"):
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        connection.exec_driver_sql("ANALYZE")
