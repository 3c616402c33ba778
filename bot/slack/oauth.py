"""Bolt's OAuth flow settings for multi-workspace distribution (`/slack/install`, `/slack/oauth_redirect`)."""

from __future__ import annotations

from urllib.parse import urljoin

from slack_bolt.oauth.oauth_settings import OAuthSettings

from bot.config import Settings
from bot.slack.installations import OAuthStores
from bot.slack.scopes import BOT_SCOPES

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"


def authorize_url(slack_api_url: str) -> str:
    """Slack's authorize page next to the Web API: https://slack.com/api/ -> https://slack.com/oauth/v2/authorize.

    So GovSlack (slack-gov.com) and the test fake get their own, like every Web API call.
    """
    return urljoin(slack_api_url, "../oauth/v2/authorize")


def oauth_settings(settings: Settings, stores: OAuthStores) -> OAuthSettings:
    """Install straight to Slack's consent page (no intermediate page), bot scopes only."""
    return OAuthSettings(
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        installation_store=stores.installations,
        state_store=stores.states,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        install_page_rendering_enabled=False,
        authorization_url=authorize_url(settings.slack_api_url),
    )
