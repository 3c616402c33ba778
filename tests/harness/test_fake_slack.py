"""Tests of FakeSlack, driven through a real slack_sdk.WebClient over HTTP."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import time_machine
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from tests.support.fake_slack import FakeSlack, SlackCall, check_call, load_spec
from tests.support.slack_requests import load_fixture

REPO = Path(__file__).resolve().parents[2]
REFERENCE_SPEC = Path("/work/shared/slack/web_api_openapi.json")  # not on CI; drift test skips
TS_RE = re.compile(r"^\d{10}\.\d{6}$")
MODAL = {"type": "modal", "title": {"type": "plain_text", "text": "ALS"}, "blocks": []}


@pytest.fixture(autouse=True)
def _quiet_text_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    # slack-sdk warns on blocks without text; some tests post blocks only on purpose.
    monkeypatch.setenv("SKIP_SLACK_SDK_WARNING", "1")


@pytest.fixture
def client(fake_slack: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake_slack.base_url)


def error_of(call: Any) -> str:
    """Run a client call expected to fail; return Slack's error code."""
    with pytest.raises(SlackApiError) as info:
        call()
    return info.value.response["error"]


def ts_tuple(ts: str) -> tuple[int, int]:
    seconds, fraction = ts.split(".")
    return int(seconds), int(fraction)


# ----------------------------------------------------------------------------- basics


def test_base_url_is_what_slack_sdk_expects(fake_slack: FakeSlack) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/api/", fake_slack.base_url)


def test_auth_test_matches_documented_shape(client: WebClient, fake_slack: FakeSlack) -> None:
    response = client.auth_test()
    assert set(load_fixture("webapi_auth_test_bot_ok")) <= set(response.data)
    assert (response["team_id"], response["user_id"], response["bot_id"]) == ("T0001", "UBOT", "BBOT")
    call = fake_slack.last("auth.test")
    assert call.token == "xoxb-test"
    assert call.headers["authorization"] == "Bearer xoxb-test"


def test_identity_is_configurable() -> None:
    with FakeSlack(team_id="T9", bot_user_id="U9", bot_id="B9") as fake:
        data = WebClient(token="xoxb-x", base_url=fake.base_url).auth_test().data
    assert (data["team_id"], data["user_id"], data["bot_id"]) == ("T9", "U9", "B9")


def test_token_as_form_param_is_accepted(fake_slack: FakeSlack) -> None:
    # Bolt calls auth_test(token=...), which sends the token in the body as well.
    WebClient(base_url=fake_slack.base_url).auth_test(token="xoxb-param")
    call = fake_slack.last("auth.test")
    assert call.token == "xoxb-param" and "token" not in call.params


def test_team_info(client: WebClient) -> None:
    team = client.team_info()["team"]
    assert team["id"] == "T0001" and team["domain"]


# ----------------------------------------------------------------------------- messages


def test_post_message_shape_and_increasing_ts(client: WebClient, fake_slack: FakeSlack) -> None:
    fake_slack.add_channel("C1", members=["U1"])
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*hi*"}}]
    first = client.chat_postMessage(channel="C1", text="hi", blocks=blocks)
    assert set(load_fixture("webapi_chat_postMessage_ok")) <= set(first.data)
    assert first["channel"] == "C1" and TS_RE.match(first["ts"])
    message = first["message"]
    assert (message["text"], message["blocks"], message["bot_id"], message["user"]) == ("hi", blocks, "BBOT", "UBOT")
    stamps = [client.chat_postMessage(channel="C1", text=str(i))["ts"] for i in range(5)]
    assert [first["ts"], *stamps] == sorted({first["ts"], *stamps}, key=ts_tuple)
    assert first["ts"] == "1700000000.000100"
    reply = client.chat_postMessage(channel="C1", text="in thread", thread_ts=first["ts"])
    assert reply["message"]["thread_ts"] == first["ts"]
    assert [m["text"] for m in fake_slack.messages("C1")][:2] == ["hi", "0"]


def test_post_to_user_id_lands_in_dm(client: WebClient, fake_slack: FakeSlack) -> None:
    fake_slack.add_user("U1")
    assert client.chat_postMessage(channel="U1", text="hello")["channel"] == "DU1"
    assert fake_slack.messages("DU1")[0]["text"] == "hello"


def test_post_message_channel_errors(client: WebClient, fake_slack: FakeSlack) -> None:
    fake_slack.add_channel("C1", bot_is_member=False, is_private=False)
    fake_slack.add_channel("C2", is_archived=True)
    fake_slack.add_channel("G1", bot_is_member=False)
    assert error_of(lambda: client.chat_postMessage(channel="C1", text="x")) == "not_in_channel"
    assert error_of(lambda: client.chat_postMessage(channel="C2", text="x")) == "is_archived"
    assert error_of(lambda: client.chat_postMessage(channel="G1", text="x")) == "channel_not_found"
    assert error_of(lambda: client.chat_postMessage(channel="C404", text="x")) == "channel_not_found"


def test_post_ephemeral(client: WebClient, fake_slack: FakeSlack) -> None:
    fake_slack.add_channel("C1", members=["U1"])
    response = client.chat_postEphemeral(channel="C1", user="U1", text="psst")
    assert set(load_fixture("webapi_chat_postEphemeral_ok")) == set(response.data)
    assert TS_RE.match(response["message_ts"])
    error = error_of(lambda: client.chat_postEphemeral(channel="C1", user="U2", text="psst"))
    assert error == load_fixture("webapi_chat_postEphemeral_error")["error"]


def test_update_delete_permalink(client: WebClient, fake_slack: FakeSlack) -> None:
    fake_slack.add_channel("C1")
    ts = client.chat_postMessage(channel="C1", text="v1")["ts"]
    updated = client.chat_update(channel="C1", ts=ts, text="v2")
    assert (updated["channel"], updated["ts"], updated["text"], updated["message"]["text"]) == ("C1", ts, "v2", "v2")
    assert fake_slack.messages("C1")[0]["text"] == "v2"
    link = client.chat_getPermalink(channel="C1", message_ts=ts)["permalink"]
    assert link == f"https://als-test.slack.com/archives/C1/p{ts.replace('.', '')}"
    assert client.chat_delete(channel="C1", ts=ts)["ts"] == ts
    assert fake_slack.messages("C1") == []
    assert error_of(lambda: client.chat_update(channel="C1", ts=ts, text="v3")) == "message_not_found"
    human = fake_slack.add_message("C1", user="U1", text="mine")
    assert error_of(lambda: client.chat_update(channel="C1", ts=human, text="x")) == "cant_update_message"


def test_replies_and_history(client: WebClient, fake_slack: FakeSlack) -> None:
    fake_slack.add_channel("C1", members=["U1", "U2"])
    parent = client.chat_postMessage(channel="C1", text="weekly prompt")["ts"]
    other = client.chat_postMessage(channel="C1", text="another top-level")["ts"]
    fake_slack.add_message("C1", user="U1", text="reply 1", thread_ts=parent)
    client.chat_postMessage(channel="C1", text="bot reply", thread_ts=parent)
    fake_slack.add_message("C1", user="U2", text="reply 2", thread_ts=parent)

    replies = client.conversations_replies(channel="C1", ts=parent)
    texts = [m["text"] for m in replies["messages"]]
    assert texts == ["weekly prompt", "reply 1", "bot reply", "reply 2"]
    head = replies["messages"][0]
    assert head["reply_count"] == 3 and head["reply_users"] == ["U1", "U2", "UBOT"]
    assert all(m["parent_user_id"] == "UBOT" for m in replies["messages"][1:])
    assert set(load_fixture("webapi_conversations_replies_ok")) <= set(replies.data)

    # Iterating a SlackResponse follows next_cursor but mutates the same object: copy each page.
    pages = [dict(p.data) for p in client.conversations_replies(channel="C1", ts=parent, limit=3)]
    assert [len(p["messages"]) for p in pages] == [3, 1] and pages[0]["has_more"] is True

    history = client.conversations_history(channel="C1")["messages"]
    assert [m["ts"] for m in history] == [other, parent]  # newest first, no thread replies
    oldest = client.conversations_history(channel="C1", oldest=parent)["messages"]
    assert [m["ts"] for m in oldest] == [other]
    assert error_of(lambda: client.conversations_replies(channel="C1", ts="1.000001")) == "thread_not_found"


# ----------------------------------------------------------------------------- conversations + users


def test_conversations_open_is_stable_and_counted(client: WebClient, fake_slack: FakeSlack) -> None:
    fake_slack.add_user("U1")
    first = client.conversations_open(users="U1")
    assert first.data == {"ok": True, "channel": {"id": "DU1"}}
    full = client.conversations_open(users="U1", return_im=True)
    assert set(load_fixture("webapi_conversations_open_return_im_ok")["channel"]) <= set(full["channel"])
    assert full["already_open"] is True and full["channel"]["user"] == "U1"
    assert fake_slack.dm_open_count("U1") == 2 and fake_slack.dm_channel_id("U1") == "DU1"
    assert error_of(lambda: client.conversations_open(users="U404")) == "user_not_found"
    fake_slack.add_user("U2", deleted=True)
    assert error_of(lambda: client.conversations_open(users="U2")) == "user_disabled"


def test_conversations_members_paginates(client: WebClient, fake_slack: FakeSlack) -> None:
    humans = [f"U{i}" for i in range(5)]
    fake_slack.add_channel("C1", members=humans)
    # slack-sdk follows next_cursor when iterating (same SlackResponse object, so copy each page).
    pages = [dict(p.data) for p in client.conversations_members(channel="C1", limit=2)]
    assert [p["members"] for p in pages] == [["U0", "U1"], ["U2", "U3"], ["U4", "UBOT"]]
    assert pages[-1]["response_metadata"]["next_cursor"] == ""
    assert [c.params.get("limit") for c in fake_slack.calls_to("conversations.members")] == ["2"] * 3
    assert "cursor" not in fake_slack.calls_to("conversations.members")[0].params
    assert set(load_fixture("webapi_conversations_members_ok")) <= set(pages[0])
    error = error_of(lambda: client.conversations_members(channel="C1", cursor="not-a-cursor"))
    assert error == "invalid_cursor"


def test_membership_mutators(client: WebClient, fake_slack: FakeSlack) -> None:
    fake_slack.add_channel("C1", members=["U1"])
    fake_slack.add_member("C1", "U2")
    fake_slack.remove_member("C1", "U1")
    fake_slack.remove_member("C1", "UBOT")
    fake_slack.set_channel("C1", is_private=False)
    assert client.conversations_members(channel="C1")["members"] == ["U2"]
    fake_slack.set_channel("C1", is_private=True)
    assert error_of(lambda: client.conversations_members(channel="C1")) == "channel_not_found"


def test_conversations_info(client: WebClient, fake_slack: FakeSlack) -> None:
    fake_slack.add_channel("C1", name="als-set-1", is_ext_shared=True, members=["U1"])
    info = client.conversations_info(channel="C1", include_num_members=True)["channel"]
    assert info["id"] == "C1" and info["name"] == "als-set-1"
    assert (info["is_private"], info["is_ext_shared"], info["is_archived"], info["is_member"], info["is_im"]) == (
        True,
        True,
        False,
        True,
        False,
    )
    assert info["num_members"] == 2
    fake_slack.set_channel("C1", is_archived=True)
    assert client.conversations_info(channel="C1")["channel"]["is_archived"] is True
    fake_slack.add_user("U1")
    assert client.conversations_info(channel="DU1")["channel"]["is_im"] is True


@pytest.mark.parametrize(
    ("when", "offset", "label"),
    [
        (datetime(2024, 1, 15, 12, tzinfo=timezone.utc), 0, "Greenwich Mean Time"),
        (datetime(2024, 7, 15, 12, tzinfo=timezone.utc), 3600, "British Summer Time"),
    ],
)
def test_users_info_tz_follows_the_clock(
    client: WebClient, fake_slack: FakeSlack, when: datetime, offset: int, label: str
) -> None:
    fake_slack.add_user("U1", name="egon")
    with time_machine.travel(when, tick=False):
        user = client.users_info(user="U1")["user"]
    assert (user["tz"], user["tz_offset"], user["tz_label"]) == ("Europe/London", offset, label)
    documented = set(load_fixture("webapi_users_info_ok")["user"])
    wanted = {"id", "name", "real_name", "tz", "tz_label", "tz_offset", "is_bot", "deleted", "is_app_user"}
    assert wanted <= documented and wanted <= set(user)


def test_users_info_flags_and_unknown(client: WebClient, fake_slack: FakeSlack) -> None:
    fake_slack.add_user("U1", tz="Asia/Kolkata")
    fake_slack.set_user("U1", deleted=True)
    user = client.users_info(user="U1")["user"]
    assert user["deleted"] is True and user["tz_offset"] == 19800
    assert client.users_info(user="UBOT")["user"]["is_bot"] is True
    assert error_of(lambda: client.users_info(user="U404")) == "user_not_found"


# ----------------------------------------------------------------------------- views, reactions, pins


def test_views(client: WebClient, fake_slack: FakeSlack) -> None:
    opened = client.views_open(trigger_id="1.2.abc", view=MODAL)["view"]
    assert opened["id"].startswith("V") and opened["title"] == MODAL["title"]
    assert set(load_fixture("view_submission")["view"]) - {"state"} <= set(opened) | {"state"}
    assert error_of(lambda: client.views_open(trigger_id="1.2.abc", view=MODAL)) == "exchanged_trigger_id"
    pushed = client.views_push(trigger_id="3.4.def", view=MODAL)["view"]
    assert pushed["id"] != opened["id"]
    changed = dict(MODAL, blocks=[{"type": "divider"}])
    updated = client.views_update(view_id=opened["id"], view=changed)["view"]
    assert updated["id"] == opened["id"] and updated["blocks"] == [{"type": "divider"}]
    assert error_of(lambda: client.views_update(view_id=opened["id"], view=MODAL, hash="stale")) == "hash_conflict"
    home = {"type": "home", "blocks": [{"type": "divider"}]}
    first = client.views_publish(user_id="U1", view=home)["view"]
    second = client.views_publish(user_id="U1", view=home)["view"]
    assert first["id"] == second["id"] and fake_slack.home_view("U1")["type"] == "home"


def test_reactions_and_pins(client: WebClient, fake_slack: FakeSlack) -> None:
    fake_slack.add_channel("C1")
    ts = client.chat_postMessage(channel="C1", text="x")["ts"]
    assert client.reactions_add(channel="C1", timestamp=ts, name="eyes")["ok"] is True
    assert error_of(lambda: client.reactions_add(channel="C1", timestamp=ts, name="eyes")) == "already_reacted"
    assert client.pins_add(channel="C1", timestamp=ts)["ok"] is True
    assert fake_slack.reactions == {("C1", ts, "eyes")} and fake_slack.pins == {("C1", ts)}


# ----------------------------------------------------------------------------- files, socket mode, oauth


def test_files_upload_v2_round_trip(client: WebClient, fake_slack: FakeSlack) -> None:
    fake_slack.add_channel("C1")
    response = client.files_upload_v2(channel="C1", content=b"csv,data\n", filename="report.csv", title="Report")
    file_id = response["file"]["id"]
    assert fake_slack.uploads[file_id] == b"csv,data\n"
    assert response["file"]["title"] == "Report"
    upload_url = fake_slack.last("files.getUploadURLExternal")
    assert upload_url.params == {"filename": "report.csv", "length": "9"}


def test_apps_connections_open_needs_app_token(fake_slack: FakeSlack) -> None:
    url = WebClient(token="xapp-1-test", base_url=fake_slack.base_url).apps_connections_open(app_token="xapp-1-test")
    assert url["url"].startswith("ws://127.0.0.1:")  # the fake's Socket Mode endpoint (its own port)
    assert set(load_fixture("webapi_apps_connections_open_ok")) == set(url.data)
    bot = WebClient(token="xoxb-test", base_url=fake_slack.base_url)
    assert error_of(lambda: bot.apps_connections_open(app_token="xoxb-test")) == "not_allowed_token_type"


def test_oauth_v2_access(fake_slack: FakeSlack) -> None:
    fake_slack.add_oauth_code("code-1", team_id="T777", team_name="Other Co")
    anonymous = WebClient(base_url=fake_slack.base_url)
    exchange = lambda: anonymous.oauth_v2_access(  # noqa: E731
        client_id="1111.2222", client_secret="test-client-secret", code="code-1"
    )
    data = exchange().data
    assert data["access_token"] == "xoxb-T777" and data["token_type"] == "bot"
    assert data["team"] == {"id": "T777", "name": "Other Co"} and data["enterprise"] is None
    assert {"bot_user_id", "app_id", "scope", "authed_user"} <= set(data)
    assert fake_slack.last("oauth.v2.access").headers["authorization"].startswith("Basic ")
    assert error_of(exchange) == "invalid_code"  # codes are single-use


def test_token_revocation(client: WebClient, fake_slack: FakeSlack) -> None:
    fake_slack.revoke_token("xoxb-test")
    assert error_of(client.auth_test) == "token_revoked"


# ----------------------------------------------------------------------------- response_url


def test_response_url_records_posts(fake_slack: FakeSlack) -> None:
    url = fake_slack.response_url("cmd-1")
    WebhookClient(url).send(text="done", response_type="ephemeral")
    assert fake_slack.responses_to("cmd-1") == [{"text": "done", "response_type": "ephemeral"}]
    assert fake_slack.responses[0][0] == "/response/cmd-1"


# ----------------------------------------------------------------------------- faults


def test_fail_next(client: WebClient, fake_slack: FakeSlack) -> None:
    fake_slack.add_user("U1")
    fake_slack.fail_next("users.info", error="fatal_error", times=2)
    assert error_of(lambda: client.users_info(user="U1")) == "fatal_error"
    assert error_of(lambda: client.users_info(user="U1")) == "fatal_error"
    assert client.users_info(user="U1")["ok"] is True


def test_429_carries_retry_after(client: WebClient, fake_slack: FakeSlack) -> None:
    fake_slack.fail_next("chat.postEphemeral", status=429, retry_after=30)
    documented = load_fixture("webapi_ratelimited_429")
    with pytest.raises(SlackApiError) as info:
        client.chat_postEphemeral(channel="DU1", user="U1", text="x")
    assert info.value.response.status_code == documented["status"]
    assert info.value.response.headers["Retry-After"] == documented["headers"]["Retry-After"]
    assert info.value.response.data == documented["body"]


def test_429_is_retried_by_rate_limit_handler(
    fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []
    monkeypatch.setattr("slack_sdk.http_retry.builtin_handlers.time.sleep", slept.append)
    fake_slack.add_channel("C1")
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=30)
    client = WebClient(
        token="xoxb-test",
        base_url=fake_slack.base_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    assert client.chat_postMessage(channel="C1", text="x")["ok"] is True
    assert len(slept) == 1 and 30 <= slept[0] < 31  # Retry-After + up to 1 s jitter
    assert len(fake_slack.calls_to("chat.postMessage")) == 2


def test_drop_next(fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("slack_sdk.http_retry.handler.time.sleep", lambda _s: None)
    fake_slack.drop_next("auth.test")
    no_retry = WebClient(token="xoxb-test", base_url=fake_slack.base_url, retry_handlers=[])
    with pytest.raises(Exception) as info:  # urllib's RemoteDisconnected / URLError
        no_retry.auth_test()
    assert not isinstance(info.value, SlackApiError)
    # slack-sdk's default handler retries a dropped connection once, transparently.
    fake_slack.drop_next("auth.test")
    assert WebClient(token="xoxb-test", base_url=fake_slack.base_url).auth_test()["ok"] is True
    assert len(fake_slack.calls_to("auth.test")) == 3


# ----------------------------------------------------------------------------- checking calls


def test_checker_flags_unknown_and_retired_methods() -> None:
    spec = load_spec()
    for method in ("channels.history", "im.open", "files.upload", "no.such.method"):
        result = check_call(spec, method, {}, token="xoxb-test")
        assert result.error == "unknown_method" and method in result.violations[0]


def test_checker_flags_missing_and_unknown_arguments() -> None:
    spec = load_spec()
    missing = check_call(spec, "chat.postMessage", {"text": "x"}, token="xoxb-test")
    assert missing.error == "invalid_arguments" and "channel" in missing.violations[0]
    unknown = check_call(spec, "chat.postMessage", {"channel": "C1", "text": "x", "colour": "red"}, token="t")
    assert unknown.error is None and "colour" in unknown.violations[0]
    no_token = check_call(spec, "auth.test", {}, token=None)
    assert no_token.error == "not_authed"
    oauth = check_call(spec, "oauth.v2.access", {"code": "c"}, token=None, basic_auth=True)
    assert oauth.violations == [] and oauth.error is None


def test_checker_flags_shapes() -> None:
    spec = load_spec()
    many = [{"type": "divider"}] * 51

    def check(method: str, params: dict[str, Any]) -> str | None:
        return check_call(spec, method, params, token="xoxb-test").error

    assert check("chat.postMessage", {"channel": "C1"}) == "no_text"
    assert check("chat.postEphemeral", {"channel": "C1", "user": "U1", "text": ""}) == "no_text"
    assert check("chat.postMessage", {"channel": "C1", "text": "x", "blocks": many}) == "invalid_blocks"
    assert check("chat.postMessage", {"channel": "C1", "text": "x", "blocks": json.dumps(many[:50])}) is None
    long_title = dict(MODAL, title={"type": "plain_text", "text": "x" * 25})
    assert check("views.open", {"trigger_id": "t", "view": long_title}) == "invalid_arguments"
    assert check("views.open", {"trigger_id": "t", "view": dict(MODAL, blocks=many * 2)}) == "invalid_arguments"
    home = {"type": "home", "blocks": many * 2}
    assert check("views.publish", {"user_id": "U1", "view": home}) == "invalid_arguments"
    assert check("views.publish", {"user_id": "U1", "view": dict(home, blocks=home["blocks"][:100])}) is None


@pytest.mark.filterwarnings("ignore:channels.list is deprecated")
def test_server_records_violations_and_answers_like_slack() -> None:
    # Own instance: the fake_slack fixture would (rightly) fail this test at teardown.
    with FakeSlack() as fake:
        client = WebClient(token="xoxb-test", base_url=fake.base_url)
        assert error_of(lambda: client.api_call("channels.list")) == "unknown_method"
        assert error_of(lambda: client.api_call("chat.postMessage", json={"text": "x"})) == "invalid_arguments"
        assert error_of(lambda: client.api_call("chat.postMessage", json={"channel": "C1"})) == "no_text"
        assert len(fake.violations) == 3 and "channels.list" in fake.violations[0]
        fake.clear_violations()
        assert fake.violations == []


def test_bad_input_gets_500_and_server_survives() -> None:
    with FakeSlack() as fake:
        request = urllib.request.Request(
            fake.base_url + "files.getUploadURLExternal",
            data=b"filename=a.txt&length=not-a-number",
            headers={"Authorization": "Bearer xoxb-test"},
        )
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(request, timeout=5)
        assert info.value.code == 500
        assert "internal error" in fake.violations[0]
        assert WebClient(token="xoxb-test", base_url=fake.base_url).auth_test()["ok"] is True


def test_form_encoded_json_params_can_be_decoded(fake_slack: FakeSlack) -> None:
    fake_slack.add_channel("C1")
    client = WebClient(token="xoxb-test", base_url=fake_slack.base_url)
    blocks = [{"type": "divider"}]
    client.api_call("chat.postMessage", data={"channel": "C1", "text": "x", "blocks": json.dumps(blocks)})
    call = fake_slack.last("chat.postMessage")
    assert isinstance(call, SlackCall) and isinstance(call.params["blocks"], str)
    assert call.param("blocks") == blocks
    assert fake_slack.messages("C1")[0]["blocks"] == blocks


def test_thread_safety(client: WebClient, fake_slack: FakeSlack) -> None:
    fake_slack.add_channel("C1")
    stamps: list[str] = []

    def post() -> None:
        for _ in range(5):
            stamps.append(client.chat_postMessage(channel="C1", text="x")["ts"])

    threads = [threading.Thread(target=post) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(stamps)) == 40 and len(fake_slack.calls_to("chat.postMessage")) == 40
    fake_slack.reset_calls()
    assert fake_slack.calls == []


# ----------------------------------------------------------------------------- the trimmed spec


def test_spec_lists_bot_methods_and_no_retired_ones() -> None:
    spec = load_spec()
    for method in ("files.getUploadURLExternal", "files.completeUploadExternal", "apps.connections.open"):
        assert method in spec
    assert spec["files.getUploadURLExternal"].required == {"filename", "length"}
    assert spec["oauth.v2.access"].required == {"code"}
    assert not [m for m in spec if m.split(".")[0] in ("channels", "groups", "im", "mpim") or m == "files.upload"]
    assert all("token" not in s.required | s.optional for s in spec.values())


@pytest.mark.skipif(not REFERENCE_SPEC.exists(), reason="Slack's full OpenAPI spec is not available here")
def test_committed_spec_matches_generator() -> None:
    generated = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "trim_slack_spec.py"), str(REFERENCE_SPEC)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    committed = (REPO / "tests" / "support" / "slack_web_api_spec.json").read_text(encoding="utf-8")
    assert json.loads(generated) == json.loads(committed)


# ----------------------------------------------------------------------------- the pytest fixture


def test_fixture_fails_a_test_that_breaks_the_api(tmp_path: Path) -> None:
    test_file = tmp_path / "test_breaks_api.py"
    test_file.write_text(
        "from slack_sdk import WebClient\n"
        "def test_it(fake_slack):\n"
        "    client = WebClient(token='xoxb-test', base_url=fake_slack.base_url)\n"
        "    try:\n"
        "        client.api_call('im.open', params={'user': 'U1'})\n"
        "    except Exception:\n"
        "        pass\n"
    )
    command = [sys.executable, "-m", "pytest", "-q", "-p", "tests.support.plugin", "-p", "no:cacheprovider"]
    result = subprocess.run(
        [*command, "--rootdir", str(tmp_path), str(test_file)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0, result.stdout
    assert "Slack API violations" in result.stdout and "im.open" in result.stdout
