"""Web API clients: slack-sdk's WebClient with retries, pointed at SLACK_API_URL."""

from __future__ import annotations

from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

WEB_API_TIMEOUT_SECONDS = 10


class NoBlindRepostHandler(ConnectionErrorRetryHandler):
    """Retries connection errors, except on chat.postMessage: when the connection drops after the
    request went out, Slack may have posted the message, and a blind re-send would post it twice.
    The error reaches the poster instead, which looks for the post's metadata marker first."""

    def _can_retry(self, *, request: Any, **kwargs: Any) -> bool:
        return not request.url.endswith("/chat.postMessage") and super()._can_retry(request=request, **kwargs)


def make_web_client(token: str | None, base_url: str) -> WebClient:
    """A client that honours Retry-After on 429 and retries connection and 5xx errors."""
    return WebClient(
        token=token,
        base_url=base_url,
        timeout=WEB_API_TIMEOUT_SECONDS,
        retry_handlers=[
            NoBlindRepostHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


class ClientProvider(Protocol):
    """Gives the Web API client for a workspace (one token per installation)."""

    def for_team(self, team_id: str, enterprise_id: str | None = None) -> WebClient: ...


class SingleWorkspaceClients:
    """Single-workspace mode: every team uses the one SLACK_BOT_TOKEN client."""

    def __init__(self, client: WebClient) -> None:
        self._client = client

    def for_team(self, team_id: str, enterprise_id: str | None = None) -> WebClient:
        return self._client
