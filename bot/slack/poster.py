"""The one outbound Web API surface for queued posts: claim, post, record the ts.

Used by the tick and, right after an ack, by listeners that want their posts out at once.
Whoever runs first delivers; the other finds nothing to claim.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.orm import Session

from bot.db import session_scope
from bot.domain.states import PostKind, PostStatus
from bot.runtime import Runtime
from bot.services.after_post import run_after_post
from bot.services.outbox import (
    CLAIM_BATCH,
    POSTS_QUEUED,
    ClaimedPost,
    claim_batch,
    record_failure,
    record_posted,
    release_claim,
    release_claims,
)
from bot.services.set_health import LOST_CHANNEL_ERRORS, REASONS, pause_for_lost_channel
from bot.services.users import remember_dm_channel
from bot.slack.installations import WorkspaceNotInstalled
from bot.slack.messages import render, with_permalinks

logger = logging.getLogger(__name__)

# Errors that will not go away by retrying: give the post up (and log it) instead of looping.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "user_not_found",
        "user_not_in_channel",
        "user_disabled",
        "account_inactive",
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "token_expired",
        "missing_scope",
        "no_permission",
        "invalid_blocks",
        "invalid_blocks_format",
        "msg_too_long",
        "no_text",
        "restricted_action",
        "cannot_dm_bot",
        "messages_tab_disabled",
        "thread_not_found",
    }
)

WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"
MARKER_TYPE = "als_post"  # metadata event_type on every chat.postMessage, with the work key
MARKER_PAGES = 5  # of 200 messages: how far back a retry looks for its earlier attempt


class PacedOut(Exception):
    """The pacer would hold this call longer than the poster may wait (a request thread)."""


@dataclass
class DeliveryReport:
    posted: int = 0
    failed: int = 0
    abandoned: int = 0

    @property
    def handled(self) -> int:
        """Posts claimed and tried (posts given back untried are not counted)."""
        return self.posted + self.failed + self.abandoned

    def add(self, other: DeliveryReport) -> None:
        self.posted += other.posted
        self.failed += other.failed
        self.abandoned += other.abandoned


class Poster:
    def __init__(self, runtime: Runtime, *, max_pacing_wait: float | None = None) -> None:
        self._runtime = runtime
        # Request threads pass a bound: a post the limits hold back longer is left to the tick,
        # so listener threads (which every ack needs) never queue behind the pacer.
        self._max_pacing_wait = max_pacing_wait
        self._opened_dms: dict[tuple[str, str], str] = {}  # (team, user) -> DM channel opened by this poster
        self._posts_queued = 0  # by the poster's own transactions (see _transaction)

    def deliver_due(self, now: datetime, *, keys: Collection[str] | None = None, limit: int = 1000) -> DeliveryReport:
        """Deliver up to `limit` due posts (only those with `keys`, when given)."""
        report = DeliveryReport()
        taken = 0
        while taken < limit:
            # A batch per claim transaction: one commit for many posts, DM channel ids included.
            wanted = min(CLAIM_BATCH, limit - taken)
            with self._transaction() as session:
                batch = claim_batch(session, now=now, worker=WORKER_ID, keys=keys, limit=wanted)
            if not batch:
                break
            taken += len(batch)
            queued_before = self._posts_queued
            if not self._deliver_batch(batch, now, report):
                break  # paced out: the tick delivers the rest
            if len(batch) < wanted and self._posts_queued == queued_before:
                # Everything due at the claim was taken and the batch queued nothing of its own: no
                # second, empty claim transaction after each post. Listeners that queue a post
                # poke the deliverer themselves.
                break
        return report

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        """A unit of work of the poster's. Posts it queues (a root message's roles post, from its
        after-post hook; the "set paused" DM when a channel post is given up) are counted, so the
        pass claims again for them rather than leave them to the next tick."""
        with session_scope(self._runtime.session_factory) as session:
            yield session
            self._posts_queued += session.info.get(POSTS_QUEUED, 0)

    def _deliver_batch(self, batch: list[ClaimedPost], now: datetime, report: DeliveryReport) -> bool:
        """Deliver a claimed batch in order; False when paced out. The posts not tried are given back."""
        for index, post in enumerate(batch):
            try:
                delivered = self._deliver(post, now, report)
            except BaseException:
                # The post that raised may have reached Slack: it stays claimed (stale claim + marker
                # check, as after a crash). The ones after it were never tried.
                self._release_untried(batch[index + 1 :])
                raise
            if not delivered:
                self._release_untried(batch[index + 1 :])
                return False
        return True

    def _release_untried(self, posts: list[ClaimedPost]) -> None:
        if not posts:
            return
        try:
            with self._transaction() as session:
                release_claims(session, [post.id for post in posts])
        except Exception:  # best effort: left claimed, they go stale and are taken over later
            logger.exception("could not give back %s claimed post(s)", len(posts))

    def _deliver(self, post: ClaimedPost, now: datetime, report: DeliveryReport) -> bool:
        try:
            client = self._runtime.clients.for_team(post.team_id)
        except WorkspaceNotInstalled:  # uninstalled or revoked: retrying cannot help
            self._failed(post, "workspace_not_installed", permanent=True, now=now, report=report)
            return True
        try:
            ts, channel_id = self._posted_before(client, post) or self._send(client, post)
        except PacedOut:
            with self._transaction() as session:
                release_claim(session, post.id)
            return False
        except SlackApiError as error:
            code = str(error.response.get("error") or f"http_{error.response.status_code}")
            self._failed(post, code, permanent=code in PERMANENT_ERRORS, now=now, report=report)
            return True
        except (SlackClientError, OSError) as error:  # connection trouble left after the sdk's own retries
            # chat.postMessage is not re-sent on a lost connection (client.NoBlindRepostHandler): it
            # may have been posted, so this is "maybe posted" and the next attempt looks first.
            self._failed(post, type(error).__name__, permanent=False, now=now, report=report)
            return True
        with self._transaction() as session:
            record_posted(session, post.id, ts=ts, channel_id=channel_id)
            if post.after_post and post.subject_id is not None and ts:
                run_after_post(session, post.after_post, post.subject_id, ts, now)
        report.posted += 1
        return True

    def _failed(self, post: ClaimedPost, code: str, *, permanent: bool, now: datetime, report: DeliveryReport) -> None:
        with self._transaction() as session:
            status = record_failure(session, post.id, error=code, permanent=permanent, now=now)
        if status == PostStatus.ABANDONED:
            report.abandoned += 1
            logger.error("gave up post %s (%s) after %s tries: %s", post.work_key, post.team_id, post.attempts, code)
            if code in LOST_CHANNEL_ERRORS and post.kind != PostKind.DM and post.channel_id:
                with self._transaction() as session:
                    paused = pause_for_lost_channel(
                        session, team_id=post.team_id, channel_id=post.channel_id, reason=REASONS[code], now=now
                    )
                if paused is not None:
                    logger.warning("set %s paused: %s in %s", paused, code, post.channel_id)
        else:
            report.failed += 1
            logger.warning("post %s failed (%s), will retry: %s", post.work_key, post.team_id, code)

    def _posted_before(self, client: WebClient, post: ClaimedPost) -> tuple[str, str] | None:
        """On a retry or a stale claim, the earlier attempt may have reached Slack (a crash before
        the ts was recorded, or a lost answer): find its metadata marker rather than post twice.

        Ephemeral messages leave no history to search, so they are at-least-once.
        """
        if not (post.was_stale or post.attempts > 1) or post.kind == PostKind.EPHEMERAL:
            return None
        channel = self._dm_channel(client, post) if post.kind == PostKind.DM else post.channel_id
        if not channel:
            return None
        cursor = None
        for _ in range(MARKER_PAGES):
            self._pace(post.team_id, "conversations.replies" if post.thread_ts else "conversations.history")
            if post.thread_ts:
                page = client.conversations_replies(
                    channel=channel, ts=post.thread_ts, include_all_metadata=True, limit=200, cursor=cursor
                )
            else:
                page = client.conversations_history(channel=channel, include_all_metadata=True, limit=200, cursor=cursor)
            for message in page.get("messages") or []:
                metadata = message.get("metadata") or {}
                if metadata.get("event_type") == MARKER_TYPE and (metadata.get("event_payload") or {}).get("work_key") == post.work_key:
                    logger.info("post %s was delivered before (ts %s): recording it, not posting again", post.work_key, message.get("ts"))
                    return str(message["ts"]), channel
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None
        return None

    def _send(self, client: WebClient, post: ClaimedPost) -> tuple[str | None, str | None]:
        data = with_permalinks(client, post.data) if post.template else post.data
        text, blocks = render(post.template, data) if post.template else (post.text, post.blocks)
        if post.kind == PostKind.EPHEMERAL:
            self._pace(post.team_id, "chat.postEphemeral")
            response = client.chat_postEphemeral(
                channel=post.channel_id or "", user=post.user_id or "", text=text, blocks=blocks,
                thread_ts=post.thread_ts,
            )
            return response.get("message_ts"), post.channel_id
        channel = post.channel_id
        if post.kind == PostKind.DM:
            channel = self._dm_channel(client, post)
        self._pace(post.team_id, "chat.postMessage", channel)
        response = client.chat_postMessage(
            channel=channel or "", text=text, blocks=blocks, thread_ts=post.thread_ts,
            metadata={"event_type": MARKER_TYPE, "event_payload": {"work_key": post.work_key}},
        )
        return response.get("ts"), response.get("channel") or channel

    def _pace(self, team_id: str, method: str, channel: str | None = None) -> None:
        """Wait for the slot the limits allow rather than meet a 429 (or give the post back)."""
        if not self._runtime.pacer.wait(team_id, method, channel, max_delay=self._max_pacing_wait):
            raise PacedOut(method)

    def _dm_channel(self, client: WebClient, post: ClaimedPost) -> str:
        """The DM channel: cached (resolved at claim), opened earlier by this poster, or opened now."""
        key = (post.team_id, post.user_id or "")
        cached = post.dm_channel or self._opened_dms.get(key)
        if cached:
            return cached
        self._pace(post.team_id, "conversations.open")
        channel = str(client.conversations_open(users=key[1])["channel"]["id"])
        with self._transaction() as session:
            remember_dm_channel(session, team_id=post.team_id, user_id=key[1], channel_id=channel)
        self._opened_dms[key] = channel  # later posts of the same batch were claimed before this
        return channel
