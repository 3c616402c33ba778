"""Both app manifests against the manifest rules we can check offline.

Rules from Slack's manifest schema (slackapi/manifest-schema, manifest.schema.1.0.0.json: unknown
keys are rejected) and its field docs: required keys, lengths, the command pattern, https URLs,
list sizes. On top: the two manifests differ only in the mode fields, the scopes are the ones
the OAuth flow asks for (and the README justifies), and every event we listen to is subscribed.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from bot.domain.commands import USAGE
from bot.slack.oauth import REDIRECT_PATH
from bot.slack.scopes import BOT_SCOPES
from bot.wsgi import SLACK_EVENTS_PATH

REPO = Path(__file__).resolve().parents[2]
SOCKET = "slack-manifest.json"
HTTP = "slack-manifest.http.json"

# The keys the schema allows at each level (additionalProperties: false).
ALLOWED = {
    "": {"_metadata", "display_information", "features", "oauth_config", "settings", "outgoing_domains"},
    "_metadata": {"major_version", "minor_version"},
    "display_information": {"name", "description", "long_description", "background_color"},
    "features": {"app_home", "bot_user", "shortcuts", "slash_commands", "unfurl_domains", "workflow_steps"},
    "features.app_home": {"home_tab_enabled", "messages_tab_enabled", "messages_tab_read_only_enabled"},
    "features.bot_user": {"display_name", "always_online"},
    "features.slash_commands[]": {"command", "description", "url", "usage_hint", "should_escape"},
    "oauth_config": {"scopes", "redirect_urls", "token_management_enabled"},
    "oauth_config.scopes": {"bot", "user"},
    "settings": {"allowed_ip_address_ranges", "event_subscriptions", "interactivity", "org_deploy_enabled",
                 "socket_mode_enabled", "token_rotation_enabled", "is_hosted", "function_runtime"},
    "settings.event_subscriptions": {"request_url", "bot_events", "user_events", "metadata_subscriptions"},
    "settings.interactivity": {"is_enabled", "request_url", "message_menu_options_url"},
}

# The scope(s) a bot event needs (docs.slack.dev/reference/events/<event>); none for lifecycle events.
EVENT_SCOPES: dict[str, set[str]] = {
    "app_home_opened": set(),
    "app_uninstalled": set(),
    "tokens_revoked": set(),
    "message.im": {"im:history"},
    "message.channels": {"channels:history"},
    "message.groups": {"groups:history"},
    "member_joined_channel": {"channels:read", "groups:read"},
    "member_left_channel": {"channels:read", "groups:read"},
    "channel_left": {"channels:read"},
    "reaction_added": {"reactions:read"},
    "user_change": {"users:read"},
}


def load(name: str) -> dict[str, Any]:
    return dict(json.loads((REPO / name).read_text(encoding="utf-8")))


def check_keys(value: dict[str, Any], path: str) -> None:
    assert set(value) <= ALLOWED[path], f"{path or 'top level'}: unknown keys {set(value) - ALLOWED[path]}"


def check_https(url: str) -> None:
    assert re.fullmatch(r"https://[^\s/]+/\S*", url), url


@pytest.mark.parametrize("name", [SOCKET, HTTP])
def test_manifest_follows_the_schema(name: str) -> None:
    manifest = load(name)
    check_keys(manifest, "")
    for key in ("_metadata", "display_information", "features", "oauth_config", "settings"):
        if key in manifest:
            check_keys(manifest[key], key)
    assert manifest["_metadata"]["major_version"] in (1, 2)

    info = manifest["display_information"]  # the one required section
    assert 1 <= len(info["name"]) <= 35 and 1 <= len(info.get("description", "x")) <= 140
    assert 175 <= len(info.get("long_description", "x" * 175)) <= 4000
    assert re.fullmatch(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})", info.get("background_color", "#000"))

    features = manifest["features"]
    check_keys(features["bot_user"], "features.bot_user")
    check_keys(features["app_home"], "features.app_home")
    assert 1 <= len(features["bot_user"]["display_name"]) <= 80
    assert all(isinstance(v, bool) for v in features["app_home"].values())
    assert features["app_home"]["home_tab_enabled"] and features["app_home"]["messages_tab_enabled"]
    assert not features["app_home"]["messages_tab_read_only_enabled"]  # members reply to the weekly DM
    assert 1 <= len(features["slash_commands"]) <= 50
    for command in features["slash_commands"]:
        check_keys(command, "features.slash_commands[]")
        assert re.fullmatch(r"/[^\s/]{1,31}", command["command"])
        assert 1 <= len(command["description"]) <= 2000 and 1 <= len(command.get("usage_hint", "x")) <= 1000
        assert isinstance(command.get("should_escape", False), bool)

    scopes = manifest["oauth_config"]["scopes"]
    check_keys(scopes, "oauth_config.scopes")
    assert len(scopes["bot"]) <= 255 and all(len(s) <= 50 for s in scopes["bot"])
    assert len(set(scopes["bot"])) == len(scopes["bot"])

    settings = manifest["settings"]
    check_keys(settings["event_subscriptions"], "settings.event_subscriptions")
    check_keys(settings["interactivity"], "settings.interactivity")
    events = settings["event_subscriptions"]["bot_events"]
    assert len(events) <= 100 and len(set(events)) == len(events)
    assert settings["interactivity"]["is_enabled"] is True
    assert all(isinstance(settings[k], bool) for k in ("org_deploy_enabled", "socket_mode_enabled", "token_rotation_enabled"))


def test_socket_mode_manifest_has_no_request_urls() -> None:
    manifest = load(SOCKET)
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert all("url" not in command for command in manifest["features"]["slash_commands"])
    assert "request_url" not in manifest["settings"]["event_subscriptions"]
    assert "request_url" not in manifest["settings"]["interactivity"]
    assert "redirect_urls" not in manifest["oauth_config"]  # the OAuth redirect needs HTTP mode


def test_http_manifest_points_every_surface_at_our_paths() -> None:
    manifest = load(HTTP)
    assert manifest["settings"]["socket_mode_enabled"] is False
    urls = [command["url"] for command in manifest["features"]["slash_commands"]]
    urls += [manifest["settings"]["event_subscriptions"]["request_url"], manifest["settings"]["interactivity"]["request_url"]]
    for url in urls:
        check_https(url)
        assert url.endswith(SLACK_EVENTS_PATH)
    for url in manifest["oauth_config"]["redirect_urls"]:
        check_https(url)
        assert url.endswith(REDIRECT_PATH)


def test_the_two_manifests_differ_only_in_the_mode_fields() -> None:
    def without_mode(manifest: dict[str, Any]) -> dict[str, Any]:
        manifest = copy.deepcopy(manifest)
        for command in manifest["features"]["slash_commands"]:
            command.pop("url", None)
        manifest["oauth_config"].pop("redirect_urls", None)
        manifest["settings"]["event_subscriptions"].pop("request_url", None)
        manifest["settings"]["interactivity"].pop("request_url", None)
        manifest["settings"].pop("socket_mode_enabled")
        return manifest

    assert without_mode(load(SOCKET)) == without_mode(load(HTTP))


def test_scopes_are_the_oauth_flows_and_every_event_has_its_scope() -> None:
    manifest = load(SOCKET)
    bot_scopes = manifest["oauth_config"]["scopes"]["bot"]
    assert tuple(bot_scopes) == BOT_SCOPES
    for event in manifest["settings"]["event_subscriptions"]["bot_events"]:
        assert event in EVENT_SCOPES, f"{event}: add the scope it needs to EVENT_SCOPES"
        needed = EVENT_SCOPES[event]
        assert not needed or needed & set(bot_scopes), f"{event} needs one of {needed}"


def test_every_event_the_bot_listens_to_is_subscribed() -> None:
    subscribed = set(load(SOCKET)["settings"]["event_subscriptions"]["bot_events"])
    listened = set()
    for module in (REPO / "bot" / "slack" / "listeners").glob("*.py"):
        listened |= set(re.findall(r"""@app\.event\(\s*["']([a-z_.]+)["']""", module.read_text(encoding="utf-8")))
    assert listened, "no @app.event listeners found: has the pattern changed?"
    for event in listened:
        if event == "message":
            assert subscribed & {"message.im", "message.channels", "message.groups"}
        else:
            assert event in subscribed, f"the bot listens to {event} but the manifest does not subscribe to it"


def test_usage_hint_names_every_subcommand() -> None:
    hint = load(SOCKET)["features"]["slash_commands"][0]["usage_hint"]
    for name in USAGE:
        assert re.search(rf"(^|\| ){name}\b", hint), f"/als {name} is missing from the usage hint"


def test_readme_justifies_exactly_the_requested_scopes() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Scopes and why the bot needs each", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    justified = {scope for row in rows for scope in re.findall(r"`([a-z.:]+:[a-z.]+|commands)`", row.split("|")[1])}
    assert justified == set(BOT_SCOPES)
