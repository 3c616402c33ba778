"""Actions in Slack: the add/edit modal, the report modal, thread messages and reminder DMs."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.domain.states import ActionStatus
from bot.services.actions import MAX_ACTION_TEXT
from bot.slack.blocks.text import escape, mention
from bot.slack.ids import ActionBlock, ActionId, CallbackId
from bot.slack.messages import renderer

STATUS_BUTTONS = {
    ActionId.ACTION_DONE: (ActionStatus.DONE, "Done"),
    ActionId.ACTION_PARTLY: (ActionStatus.PARTLY, "Partly"),
    ActionId.ACTION_NOT_DONE: (ActionStatus.NOT_DONE, "Not done"),
    ActionId.ACTION_CHANGED: (ActionStatus.CHANGED, "Changed"),
}
STATUS_WORDS = {status: label.lower() for status, label in STATUS_BUTTONS.values()}


def action_modal(*, presentation_id: int, due_on: date, action_id: int | None = None, text: str = "") -> View:
    return View(
        type="modal",
        callback_id=CallbackId.ACTION_MODAL,
        title=PlainTextObject(text="Edit action" if action_id else "Commit to an action"),
        submit=PlainTextObject(text="Save"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=json.dumps({"presentation_id": presentation_id, "action_id": action_id}),
        blocks=[
            InputBlock(
                block_id=ActionBlock.TEXT,
                label="What will you do?",
                hint="Make it measurable: what, with whom, by when, and how you'll know it happened.",
                element=PlainTextInputElement(action_id=ActionBlock.TEXT, multiline=True, max_length=MAX_ACTION_TEXT, initial_value=text or None),
            ),
            InputBlock(
                block_id=ActionBlock.DUE,
                label="Due date",
                hint="By default one cycle from now, when the set next meets.",
                element=DatePickerElement(action_id=ActionBlock.DUE, initial_date=due_on.isoformat()),
            ),
        ],
    )


def report_modal(*, action_id: int, status: ActionStatus, text: str) -> View:
    return View(
        type="modal",
        callback_id=CallbackId.REPORT_MODAL,
        title=PlainTextObject(text="Report on an action"),
        submit=PlainTextObject(text="Share with the set"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=json.dumps({"action_id": action_id, "status": status.value}),
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=f"*{escape(text)}*\nStatus: {STATUS_WORDS[status]}")),
            InputBlock(
                block_id=ActionBlock.REPORT,
                label="What did you do, what happened, what did you learn?",
                element=PlainTextInputElement(action_id=ActionBlock.REPORT, multiline=True, max_length=3000),
            ),
        ],
    )


def status_buttons(action_id: int) -> ActionsBlock:
    return ActionsBlock(
        elements=[ButtonElement(text=label, action_id=button, value=str(action_id)) for button, (_, label) in STATUS_BUTTONS.items()]
    )


@renderer("action_posted")
def action_posted(data: dict[str, Any]) -> tuple[str, list[Block]]:
    text = f"{mention(data['owner'])} commits to: *{escape(data['text'])}* (due {data['due_on']})"
    value = str(data["action_id"])
    return f"New action, due {data['due_on']}", [
        SectionBlock(text=MarkdownTextObject(text=text)),
        ActionsBlock(
            elements=[
                ButtonElement(text="Edit", action_id=ActionId.ACTION_EDIT, value=value),
                ButtonElement(text="Drop", action_id=ActionId.ACTION_DROP, value=value),
            ]
        ),
    ]


@renderer("action_report")
def action_report(data: dict[str, Any]) -> tuple[str, list[Block]]:
    status = STATUS_WORDS.get(ActionStatus(data["status"]), data["status"])
    text = f"*Action report* from {mention(data['owner'])}: {escape(data['text'])}\n*Status:* {status}\n{escape(data['report'])}"
    return f"Action report: {status}", [SectionBlock(text=MarkdownTextObject(text=text))]


@renderer("action_reminder")
def action_reminder(data: dict[str, Any]) -> tuple[str, list[Block]]:
    when = "is due today" if data.get("due_today") else f"is due on {data['due_on']}"
    rolled = " (rolled over once: report or it lapses)" if data.get("rollovers") else ""
    text = (
        f"Your action from \u201c{escape(data['title'])}\u201d {when}{rolled}:\n*{escape(data['text'])}*\n"
        "How did it go? Pick a status and tell the set what you did, what happened and what you learned."
    )
    return f"Your action {when}: {data['text']}", [
        SectionBlock(text=MarkdownTextObject(text=text)),
        status_buttons(int(data["action_id"])),
        ContextBlock(elements=[MarkdownTextObject(text="No learning without action, no action without learning.")]),
    ]


def open_actions_blocks(actions: list[dict[str, Any]]) -> list[Block]:
    """App Home: my open actions with due dates and status buttons."""
    if not actions:
        return []
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text="*Your open actions*"))]
    for action in actions[:10]:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f"{escape(str(action['text']))}\n_due {action['due_on']}_")))
        blocks.append(status_buttons(int(action["action_id"])))
    return blocks
