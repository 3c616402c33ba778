"""The App Home tab: the member's sets and what each asks of them; an empty state for newcomers."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.domain.states import MemberState
from bot.services.home import HomeSet, HomeView
from bot.slack.blocks.reflection import reflection_home_blocks
from bot.slack.blocks.text import escape
from bot.slack.blocks.actions import open_actions_blocks
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
        SectionBlock(text=MarkdownTextObject(text=text)),
        ActionsBlock(
            elements=[ButtonElement(text="Set status", action_id=ActionId.HOME_STATUS, value=str(home_set.set_id))]
        ),
    ]


def home_view(home: HomeView) -> View:
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text="Action learning sets"))]
    if not home.sets:
        blocks += [
            SectionBlock(text=MarkdownTextObject(text=ABOUT)),
            SectionBlock(text=MarkdownTextObject(text=START)),
        ]
    else:
        blocks.append(SectionBlock(text=MarkdownTextObject(text="*Your sets*")))
        for home_set in home.sets[:20]:  # a Home tab holds at most 100 blocks
            blocks += [*_set_section(home_set), DividerBlock()]
    blocks += open_actions_blocks(home.open_actions)
    blocks += reflection_home_blocks(home.reflections)
    blocks += [
        ActionsBlock(elements=[ButtonElement(text="How it works", action_id=ActionId.HOME_HELP, value="help")]),
        ContextBlock(elements=[MarkdownTextObject(text="Commands: `/als help` in any channel.")]),
    ]
    return View(type="home", blocks=blocks)
