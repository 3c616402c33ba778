"""`/als export` and `/als forget me`."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, ConfirmObject, MarkdownTextObject, SectionBlock

from bot.db import session_scope
from bot.errors import UserFacingError
from bot.services.export import export_markdown
from bot.services.sets import require_set
from bot.slack.commands.context import CommandContext
from bot.slack.ids import ActionId

FORGET_TEXT = (
    "This erases your private reflections and replaces your identity in this workspace's set records "
    "(questions, answers, actions, roles) with \"former member\". Messages stay in Slack. It can't be undone."
)


def run_export(ctx: CommandContext) -> None:
    """Send the set's history as a Markdown file to the requester's DM, and only there."""
    ctx.ack()
    now = ctx.runtime.now()
    with session_scope(ctx.runtime.session_factory) as session:
        learning_set = require_set(session, team_id=ctx.team_id, channel_id=ctx.channel_id)
        markdown = export_markdown(session, learning_set, requested_by=ctx.user_id, now=now)
        name = learning_set.name
    dm = ctx.client.conversations_open(users=ctx.user_id)["channel"]["id"]
    safe = "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-") or "set"
    ctx.client.files_upload_v2(
        channel=dm, content=markdown, filename=f"{safe}-history-{now:%Y%m%d}.md", title=f"{name}: history",
        initial_comment="Here is your set's history. It is confidential to the set.",
    )
    ctx.reply("I've sent the set's history to you in a direct message.")


def run_forget(ctx: CommandContext) -> None:
    if ctx.command.argument.lower() != "me":
        raise UserFacingError("To erase your data, type `/als forget me`.")
    ctx.ack(
        text=FORGET_TEXT,
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=f":warning: {FORGET_TEXT}")),
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text="Forget me", action_id=ActionId.FORGET_CONFIRM, value="me", style="danger",
                        confirm=ConfirmObject(title="Forget me?", text="This cannot be undone.", confirm="Forget me", deny="Cancel"),
                    )
                ]
            ),
        ],
    )
