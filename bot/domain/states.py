"""Lifecycle states stored in the database, as string enums shared by models and services."""

from enum import StrEnum


class SetStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"  # the bot lost access (removed, archived, uninstalled)


class MemberState(StrEnum):
    ACTIVE = "active"
    OBSERVER = "observer"  # in the channel, takes no roles (left the set, or the set was full)
    AWAY = "away"  # active member on leave until a date: no roles, prompts or nudges
    LEFT = "left"  # left the channel; kept for history


class PresentationStatus(StrEnum):
    QUEUED = "queued"  # waiting for a free slot in the set
    STARTING = "starting"  # its root message is being posted; roles and P0 follow the ts
    OPEN = "open"
    PAUSED = "paused"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    PARTLY = "partly"
    NOT_DONE = "not_done"
    CHANGED = "changed"
    LAPSED = "lapsed"  # not reported after one rollover
    DROPPED = "dropped"  # the owner withdrew it


class InvitationStatus(StrEnum):
    PENDING = "pending"
    PASSED = "passed"
    ACCEPTED = "accepted"
    EXPIRED = "expired"


class PostStatus(StrEnum):
    PENDING = "pending"  # recorded with the state change that needs it; not yet tried
    CLAIMED = "claimed"  # a scheduler took the work and is posting it
    POSTED = "posted"  # Slack answered ok and the ts is recorded
    FAILED = "failed"  # the last try failed; retried after next_attempt_at
    ABANDONED = "abandoned"  # a permanent error (channel gone); never retried


class PostKind(StrEnum):
    MESSAGE = "message"  # chat.postMessage into a channel (or a thread of it)
    EPHEMERAL = "ephemeral"  # chat.postEphemeral to one user in a channel
    DM = "dm"  # chat.postMessage into the user's DM, opened once and cached
