"""Multi-workspace distribution: Bolt's OAuth flow against the fake Slack, then two workspaces at once.

Each workspace installs through /slack/install -> Slack's consent page -> /slack/oauth_redirect
(oauth.v2.access), gets its own bot token (the fake issues `xoxb-<team id>`), and every Web API
call made for it, by listeners and by the poster, must carry that token.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qs, urlparse
from wsgiref.util import setup_testing_defaults

import pytest
from sqlalchemy import Engine, select

from bot.db import session_scope
from bot.domain.states import SetStatus
from bot.models import LearningSet
from bot.runtime import Runtime, build_runtime
from bot.slack.app import build_app
from bot.slack.ids import CallbackId
from bot.slack.installations import WorkspaceNotInstalled
from bot.slack.oauth import authorize_url
from bot.slack.scopes import BOT_SCOPES
from bot.wsgi import build_wsgi_app
from tests.conftest import make_settings
from tests.scenarios.test_sets import create_set, make_channel, setup_values
from tests.support.bot_driver import BotDriver, DrainableExecutor, ack_json
from tests.support.fake_slack import FakeSlack

TEAMS = {"TA": ("CA", ["UA1", "UA2", "UA3", "UA4"]), "TB": ("CB", ["UB1", "UB2", "UB3", "UB4"])}


class Distribution:
    """The OAuth-mode bot: its WSGI app (for the install flow) and one driver per workspace."""

    def __init__(self, runtime: Runtime, fake: FakeSlack) -> None:
        self.runtime, self.fake = runtime, fake
        self.executor = DrainableExecutor()
        self.app = build_app(runtime, listener_executor=self.executor)
        self.wsgi = build_wsgi_app(self.app, runtime.engine)

    def get(self, path: str, query: str = "", cookie: str | None = None) -> tuple[str, list[tuple[str, str]], bytes]:
        environ: dict[str, Any] = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query}
        if cookie:
            environ["HTTP_COOKIE"] = cookie
        setup_testing_defaults(environ)
        started: list[tuple[str, list[tuple[str, str]]]] = []
        body = b"".join(self.wsgi(environ, lambda status, headers, *_: started.append((status, headers))))  # type: ignore[arg-type]
        return started[0][0], started[0][1], body

    def install(self, team_id: str) -> bytes:
        """Click "Add to Slack", approve on Slack's page, follow the redirect back."""
        status, headers, _ = self.get("/slack/install")
        assert status.startswith("302"), status
        location = {name.lower(): value for name, value in headers}["location"]
        assert location.startswith(self.fake.url + "/oauth/v2/authorize?")  # SLACK_API_URL's host, not slack.com
        query = parse_qs(urlparse(location).query)
        assert query["client_id"] == [self.fake.oauth_client_id]
        assert query["scope"][0].split(",") == list(BOT_SCOPES)
        cookie = next(value for name, value in headers if name.lower() == "set-cookie").split(";")[0]

        code = f"code-{team_id}"
        self.fake.add_oauth_code(code, team_id=team_id, scope=",".join(BOT_SCOPES))
        status, _, body = self.get("/slack/oauth_redirect", f"code={code}&state={query['state'][0]}", cookie)
        assert status.startswith("200"), (status, body)
        return body

    def workspace(self, team_id: str) -> BotDriver:
        driver = BotDriver(self.app, self.runtime, self.executor, self.fake)
        driver.team_id = team_id
        return driver


@pytest.fixture
def distribution(fake_slack: FakeSlack, engine: Engine) -> Iterator[Distribution]:
    settings = make_settings(
        fake_slack, engine, bot_token=None,
        client_id=fake_slack.oauth_client_id, client_secret=fake_slack.oauth_client_secret,
    )
    dist = Distribution(build_runtime(settings, engine=engine), fake_slack)
    yield dist
    dist.executor.shutdown(wait=True)


def tokens_for_channel(fake: FakeSlack, channel: str) -> set[str | None]:
    return {call.token for call in fake.calls if call.params.get("channel") == channel}


def set_status(runtime: Runtime, team_id: str) -> str:
    with session_scope(runtime.session_factory) as session:
        return session.scalars(select(LearningSet.status).where(LearningSet.team_id == team_id)).one()


def test_two_workspaces_install_use_the_bot_at_once_and_one_uninstalls(distribution: Distribution) -> None:
    fake, runtime = distribution.fake, distribution.runtime
    assert runtime.oauth is not None
    for team in TEAMS:
        assert b"xoxb-" not in distribution.install(team)  # the success page never shows the token
    access = fake.calls_to("oauth.v2.access")
    assert len(access) == 2 and all(call.headers["authorization"].startswith("Basic ") for call in access)
    installed = runtime.oauth.installations.find_installation(enterprise_id=None, team_id="TA")
    assert installed is not None and installed.bot_token == "xoxb-TA" and installed.bot_user_id == fake.bot_user_id

    # Both workspaces set up a set at the same moment, each in its own channel.
    workspaces = {team: distribution.workspace(team) for team in TEAMS}

    def open_setup(team: str) -> None:
        channel, members = TEAMS[team]
        make_channel(workspaces[team], members, channel)
        workspaces[team].command("setup", user=members[0], channel=channel)

    def submit_setup(team: str) -> None:
        channel, members = TEAMS[team]
        view = next(call.param("view") for call in fake.calls_to("views.open") if call.token == f"xoxb-{team}")
        response = workspaces[team].submit(
            CallbackId.SETUP_MODAL, setup_values(f"Set of {team}"), user=members[0], private_metadata=view["private_metadata"]
        )
        assert response.status == 200 and not ack_json(response).get("errors")

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(open_setup, TEAMS))
        list(pool.map(submit_setup, TEAMS))
    for team, (channel, _) in TEAMS.items():
        # conversations.info, views.open's channel, the welcome post and its pin: all with this team's token.
        assert tokens_for_channel(fake, channel) == {f"xoxb-{team}"}, team
        assert any(call.method == "chat.postMessage" for call in fake.calls if call.params.get("channel") == channel)

    for team, (channel, members) in TEAMS.items():
        fake.reset_calls()
        workspace = workspaces[team]
        assert "/als setup" in ack_json(workspace.command("help", user=members[0], channel=channel))["text"]
        status = workspace.answer("status", user=members[0], channel=channel)["text"]
        assert f"Set of {team}" in status and f"<@{members[1]}>" in status
        assert {call.token for call in fake.calls_to("auth.test")} == {f"xoxb-{team}"}  # Bolt's authorize

    # Workspace A uninstalls: Slack revokes the token and sends both lifecycle events.
    fake.revoke_token("xoxb-TA")
    workspaces["TA"].event({"type": "tokens_revoked", "tokens": {"oauth": [], "bot": [fake.bot_user_id]}})
    workspaces["TA"].event({"type": "app_uninstalled"})
    store = runtime.oauth.installations
    assert store.find_installation(enterprise_id=None, team_id="TA") is None
    assert store.find_bot(enterprise_id=None, team_id="TA") is None
    assert set_status(runtime, "TA") == SetStatus.PAUSED
    with pytest.raises(WorkspaceNotInstalled):
        runtime.clients.for_team("TA")

    # Workspace B is untouched.
    assert store.find_bot(enterprise_id=None, team_id="TB") is not None
    assert set_status(runtime, "TB") == SetStatus.ACTIVE
    fake.reset_calls()
    channel, members = TEAMS["TB"]
    assert "Set of TB" in workspaces["TB"].answer("status", user=members[0], channel=channel)["text"]
    client = runtime.clients.for_team("TB")  # what the poster and the scheduler use
    assert client.token == "xoxb-TB" and client.base_url == fake.base_url  # SLACK_API_URL, not slack.com

    # Workspace A's people get Bolt's "please reinstall", not the bot.
    channel, members = TEAMS["TA"]
    response = workspaces["TA"].command("help", user=members[0], channel=channel)
    assert "/als setup" not in json.dumps(ack_json(response))
    assert "reinstall" in workspaces["TA"].responses_for(members[0])[-1]["text"]


def test_a_revoked_bot_token_forgets_the_installation_and_pauses_the_sets(distribution: Distribution) -> None:
    distribution.install("TA")
    channel, members = TEAMS["TA"]
    workspace = distribution.workspace("TA")
    create_set(workspace, members, channel)
    workspace.event({"type": "tokens_revoked", "tokens": {"oauth": ["UINSTALLER"], "bot": [distribution.fake.bot_user_id]}})
    assert distribution.runtime.oauth is not None
    assert distribution.runtime.oauth.installations.find_installation(enterprise_id=None, team_id="TA") is None
    assert set_status(distribution.runtime, "TA") == SetStatus.PAUSED


def test_single_workspace_mode_pauses_sets_on_uninstall(bot: BotDriver) -> None:
    create_set(bot, ["U1", "U2", "U3", "U4"], "C0ONE")
    assert bot.runtime.oauth is None
    bot.event({"type": "app_uninstalled"})
    assert set_status(bot.runtime, bot.team_id) == SetStatus.PAUSED


def test_the_authorize_url_follows_slack_api_url() -> None:
    assert authorize_url("https://slack.com/api/") == "https://slack.com/oauth/v2/authorize"
    assert authorize_url("https://slack-gov.com/api/") == "https://slack-gov.com/oauth/v2/authorize"
