"""Typed SQLAlchemy models, one module per aggregate. Importing this package registers them all."""

from bot.models.action import Action
from bot.models.base import Base, UTCDateTime
from bot.models.contribution import Contribution
from bot.models.delivery import OutboundPost, ProcessedEvent
from bot.models.learning_set import Invitation, LearningSet, Membership
from bot.models.presentation import Acknowledgement, Presentation, RoleAssignment, Round
from bot.models.reflection import Reflection
from bot.models.slack_user import SlackUser

__all__ = [
    "Acknowledgement",
    "Action",
    "Base",
    "Contribution",
    "Invitation",
    "LearningSet",
    "Membership",
    "OutboundPost",
    "Presentation",
    "ProcessedEvent",
    "Reflection",
    "RoleAssignment",
    "Round",
    "SlackUser",
    "UTCDateTime",
]
