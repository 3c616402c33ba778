"""Builders for signed inbound Slack requests (slash commands, events, interactivity).

Field sets start from the captured payloads in ``tests/fixtures/slack`` so tests see what
Slack really sends; only ids, text and timing fields are filled in. Each builder returns a
:class:`SignedRequest` that can be fed straight into a Bolt app (:meth:`SignedRequest.to_bolt_request`)
or POSTed over real HTTP (:meth:`SignedRequest.post`).

Signing follows docs.slack.dev/authentication/verifying-requests-from-slack:
``v0=hex(HMAC_SHA256(secret, "v0:<timestamp>:<raw body>"))``.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import parse_qsl, urlencode

from slack_bolt.request import BoltRequest

SIGNING_SECRET = "test-signing-secret"
FIXTURES_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "slack"

_counter = itertools.count(1)


@functools.cache
def _fixture_cached(name: str) -> Any:
    return json.loads((FIXTURES_DIR / name).read_text(encoding="utf-8"))


def load_fixture(name: str) -> Any:
    """A fresh copy of ``tests/fixtures/slack/<name>`` (``.json`` optional)."""
    return copy.deepcopy(_fixture_cached(name if name.endswith(".json") else name + ".json"))


def sign(body: bytes, secret: str, timestamp: int) -> dict[str, str]:
    """Slack signature headers for a raw body (callers add ``content-type``)."""
    basestring = b"v0:" + str(timestamp).encode() + b":" + body
    digest = hmac.new(secret.encode("utf-8"), basestring, hashlib.sha256).hexdigest()
    return {"x-slack-signature": f"v0={digest}", "x-slack-request-timestamp": str(timestamp)}


@dataclass
class SignedRequest:
    """A raw request body plus headers, exactly as Slack would send it."""

    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        """The payload as an object (JSON body, or the ``payload`` form field, or the form fields)."""
        content_type = self.headers.get("content-type", "")
        if content_type.startswith("application/json"):
            return json.loads(self.body)
        fields = dict(parse_qsl(self.body.decode("utf-8"), keep_blank_values=True))
        return json.loads(fields["payload"]) if "payload" in fields else fields

    def to_bolt_request(self) -> BoltRequest:
        """A ``BoltRequest`` for ``App.dispatch()`` (Bolt verifies the signature itself)."""
        return BoltRequest(body=self.body.decode("utf-8"), headers=dict(self.headers))

    def post(self, url: str, timeout: float = 10.0) -> tuple[int, bytes]:
        """POST over real HTTP; returns ``(status, body)`` for any status, including 4xx/5xx."""
        request = urllib.request.Request(url, data=self.body, headers=self.headers, method="POST")
        # Explicit empty ProxyHandler: a CI proxy must never see (or swallow) local test traffic.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(request, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()


def _signed(body: bytes, content_type: str, secret: str, timestamp: int | None) -> SignedRequest:
    ts = int(time.time()) if timestamp is None else timestamp
    return SignedRequest(body=body, headers={"content-type": content_type, **sign(body, secret, ts)})


def _form_request(fields: Mapping[str, str], secret: str, timestamp: int | None) -> SignedRequest:
    return _signed(urlencode(fields).encode("utf-8"), "application/x-www-form-urlencoded", secret, timestamp)


def _payload_request(payload: Mapping[str, Any], secret: str, timestamp: int | None) -> SignedRequest:
    """Interactivity requests: one form field ``payload`` holding JSON."""
    return _form_request({"payload": json.dumps(payload, separators=(",", ":"))}, secret, timestamp)


def new_trigger_id() -> str:
    """A unique trigger id in Slack's format (``<n>.<n>.<hex>``)."""
    return f"{next(_counter)}{int(time.time())}.{next(_counter)}.{uuid.uuid4().hex}"


def _hook_url(kind: str, team_id: str) -> str:
    return f"https://hooks.slack.com/{kind}/{team_id}/{next(_counter)}/{uuid.uuid4().hex[:24]}"


def slash_command(
    text: str,
    *,
    user_id: str,
    channel_id: str,
    team_id: str = "T0001",
    command: str = "/als",
    response_url: str | None = None,
    trigger_id: str | None = None,
    channel_name: str | None = None,
    user_name: str | None = None,
    api_app_id: str = "A0001",
    secret: str = SIGNING_SECRET,
    timestamp: int | None = None,
) -> SignedRequest:
    """A signed slash command (form-encoded), shaped like ``slash_command.json``."""
    fields = load_fixture("slash_command.json")
    # Not an Enterprise Grid install: Slack omits the enterprise fields.
    fields.pop("enterprise_id", None)
    fields.pop("enterprise_name", None)
    fields.update(
        team_id=team_id,
        team_domain="als-test",
        channel_id=channel_id,
        channel_name=channel_name or ("directmessage" if channel_id.startswith("D") else channel_id.lower()),
        user_id=user_id,
        user_name=user_name or user_id.lower(),
        command=command,
        text=text,
        response_url=response_url or _hook_url("commands", team_id),
        trigger_id=trigger_id or new_trigger_id(),
        api_app_id=api_app_id,
    )
    return _form_request(fields, secret, timestamp)


def event(
    event: Mapping[str, Any],
    *,
    team_id: str = "T0001",
    event_id: str | None = None,
    retry_num: int | None = None,
    retry_reason: str | None = None,
    api_app_id: str = "A0001",
    bot_user_id: str = "UBOT",
    event_time: int | None = None,
    secret: str = SIGNING_SECRET,
    timestamp: int | None = None,
) -> SignedRequest:
    """A signed Events API ``event_callback`` (JSON) wrapping ``event``.

    The envelope follows ``event_message_from_human_with_authorizations.json``; ``event_id``
    is unique unless given (pass the same one with ``retry_num`` to model a redelivery).
    """
    envelope = load_fixture("event_message_from_human_with_authorizations.json")
    envelope.pop("enterprise_id", None)
    event_ts = str(event.get("event_ts") or event.get("ts") or "")
    envelope.update(
        token="verification-token",
        team_id=team_id,
        api_app_id=api_app_id,
        event=dict(event),
        event_id=event_id or f"Ev{next(_counter):08d}{uuid.uuid4().hex[:6].upper()}",
        event_time=event_time or (int(float(event_ts)) if event_ts else int(time.time())),
        authorizations=[
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        event_context=f"4-{event.get('type', 'event')}-{team_id}-{event.get('channel', '')}",
        context_team_id=team_id,
        context_enterprise_id=None,
    )
    body = json.dumps(envelope, separators=(",", ":")).encode("utf-8")
    request = _signed(body, "application/json", secret, timestamp)
    if retry_num is not None:
        request.headers["x-slack-retry-num"] = str(retry_num)
        request.headers["x-slack-retry-reason"] = retry_reason or "http_timeout"
    return request


def url_verification(challenge: str = "challenge-token", *, secret: str = SIGNING_SECRET) -> SignedRequest:
    """A signed ``url_verification`` request (the app must echo ``challenge``)."""
    payload = load_fixture("event_url_verification.json")
    payload["challenge"] = challenge
    return _signed(json.dumps(payload).encode("utf-8"), "application/json", secret, None)


def block_action(
    action_id: str,
    *,
    value: str | None = None,
    user_id: str,
    channel_id: str | None = None,
    message_ts: str | None = None,
    thread_ts: str | None = None,
    block_id: str = "b",
    team_id: str = "T0001",
    view: Mapping[str, Any] | None = None,
    response_url: str | None = None,
    trigger_id: str | None = None,
    action_type: str = "button",
    action_fields: Mapping[str, Any] | None = None,
    is_ephemeral: bool = False,
    secret: str = SIGNING_SECRET,
    timestamp: int | None = None,
) -> SignedRequest:
    """A signed ``block_actions`` payload: a click in a message (``channel_id`` + ``message_ts``)
    or in a view (``view``), shaped like ``block_actions.json``.

    ``action_fields`` adds/overrides action keys, e.g. ``{"selected_option": {...}}`` for selects.
    """
    payload = load_fixture("block_actions.json")
    payload["user"] = {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": team_id}
    payload["api_app_id"] = "A0001"
    payload["trigger_id"] = trigger_id or new_trigger_id()
    payload["team"] = {"id": team_id, "domain": "als-test"}
    payload["enterprise"] = None
    payload["is_enterprise_install"] = False
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": block_id,
        "type": action_type,
        "action_ts": f"{time.time():.6f}",
    }
    if action_type == "button":
        action["text"] = {"type": "plain_text", "text": "Button", "emoji": True}
    if value is not None:
        action["value"] = value
    action.update(action_fields or {})
    payload["actions"] = [action]
    if view is not None:
        # Clicks inside a modal/Home tab: no channel, message or response_url.
        payload["container"] = {"type": "view", "view_id": view.get("id", "V0001")}
        payload["view"] = dict(view)
        for key in ("channel", "response_url"):
            payload.pop(key, None)
    else:
        if channel_id is None or message_ts is None:
            raise ValueError("a message block_action needs channel_id and message_ts (or pass view=)")
        payload["container"] = {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel_id,
            "is_ephemeral": is_ephemeral,
        }
        payload["channel"] = {"id": channel_id, "name": channel_id.lower()}
        payload["response_url"] = response_url or _hook_url("actions", team_id)
        if not is_ephemeral:  # ephemeral messages are not echoed back
            message = {"type": "message", "user": "UBOT", "bot_id": "BBOT", "text": "", "ts": message_ts}
            if thread_ts:
                message["thread_ts"] = thread_ts
            payload["message"] = message
        if thread_ts:
            payload["container"]["thread_ts"] = thread_ts
    return _payload_request(payload, secret, timestamp)


_INPUT_TYPES = {
    "value": "plain_text_input",
    "selected_option": "static_select",
    "selected_options": "checkboxes",
    "selected_date": "datepicker",
    "selected_time": "timepicker",
    "selected_user": "users_select",
    "selected_conversation": "conversations_select",
}


def view_submission(
    callback_id: str,
    values: Mapping[str, Mapping[str, Mapping[str, Any]]],
    *,
    user_id: str,
    private_metadata: str = "",
    team_id: str = "T0001",
    view_id: str = "V0001",
    response_urls: list[dict[str, str]] | None = None,
    secret: str = SIGNING_SECRET,
    timestamp: int | None = None,
) -> SignedRequest:
    """A signed ``view_submission`` shaped like ``view_submission.json``.

    ``values[block_id][action_id]`` is the element state, e.g. ``{"value": "text"}`` or
    ``{"selected_option": {"value": "x", "text": {...}}}``; ``type`` is inferred if absent.
    """
    payload = load_fixture("view_submission.json")
    payload["team"] = {"id": team_id, "domain": "als-test"}
    payload["user"] = {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": team_id}
    payload["api_app_id"] = "A0001"
    payload["trigger_id"] = new_trigger_id()
    payload["enterprise"] = None
    payload["is_enterprise_install"] = False
    state: dict[str, dict[str, dict[str, Any]]] = {}
    blocks = []
    for block_id, actions in values.items():
        state[block_id] = {}
        for action_id, element in actions.items():
            element_type = element.get("type") or next((t for k, t in _INPUT_TYPES.items() if k in element), None)
            state[block_id][action_id] = {"type": element_type or "plain_text_input", **element}
            blocks.append(
                {
                    "type": "input",
                    "block_id": block_id,
                    "label": {"type": "plain_text", "text": block_id},
                    "optional": False,
                    "element": {"type": state[block_id][action_id]["type"], "action_id": action_id},
                }
            )
    view = payload["view"]
    view.update(
        id=view_id,
        team_id=team_id,
        blocks=blocks,
        private_metadata=private_metadata,
        callback_id=callback_id,
        state={"values": state},
        root_view_id=view_id,
        app_id="A0001",
        app_installed_team_id=team_id,
        bot_id="BBOT",
    )
    view["hash"] = f"{int(time.time())}.{uuid.uuid4().hex[:8]}"
    payload["response_urls"] = list(response_urls or [])
    return _payload_request(payload, secret, timestamp)


def message_shortcut(
    callback_id: str,
    *,
    user_id: str,
    channel_id: str,
    message: Mapping[str, Any],
    team_id: str = "T0001",
    response_url: str | None = None,
    trigger_id: str | None = None,
    secret: str = SIGNING_SECRET,
    timestamp: int | None = None,
) -> SignedRequest:
    """A signed message shortcut (``type: message_action``), as Slack documents its payload."""
    payload = {
        "type": "message_action",
        "token": "verification-token",
        "action_ts": f"{time.time():.6f}",
        "callback_id": callback_id,
        "trigger_id": trigger_id or new_trigger_id(),
        "response_url": response_url or _hook_url("app", team_id),
        "team": {"id": team_id, "domain": "als-test"},
        "channel": {"id": channel_id, "name": channel_id.lower()},
        "user": {"id": user_id, "name": user_id.lower(), "team_id": team_id},
        "message": dict(message),
        "message_ts": message.get("ts"),
    }
    return _payload_request(payload, secret, timestamp)
