"""Tests of the signed-request builders, including dispatch into a real Bolt app."""

from __future__ import annotations

import threading
import time
from typing import Any, Iterator
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.signature import Clock, SignatureVerifier

from tests.support import slack_requests as sr
from tests.support.fake_slack import FakeSlack


class _FixedClock(Clock):
    def __init__(self, now: float) -> None:
        self._now = now

    def now(self) -> float:
        return self._now


def verifier(secret: str = sr.SIGNING_SECRET) -> SignatureVerifier:
    return SignatureVerifier(secret)


# ----------------------------------------------------------------------------- signing


def test_sign_matches_docs_test_vector() -> None:
    vector = sr.load_fixture("signature_test_vector_slash_command")
    headers = sr.sign(vector["raw_body"].encode(), vector["signing_secret"], int(vector["timestamp"]))
    assert headers["x-slack-signature"] == vector["expected_signature"]
    assert headers["x-slack-request-timestamp"] == vector["timestamp"]
    docs_verifier = SignatureVerifier(vector["signing_secret"], clock=_FixedClock(int(vector["timestamp"])))
    assert docs_verifier.is_valid_request(vector["raw_body"], vector["headers"])
    assert docs_verifier.is_valid_request(vector["raw_body"], headers)


def test_sign_matches_composed_event_vector() -> None:
    vector = sr.load_fixture("signed_event_request_retry_example")
    headers = sr.sign(vector["raw_body"].encode(), vector["signing_secret"], int(vector["timestamp"]))
    assert headers["x-slack-signature"] == vector["expected_signature"]


def test_stale_or_wrongly_signed_requests_fail_verification() -> None:
    stale = sr.slash_command("x", user_id="U1", channel_id="C1", timestamp=int(time.time()) - 301)
    assert not verifier().is_valid_request(stale.body, stale.headers)
    wrong = sr.slash_command("x", user_id="U1", channel_id="C1", secret="not-the-secret")
    assert not verifier().is_valid_request(wrong.body, wrong.headers)


# ----------------------------------------------------------------------------- builders


def test_slash_command_has_slacks_fields() -> None:
    request = sr.slash_command("present", user_id="U1", channel_id="C1", response_url="http://r/1")
    assert verifier().is_valid_request(request.body, request.headers)
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    fields = request.json()
    documented = set(sr.load_fixture("slash_command")) - {"enterprise_id", "enterprise_name"}
    assert set(fields) == documented
    assert (fields["command"], fields["text"]) == ("/als", "present")
    assert (fields["user_id"], fields["channel_id"]) == ("U1", "C1")
    assert fields["team_id"] == "T0001" and fields["response_url"] == "http://r/1"
    other = sr.slash_command("present", user_id="U1", channel_id="C1").json()
    assert other["trigger_id"] != fields["trigger_id"]


def test_event_envelope() -> None:
    message = sr.load_fixture("event_message_im")["event"]
    first = sr.event(message)
    second = sr.event(message, event_id="Ev42", retry_num=1, retry_reason="http_timeout")
    assert verifier().is_valid_request(first.body, first.headers)
    assert first.headers["content-type"] == "application/json"
    envelope = first.json()
    assert set(sr.load_fixture("event_message_from_human_with_authorizations")) - {"enterprise_id"} <= set(envelope)
    assert envelope["type"] == "event_callback" and envelope["event"] == message
    assert envelope["authorizations"][0]["user_id"] == "UBOT" and envelope["team_id"] == "T0001"
    assert envelope["event_id"] != sr.event(message).json()["event_id"]
    assert second.json()["event_id"] == "Ev42"
    assert (second.headers["x-slack-retry-num"], second.headers["x-slack-retry-reason"]) == ("1", "http_timeout")
    assert "x-slack-retry-num" not in first.headers


def test_block_action_in_message_and_in_view() -> None:
    in_message = sr.block_action(
        "als_reply", value="42", user_id="U1", channel_id="C1", message_ts="1700000000.000100", thread_ts="1.2"
    )
    assert verifier().is_valid_request(in_message.body, in_message.headers)
    payload = in_message.json()
    assert set(sr.load_fixture("block_actions")) <= set(payload)
    assert payload["type"] == "block_actions" and payload["actions"][0]["value"] == "42"
    assert payload["container"]["message_ts"] == "1700000000.000100" and payload["message"]["thread_ts"] == "1.2"
    in_view = sr.block_action(
        "pick",
        user_id="U1",
        view={"id": "V1", "type": "modal"},
        action_type="static_select",
        action_fields={"selected_option": {"value": "a"}},
    )
    payload = in_view.json()
    assert payload["container"] == {"type": "view", "view_id": "V1"} and "response_url" not in payload
    assert payload["actions"][0]["selected_option"] == {"value": "a"}
    with pytest.raises(ValueError):
        sr.block_action("x", user_id="U1")


def test_view_submission_state() -> None:
    values = {"goal": {"goal_input": {"value": "ship it"}}, "when": {"day": {"selected_date": "2024-05-01"}}}
    request = sr.view_submission("als_present", values, user_id="U1", private_metadata='{"set": 1}')
    payload = request.json()
    assert set(sr.load_fixture("view_submission")) <= set(payload)
    view = payload["view"]
    assert view["callback_id"] == "als_present" and view["private_metadata"] == '{"set": 1}'
    assert view["state"]["values"]["goal"]["goal_input"] == {"type": "plain_text_input", "value": "ship it"}
    assert view["state"]["values"]["when"]["day"]["type"] == "datepicker"
    assert [b["block_id"] for b in view["blocks"]] == ["goal", "when"]


# ----------------------------------------------------------------------------- into a Bolt app


@pytest.fixture
def bolt_app(fake_slack: FakeSlack) -> tuple[App, dict[str, Any], threading.Event]:
    """A tiny Bolt app on the fake; returns (app, what listeners saw, done signal)."""
    # Note: App(token=..., client=...) ignores token and uses client.token, so the client carries it.
    app = App(
        signing_secret=sr.SIGNING_SECRET,
        client=WebClient(token="xoxb-test", base_url=fake_slack.base_url),
    )
    seen: dict[str, Any] = {}
    done = threading.Event()

    @app.command("/als")
    def als(ack: Any, command: dict[str, Any], respond: Any) -> None:
        ack()
        seen["command"] = command
        respond(f"you said {command['text']}")
        done.set()

    @app.action("als_reply")
    def reply(ack: Any, body: dict[str, Any]) -> None:
        ack()
        seen["action"] = body["actions"][0]
        done.set()

    @app.view("als_present")
    def submit(ack: Any, view: dict[str, Any]) -> None:
        ack()
        seen["view"] = view["state"]["values"]
        done.set()

    @app.event("message")
    def message(event: dict[str, Any], say: Any) -> None:
        seen["event"] = event
        say(channel=event["channel"], text="thanks")
        done.set()

    return app, seen, done


def test_bolt_calls_auth_test_on_the_fake(fake_slack: FakeSlack, bolt_app: Any) -> None:
    assert fake_slack.last("auth.test").token == "xoxb-test"


def test_slash_command_reaches_bolt_listener(fake_slack: FakeSlack, bolt_app: Any) -> None:
    app, seen, done = bolt_app
    request = sr.slash_command("present", user_id="U1", channel_id="C1", response_url=fake_slack.response_url("c1"))
    response = app.dispatch(request.to_bolt_request())
    assert response.status == 200
    assert done.wait(5)  # Bolt runs the listener body after ack in a worker thread
    assert seen["command"]["text"] == "present"
    assert wait_for(lambda: fake_slack.responses_to("c1"))[0]["text"] == "you said present"


def test_bad_signature_gets_401(bolt_app: Any) -> None:
    app, seen, _done = bolt_app
    for request in (
        sr.slash_command("present", user_id="U1", channel_id="C1", secret="wrong-secret"),
        sr.slash_command("present", user_id="U1", channel_id="C1", timestamp=int(time.time()) - 600),
    ):
        response = app.dispatch(request.to_bolt_request())
        assert response.status == 401
    assert "command" not in seen


def test_action_view_and_event_reach_bolt(fake_slack: FakeSlack, bolt_app: Any) -> None:
    app, seen, done = bolt_app
    fake_slack.add_channel("C1", members=["U1"])
    action = sr.block_action("als_reply", value="v", user_id="U1", channel_id="C1", message_ts="1.000100")
    assert app.dispatch(action.to_bolt_request()).status == 200
    assert seen["action"]["value"] == "v"
    values = {"b": {"a": {"value": "text"}}}
    assert app.dispatch(sr.view_submission("als_present", values, user_id="U1").to_bolt_request()).status == 200
    assert seen["view"] == {"b": {"a": {"type": "plain_text_input", "value": "text"}}}
    done.clear()
    event = dict(sr.load_fixture("event_message_channel")["event"], channel="C1", user="U1")
    assert app.dispatch(sr.event(event).to_bolt_request()).status == 200
    assert done.wait(5) and seen["event"]["text"] == event["text"]
    assert wait_for(lambda: fake_slack.calls_to("chat.postMessage"))[0].params["text"] == "thanks"


def test_url_verification_is_answered_by_bolt(bolt_app: Any) -> None:
    app, _seen, _done = bolt_app
    response = app.dispatch(sr.url_verification("abc").to_bolt_request())
    assert response.status == 200 and "abc" in response.body


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture
def bolt_http(bolt_app: Any) -> Iterator[str]:
    """Serve the Bolt app over real HTTP (WSGI) and return its URL."""
    app = bolt_app[0]
    server: WSGIServer = make_server("127.0.0.1", 0, SlackRequestHandler(app), handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/slack/events"
    finally:
        server.shutdown()
        server.server_close()


def test_post_over_real_http(fake_slack: FakeSlack, bolt_http: str, bolt_app: Any) -> None:
    _app, seen, done = bolt_app
    ok = sr.slash_command("present", user_id="U1", channel_id="C1", response_url=fake_slack.response_url("h"))
    status, _body = ok.post(bolt_http)
    assert status == 200 and done.wait(5) and seen["command"]["text"] == "present"
    status, body = sr.slash_command("x", user_id="U1", channel_id="C1", secret="bad").post(bolt_http)
    assert status == 401 and b"invalid request" in body


def wait_for(probe: Any, timeout: float = 5.0) -> Any:
    """Poll until ``probe()`` is truthy (listeners finish after ack, in Bolt's thread pool)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = probe()
        if result:
            return result
        time.sleep(0.01)
    raise AssertionError("timed out waiting for condition")
