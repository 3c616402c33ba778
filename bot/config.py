"""Settings read from the environment, validated once at start-up.

Entry points call `load_settings()`; nothing else reads `os.environ`. A missing or malformed
value raises `ConfigError` whose message is one line naming the variable and where to get it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlparse

DEFAULT_DATABASE_URL = "sqlite:///als.db"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"

# Where an operator finds each secret: the message of a ConfigError points there.
_WHERE = {
    "SLACK_BOT_TOKEN": "Slack app settings > OAuth & Permissions > Bot User OAuth Token (xoxb-...)",
    "SLACK_SIGNING_SECRET": "Slack app settings > Basic Information > App Credentials > Signing Secret",
    "SLACK_APP_TOKEN": "Slack app settings > Basic Information > App-Level Tokens, scope connections:write (xapp-...)",
}


class ConfigError(Exception):
    """A setting is missing or malformed; the message is safe to print as is."""


@dataclass(frozen=True)
class Settings:
    """Everything the bot reads from its environment."""

    bot_token: str | None
    signing_secret: str | None
    app_token: str | None
    database_url: str
    slack_api_url: str
    client_id: str | None = None
    client_secret: str | None = None
    log_format: str = "text"
    log_level: str = "INFO"
    refuse_public_channels: bool = False

    @property
    def oauth_enabled(self) -> bool:
        return bool(self.client_id and self.client_secret)

    def require_http(self) -> None:
        """HTTP mode needs a bot token (or OAuth) and the signing secret."""
        if not self.oauth_enabled:
            self._require("SLACK_BOT_TOKEN", self.bot_token)
        self._require("SLACK_SIGNING_SECRET", self.signing_secret)

    def require_socket(self) -> None:
        """Socket Mode needs the app-level token and the bot token."""
        self._require("SLACK_BOT_TOKEN", self.bot_token)
        self._require("SLACK_APP_TOKEN", self.app_token)

    def require_bot_token(self) -> None:
        if not self.oauth_enabled:
            self._require("SLACK_BOT_TOKEN", self.bot_token)

    @staticmethod
    def _require(name: str, value: str | None) -> None:
        if not value:
            raise ConfigError(f"{name} is not set: find it in {_WHERE[name]}, then put it in .env or the environment.")


def _get(env: Mapping[str, str], name: str) -> str | None:
    """An empty variable counts as unset (a blank line in .env must not switch modes)."""
    value = env.get(name, "").strip()
    return value or None


def normalise_database_url(url: str) -> str:
    """Accept Heroku's `postgres://` and plain `postgresql://`, and use psycopg 3 for both."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _check_prefix(name: str, value: str | None, prefix: str) -> None:
    if value is not None and not value.startswith(prefix):
        raise ConfigError(f"{name} must start with '{prefix}': find it in {_WHERE[name]}.")


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read and validate settings; raises ConfigError with a one-line, user-safe message."""
    env = os.environ if env is None else env
    bot_token = _get(env, "SLACK_BOT_TOKEN")
    app_token = _get(env, "SLACK_APP_TOKEN")
    _check_prefix("SLACK_BOT_TOKEN", bot_token, "xoxb-")
    _check_prefix("SLACK_APP_TOKEN", app_token, "xapp-")

    database_url = normalise_database_url(_get(env, "DATABASE_URL") or DEFAULT_DATABASE_URL)
    if "://" not in database_url:
        raise ConfigError(
            "DATABASE_URL is malformed: use a URL like sqlite:///als.db or postgresql://user@host:5432/db."
        )

    api_url = _get(env, "SLACK_API_URL") or DEFAULT_SLACK_API_URL
    if urlparse(api_url).scheme not in ("http", "https") or not urlparse(api_url).netloc:
        raise ConfigError("SLACK_API_URL is malformed: use the Web API base URL, e.g. https://slack.com/api/.")
    if not api_url.endswith("/"):
        api_url += "/"  # slack-sdk appends the method name directly

    log_format = (_get(env, "LOG_FORMAT") or "text").lower()
    if log_format not in ("text", "json"):
        raise ConfigError("LOG_FORMAT must be 'text' or 'json'.")
    refuse = (_get(env, "ALS_REFUSE_PUBLIC_CHANNELS") or "false").lower()
    if refuse not in ("true", "false", "1", "0", "yes", "no"):
        raise ConfigError("ALS_REFUSE_PUBLIC_CHANNELS must be true or false.")

    return Settings(
        bot_token=bot_token,
        signing_secret=_get(env, "SLACK_SIGNING_SECRET"),
        app_token=app_token,
        database_url=database_url,
        slack_api_url=api_url,
        client_id=_get(env, "SLACK_CLIENT_ID"),
        client_secret=_get(env, "SLACK_CLIENT_SECRET"),
        log_format=log_format,
        log_level=(_get(env, "LOG_LEVEL") or "INFO").upper(),
        refuse_public_channels=refuse in ("true", "1", "yes"),
    )
