"""The transactional outbox: posts are enqueued with the state change that needs them, then
delivered exactly once by whoever claims them (a request thread right away, or the next tick)."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Insert, Row, Select, and_, bindparam, or_, select, update
from sqlalchemy.orm import Session

from bot.domain.states import PostKind, PostStatus
from bot.models import OutboundPost, SlackUser

# A claim older than this is taken to be from a crashed process and may be claimed again.
STALE_CLAIM = timedelta(minutes=5)
RETRY_BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1))
MAX_ATTEMPTS = 8
POSTS_QUEUED = "outbox_posts_queued"  # session.info: how many posts this transaction queued


@dataclass(frozen=True)
class ClaimedPost:
    """A snapshot of a claimed row, safe to use outside the claiming transaction."""

    id: int
    work_key: str
    team_id: str
    kind: PostKind
    channel_id: str | None
    user_id: str | None
    thread_ts: str | None
    text: str
    blocks: list[dict[str, Any]] | None
    template: str | None  # rendered by the Slack layer at delivery (services never build Block Kit)
    data: dict[str, Any]
    after_post: str | None
    subject_id: int | None
    attempts: int
    was_stale: bool  # a previous claim never finished: it may have posted before crashing
    dm_channel: str | None = None  # a DM post's cached DM channel id, if the bot has opened it before


def enqueue_post(
    session: Session,
    *,
    work_key: str,
    team_id: str,
    now: datetime,
    text: str = "",
    template: str | None = None,
    data: dict[str, Any] | None = None,
    kind: PostKind = PostKind.MESSAGE,
    channel_id: str | None = None,
    user_id: str | None = None,
    thread_ts: str | None = None,
    blocks: list[dict[str, Any]] | None = None,
    after_post: str | None = None,
    subject_id: int | None = None,
) -> bool:
    """Record a post to make; False when one with this key exists already (idempotent).

    Give either `text`/`blocks`, or a `template` name and its plain `data` for the Slack layer.
    """
    # One INSERT ... ON CONFLICT DO NOTHING: a racing writer or a repeated tick finds the key taken.
    post_id = session.execute(
        _insert_once(session.get_bind().dialect.name),
        {
            "work_key": work_key,
            "team_id": team_id,
            "kind": kind,
            "channel_id": channel_id,
            "user_id": user_id,
            "thread_ts": thread_ts,
            "payload": json.dumps({"text": text, "blocks": blocks, "template": template, "data": data or {}}),
            "after_post": after_post,
            "subject_id": subject_id,
            "status": PostStatus.PENDING,
            "attempts": 0,
            "created_at": now,
        },
    ).first()
    if post_id is None:
        return False
    # A tick's delivery thread may start sending these once the transaction commits.
    session.info[POSTS_QUEUED] = session.info.get(POSTS_QUEUED, 0) + 1
    return True


_INSERTS: dict[str, Insert] = {}


def _insert_once(dialect: str) -> Insert:
    """INSERT ... ON CONFLICT (work_key) DO NOTHING RETURNING id, built once per dialect (the
    values are bound parameters): composing it per post cost more than running it."""
    statement = _INSERTS.get(dialect)
    if statement is None:
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        table = OutboundPost.__table__
        statement = _INSERTS[dialect] = (
            insert(table).on_conflict_do_nothing(index_elements=["work_key"]).returning(table.c.id)  # type: ignore[arg-type]
        )
    return statement


# Posts per claim transaction: amortises its commit; even one channel's batch (1 post/s) is sent
# long before STALE_CLAIM, and a poster that stops early gives the unsent ones back.
CLAIM_BATCH = 25


def claim_next(
    session: Session, *, now: datetime, worker: str, keys: Collection[str] | None = None
) -> ClaimedPost | None:
    """Atomically claim the oldest due post (SKIP LOCKED on PostgreSQL; SQLite's write lock serialises)."""
    claimed = claim_batch(session, now=now, worker=worker, keys=keys, limit=1)
    return claimed[0] if claimed else None


def claim_batch(
    session: Session, *, now: datetime, worker: str, keys: Collection[str] | None = None, limit: int = CLAIM_BATCH
) -> list[ClaimedPost]:
    """Atomically claim up to `limit` due posts, in the order repeated `claim_next` calls would.

    Pending posts come first, then failed ones whose retry time has come, then stale claims. DM
    posts carry their cached DM channel id, looked up in this same transaction.
    """
    rows: list[Row[Any]] = []
    bound = {"now": now, "stale_before": now - STALE_CLAIM}
    for probe in _CLAIM_PROBES:
        if len(rows) >= limit:
            break
        if keys is not None:
            probe = probe.where(_OUTBOX.c.work_key.in_(list(keys)))
        rows.extend(session.connection().execute(probe, {**bound, "limit": limit - len(rows)}))
    if not rows:
        return []
    session.connection().execute(_CLAIM, {"ids": [row.id for row in rows], "worker": worker, "claimed_at": now})
    dm_channels = _cached_dm_channels(session, [row for row in rows if row.kind == PostKind.DM])
    return [_claimed(row, dm_channels) for row in rows]


def _cached_dm_channels(session: Session, posts: list[Row[Any]]) -> dict[tuple[str, str], str]:
    """(team, user) -> cached DM channel id, for these DM posts, in one query."""
    users_by_team: dict[str, set[str]] = {}
    for post in posts:
        if post.user_id:
            users_by_team.setdefault(post.team_id, set()).add(post.user_id)
    if not users_by_team:
        return {}
    # team first, then users: the (team_id, user_id) unique index answers it
    wanted = or_(*(and_(SlackUser.team_id == team, SlackUser.user_id.in_(sorted(users))) for team, users in users_by_team.items()))
    found = session.execute(
        select(SlackUser.team_id, SlackUser.user_id, SlackUser.dm_channel_id).where(wanted, SlackUser.dm_channel_id.is_not(None))
    )
    return {(team, user): channel for team, user, channel in found}


def _claimed(row: Row[Any], dm_channels: dict[tuple[str, str], str]) -> ClaimedPost:
    """The snapshot of a row just claimed (its attempts counted, as _CLAIM did in the database)."""
    payload = json.loads(row.payload or "{}")
    return ClaimedPost(
        id=row.id,
        work_key=row.work_key,
        team_id=row.team_id,
        kind=PostKind(row.kind),
        channel_id=row.channel_id,
        user_id=row.user_id,
        thread_ts=row.thread_ts,
        text=payload.get("text") or "",
        blocks=payload.get("blocks"),
        template=payload.get("template"),
        data=payload.get("data") or {},
        after_post=row.after_post,
        subject_id=row.subject_id,
        attempts=row.attempts + 1,
        was_stale=row.status == PostStatus.CLAIMED,
        dm_channel=dm_channels.get((row.team_id, row.user_id or "")),
    )


_OUTBOX = OutboundPost.__table__


def _claim_probes() -> tuple[Select[Any], ...]:
    """claim_batch's three probes, built once (bound :now, :stale_before and :limit): composing
    them cost more CPU than running them, and a claim runs before every post a listener queues.

    One indexed probe per kind (status equality on ix_outbound_post_status_next_attempt_at): a
    single OR query made SQLite scan the whole, ever-growing table of posted rows. (next_attempt_at,
    id) is the index's own order (pending rows: NULL, then by id): no sort, no scan.
    """
    c = _OUTBOX.c
    due = (
        c.status == PostStatus.PENDING,
        and_(c.status == PostStatus.FAILED, c.next_attempt_at <= bindparam("now", type_=c.next_attempt_at.type)),
        and_(c.status == PostStatus.CLAIMED, c.claimed_at < bindparam("stale_before", type_=c.claimed_at.type)),
    )
    columns = (c.id, c.work_key, c.team_id, c.kind, c.channel_id, c.user_id, c.thread_ts, c.payload, c.after_post,
               c.subject_id, c.attempts, c.status)
    return tuple(
        select(*columns).where(kind).order_by(c.next_attempt_at, c.id).limit(bindparam("limit")).with_for_update(skip_locked=True)
        for kind in due
    )


_CLAIM_PROBES = _claim_probes()
_CLAIM = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id.in_(bindparam("ids", expanding=True)))
    .values(
        status=PostStatus.CLAIMED, claimed_by=bindparam("worker"),
        claimed_at=bindparam("claimed_at", type_=_OUTBOX.c.claimed_at.type), attempts=_OUTBOX.c.attempts + 1,
    )
)
_RECORD_POSTED = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("post_id"))
    .values(status=PostStatus.POSTED, posted_ts=bindparam("ts"), last_error=None)
)
# A DM's channel, resolved at delivery, is recorded too.
_RECORD_POSTED_IN = _RECORD_POSTED.values(channel_id=bindparam("channel"))


def record_posted(session: Session, post_id: int, *, ts: str | None, channel_id: str | None) -> None:
    # One Core UPDATE built once (no load, no ORM bulk-update machinery): it runs once per post
    # sent, and the ORM path cost several times the statement itself. No caller holds the row as
    # an object.
    params: dict[str, Any] = {"post_id": post_id, "ts": ts}
    if channel_id:
        params["channel"] = channel_id
    session.connection().execute(_RECORD_POSTED_IN if channel_id else _RECORD_POSTED, params)


def release_claim(session: Session, post_id: int) -> None:
    """Give a claimed post back untried (the sender chose not to send it now); not an attempt."""
    release_claims(session, [post_id])


def release_claims(session: Session, post_ids: Collection[int]) -> None:
    """`release_claim` for several posts (the unsent rest of a claimed batch) in one transaction."""
    for post_id in post_ids:
        post = session.get(OutboundPost, post_id)
        if post is None or post.status != PostStatus.CLAIMED:
            continue
        post.status = PostStatus.PENDING
        post.attempts = max(0, post.attempts - 1)
        post.claimed_by = None
        post.claimed_at = None
    session.flush()


def record_failure(session: Session, post_id: int, *, error: str, permanent: bool, now: datetime) -> PostStatus:
    """Retry later with back-off, or give up for good on a permanent error or too many tries."""
    post = session.get(OutboundPost, post_id)
    if post is None:
        return PostStatus.ABANDONED
    post.last_error = error[:500]
    if permanent or post.attempts >= MAX_ATTEMPTS:
        post.status = PostStatus.ABANDONED
        post.next_attempt_at = None
    else:
        post.status = PostStatus.FAILED
        post.next_attempt_at = now + RETRY_BACKOFF[min(post.attempts, len(RETRY_BACKOFF)) - 1]
    session.flush()
    return PostStatus(post.status)


def posted_ts(session: Session, work_key: str) -> str | None:
    return session.scalars(
        select(OutboundPost.posted_ts).where(OutboundPost.work_key == work_key, OutboundPost.status == PostStatus.POSTED)
    ).first()
