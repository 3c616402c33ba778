"""The bot token scopes the app asks for: the manifests' `oauth_config.scopes.bot` and the OAuth
flow's install URL use the same list (a test keeps them, and the README's table, in step)."""

from __future__ import annotations

BOT_SCOPES: tuple[str, ...] = (
    "commands",
    "chat:write",
    "im:write",
    "im:history",
    "channels:history",
    "groups:history",
    "channels:read",
    "groups:read",
    "users:read",
    "reactions:read",
    "pins:write",
    "files:write",
)
