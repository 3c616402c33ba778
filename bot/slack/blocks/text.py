"""Escaping user text for Slack mrkdwn, so it cannot mention @channel or break a message."""

from __future__ import annotations


def escape(text: str) -> str:
    """Slack's three control characters; `<!channel>` becomes harmless text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """Fit Slack's per-field limits without cutting silently mid-word where possible."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut) + "…"


def mention(user_id: str) -> str:
    """A user mention; someone who asked to be forgotten shows as "former member"."""
    if user_id.startswith("former-"):
        return "former member"
    return f"<@{user_id}>"
