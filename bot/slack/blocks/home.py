"""The App Home tab: the member's sets and what each asks of them; an empty state for newcomers.

Plain Block Kit dicts (bot/slack/blocks/plain.py): Home is rendered on every tab open.
"""

from __future__ import annotations

from typing import Any

from bot.domain.states import MemberState
from bot.services.home import HomeSet, HomeView
from bot.slack.blocks.actions import open_actions_blocks
from bot.slack.blocks.plain import Block, button, context, header, section
from bot.slack.blocks.reflection import reflection_home_blocks
from bot.slack.blocks.text import escape
from bot.slack.ids import ActionId

ABOUT = (
    "An *action learning set* is a small group of colleagues (4-7) who meet regularly to work on real, "
    "current work problems. One member presents a problem; the others help by asking questions, not by "
    "giving advice. The presenter leaves with actions and reports back what they learned.\n"
    "I run sets asynchronously in Slack: each problem gets a thread, I open and close the rounds, "
    "rotate the roles and follow up on actions."
)

START = (
    "*Start a set:* create a private channel, invite 4-7 colleagues and me (`/invite @ALS Bot`), "
    "then type `/als setup` in it."
)

_STATE_TEXT = {
    MemberState.ACTIVE: "active member",
    MemberState.AWAY: "away",
    MemberState.OBSERVER: "observer",
}

_DIVIDER: Block = {"type": "divider"}
_HEADER = header("Action learning sets")
_FOOTER = [
    {"type": "actions", "elements": [button("How it works", ActionId.HOME_HELP, "help")]},
    context("Commands: `/als help` in any channel."),
]


def _set_section(home_set: HomeSet) -> list[Block]:
    asks = []
    if home_set.paused:
        asks.append(":double_vertical_bar: The set is paused.")
    if not home_set.agreed and home_set.state != MemberState.OBSERVER:
        asks.append(":point_right: Read and agree to the ground rules pinned in the channel.")
    asks += [f":point_right: {escape(line)}" for line in home_set.current]
    if not asks:
        asks.append("Nothing asks for you right now.")
    text = f"*{escape(home_set.name)}* in <#{home_set.channel_id}> · {_STATE_TEXT.get(home_set.state, home_set.state)}\n" + "\n".join(asks)
    return [
        section(text),
        {"type": "actions", "elements": [button("Set status", ActionId.HOME_STATUS, str(home_set.set_id))]},
    ]


def home_view(home: HomeView) -> dict[str, Any]:
    """The view for `views.publish`, as JSON-ready dicts."""
    blocks: list[Block] = [_HEADER]
    if not home.sets:
        blocks += [section(ABOUT), section(START)]
    else:
        blocks.append(section("*Your sets*"))
        for home_set in home.sets[:20]:  # a Home tab holds at most 100 blocks
            blocks += [*_set_section(home_set), _DIVIDER]
    # Shared with other messages, so still slack_sdk models there: a few blocks, converted here.
    blocks += [b.to_dict() for b in open_actions_blocks(home.open_actions)]
    blocks += [b.to_dict() for b in reflection_home_blocks(home.reflections)]
    blocks += _FOOTER
    return {"type": "home", "blocks": blocks}
