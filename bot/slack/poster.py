"""The one outbound Web API surface for queued posts: claim, post, record the ts.

Used by the tick and, right after an ack, by listeners that want their posts out at once.
Whoever runs first delivers; the other finds nothing to claim.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.db import session_scope
from bot.domain.states import PostKind, PostStatus
from bot.runtime import Runtime
from bot.services.after_post import run_after_post
from bot.services.outbox import ClaimedPost, claim_next, record_failure, record_posted
from bot.services.users import cached_dm_channel, remember_dm_channel
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


@dataclass
class DeliveryReport:
    posted: int = 0
    failed: int = 0
    abandoned: int = 0


class Poster:
    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime

    def deliver_due(self, now: datetime, *, keys: Collection[str] | None = None, limit: int = 1000) -> DeliveryReport:
        """Deliver up to `limit` due posts (only those with `keys`, when given)."""
        report = DeliveryReport()
        for _ in range(limit):
            with session_scope(self._runtime.session_factory) as session:
                post = claim_next(session, now=now, worker=WORKER_ID, keys=keys)
            if post is None:
                break
            self._deliver(post, now, report)
        return report

    def _deliver(self, post: ClaimedPost, now: datetime, report: DeliveryReport) -> None:
        client = self._runtime.clients.for_team(post.team_id)
        try:
            ts, channel_id = self._send(client, post)
        except SlackApiError as error:
            code = str(error.response.get("error") or f"http_{error.response.status_code}")
            self._failed(post, code, permanent=code in PERMANENT_ERRORS, now=now, report=report)
            return
        except (SlackClientError, OSError) as error:  # connection trouble left after the sdk's own retries
            self._failed(post, type(error).__name__, permanent=False, now=now, report=report)
            return
        with session_scope(self._runtime.session_factory) as session:
            record_posted(session, post.id, ts=ts, channel_id=channel_id)
            if post.after_post and post.subject_id is not None and ts:
                run_after_post(session, post.after_post, post.subject_id, ts, now)
        report.posted += 1

    def _failed(self, post: ClaimedPost, code: str, *, permanent: bool, now: datetime, report: DeliveryReport) -> None:
        with session_scope(self._runtime.session_factory) as session:
            status = record_failure(session, post.id, error=code, permanent=permanent, now=now)
        if status == PostStatus.ABANDONED:
            report.abandoned += 1
            logger.error("gave up post %s (%s) after %s tries: %s", post.work_key, post.team_id, post.attempts, code)
        else:
            report.failed += 1
            logger.warning("post %s failed (%s), will retry: %s", post.work_key, post.team_id, code)

    def _send(self, client: WebClient, post: ClaimedPost) -> tuple[str | None, str | None]:
        data = with_permalinks(client, post.data) if post.template else post.data
        text, blocks = render(post.template, data) if post.template else (post.text, post.blocks)
        if post.kind == PostKind.EPHEMERAL:
            response = client.chat_postEphemeral(
                channel=post.channel_id or "", user=post.user_id or "", text=text, blocks=blocks,
                thread_ts=post.thread_ts,
            )
            return response.get("message_ts"), post.channel_id
        channel = post.channel_id
        if post.kind == PostKind.DM:
            channel = self._dm_channel(client, post)
        response = client.chat_postMessage(
            channel=channel or "", text=text, blocks=blocks, thread_ts=post.thread_ts,
            metadata={"event_type": "als_post", "event_payload": {"work_key": post.work_key}},
        )
        return response.get("ts"), response.get("channel") or channel

    def _dm_channel(self, client: WebClient, post: ClaimedPost) -> str:
        user_id = post.user_id or ""
        with session_scope(self._runtime.session_factory) as session:
            cached = cached_dm_channel(session, team_id=post.team_id, user_id=user_id)
        if cached:
            return cached
        channel = str(client.conversations_open(users=user_id)["channel"]["id"])
        with session_scope(self._runtime.session_factory) as session:
            remember_dm_channel(session, team_id=post.team_id, user_id=user_id, channel_id=channel)
        return channel
