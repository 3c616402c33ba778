"""The `/als help` message."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.domain.commands import USAGE


def help_text(problem: str | None = None) -> str:
    """Plain-text fallback (and notification text) of the help message."""
    lines = [f"{u.syntax}: {u.summary}" for u in USAGE.values()]
    head = f"{problem} Here is what I can do:" if problem else "Action learning set commands:"
    return "\n".join([head, *lines])


def help_blocks(problem: str | None = None) -> list[Block]:
    """Usage of every subcommand, with an optional one-line problem on top (unknown input)."""
    rows = "\n".join(f"`{u.syntax}`  {u.summary}" for u in USAGE.values())
    blocks: list[Block] = []
    if problem:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f":warning: {problem}")))
    blocks.append(SectionBlock(text=MarkdownTextObject(text=f"*Action learning set commands*\n{rows}")))
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="A set lives in a private channel: questions, not advice; everything happens in threads."
                )
            ]
        )
    )
    return blocks
