"""Renders queued posts: a template name and plain data (from services) into text and blocks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk.models.blocks import Block

Rendered = tuple[str, list[Block] | list[dict[str, Any]] | None]
Renderer = Callable[[dict[str, Any]], Rendered]

_RENDERERS: dict[str, Renderer] = {}


def renderer(name: str) -> Callable[[Renderer], Renderer]:
    """Register the builder for template `name` (builders modules register on import)."""

    def decorate(function: Renderer) -> Renderer:
        _RENDERERS[name] = function
        return function

    return decorate


def render(name: str, data: dict[str, Any]) -> tuple[str, list[dict[str, Any]] | None]:
    _load_builders()
    text, blocks = _RENDERERS[name](data)
    if blocks is None:
        return text, None
    return text, [b.to_dict() if isinstance(b, Block) else b for b in blocks]


def with_permalinks(client: Any, data: dict[str, Any]) -> dict[str, Any]:
    """Resolve `data["summary"]["links"]` ({label, channel, ts}) to permalinks at delivery time.

    Services know messages by channel and ts; only Slack knows their URLs. A link Slack cannot
    resolve is left out rather than failing the post.
    """
    summary = data.get("summary")
    if not isinstance(summary, dict) or not summary.get("links"):
        return data
    from slack_sdk.errors import SlackApiError

    resolved = []
    for link in summary["links"]:
        try:
            url = client.chat_getPermalink(channel=link["channel"], message_ts=link["ts"])["permalink"]
        except SlackApiError:
            continue
        resolved.append({"label": link["label"], "url": url})
    return {**data, "summary": {**summary, "links": resolved}}


def _load_builders() -> None:
    # Imported for their @renderer registrations; late, so builders may import this module.
    import bot.slack.blocks.actions  # noqa: F401
    import bot.slack.blocks.presentation  # noqa: F401
