"""Errors whose message is written for the Slack user who caused them."""


class UserFacingError(Exception):
    """Raised by services and listeners; the message is shown to the user as is (ephemeral)."""
