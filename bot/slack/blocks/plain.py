"""Block Kit as plain dicts, for what is rendered on every request or in bulk (`/als status` and
its modals, App Home, phase prompts).

slack_sdk's model objects validate and walk their attributes in `to_dict()` each time; for a view
built per request that costs more CPU than reading its data. Messages rendered rarely keep the models.
"""

from __future__ import annotations

from typing import Any

Block = dict[str, Any]


def mrkdwn(text: str) -> Block:
    return {"type": "mrkdwn", "text": text}


def section(text: str) -> Block:
    return {"type": "section", "text": mrkdwn(text)}


def header(text: str) -> Block:
    return {"type": "header", "text": plain_text(text)}


def context(*texts: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(t) for t in texts]}


def button(text: str, action_id: str, value: str) -> Block:
    return {"type": "button", "action_id": action_id, "text": {"type": "plain_text", "text": text, "emoji": True}, "value": value}


def plain_text(text: str) -> Block:
    return {"type": "plain_text", "text": text}


def info_modal(title: str, blocks: list[Block]) -> Block:
    """A modal that only shows `blocks` (no inputs, no submit). Slack caps the title at 24 characters."""
    return {"type": "modal", "title": plain_text(title), "close": plain_text("Close"), "blocks": blocks}
