"""Settings: defaults, validation messages, Heroku URLs, empty variables."""

from __future__ import annotations

import pytest

from bot.config import DEFAULT_SLACK_API_URL, ConfigError, load_settings, normalise_database_url


def test_defaults() -> None:
    settings = load_settings({})
    assert settings.database_url == "sqlite:///als.db"
    assert settings.slack_api_url == DEFAULT_SLACK_API_URL
    assert not settings.oauth_enabled


def test_missing_bot_token_names_the_variable_and_where_to_get_it() -> None:
    with pytest.raises(ConfigError) as error:
        load_settings({"SLACK_SIGNING_SECRET": "s"}).require_http()
    message = str(error.value)
    assert "SLACK_BOT_TOKEN" in message and "OAuth & Permissions" in message and "\n" not in message


def test_missing_signing_secret() -> None:
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET"):
        load_settings({"SLACK_BOT_TOKEN": "xoxb-1"}).require_http()


def test_socket_mode_needs_app_token() -> None:
    with pytest.raises(ConfigError, match="SLACK_APP_TOKEN"):
        load_settings({"SLACK_BOT_TOKEN": "xoxb-1"}).require_socket()


def test_empty_variables_count_as_unset() -> None:
    settings = load_settings({"SLACK_BOT_TOKEN": "", "DATABASE_URL": "  ", "SLACK_CLIENT_ID": "", "SLACK_CLIENT_SECRET": ""})
    assert settings.bot_token is None
    assert settings.database_url == "sqlite:///als.db"
    assert not settings.oauth_enabled


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"SLACK_BOT_TOKEN": "xoxp-user-token"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_APP_TOKEN": "xoxb-wrong-kind"}, "SLACK_APP_TOKEN"),
        ({"DATABASE_URL": "als.db"}, "DATABASE_URL"),
        ({"SLACK_API_URL": "slack.com/api"}, "SLACK_API_URL"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
    ],
)
def test_malformed_values_are_named(env: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError, match=variable):
        load_settings(env)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@h:5432/db", "postgresql+psycopg://u:p@h:5432/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///als.db", "sqlite:///als.db"),
    ],
)
def test_heroku_style_database_urls(given: str, expected: str) -> None:
    assert normalise_database_url(given) == expected


def test_api_url_gets_a_trailing_slash() -> None:
    assert load_settings({"SLACK_API_URL": "https://slack-gov.com/api"}).slack_api_url == "https://slack-gov.com/api/"
