"""A presentation in Slack: intake modal, root message, phase prompts, nudges, invitation, summary.

Renderers take the plain data services put on queued posts and return (text, blocks).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.domain.enums import Phase
from bot.domain.intake import MAX_FIELD, MAX_SITUATION, MAX_TITLE
from bot.slack.blocks import plain as kit
from bot.slack.blocks.text import clip, escape, mention
from bot.slack.ids import ActionId, CallbackId, PresentBlock
from bot.slack.messages import renderer

SECTION_LIMIT = 3000

PHASE_ASKS = {
    Phase.P0: "Read the problem and acknowledge with :eyes: (or the button) once you have.",
    Phase.P1: "*Clarifying questions.* Questioners: ask open questions to understand the situation, at most 2 "
    "each (one plus a follow-up). Presenter: answer in this thread.",
    Phase.P2: "*Restate the problem.* Everyone: post one sentence saying what you think the real problem is. "
    "Presenter: confirm or reframe.",
    Phase.P3: "*Deepening questions.* Questions in turn, at most 3 each: challenge assumptions, explore options. "
    "Still questions, not advice.",
    Phase.P4: "*Presenter reflects and commits.* Presenter: post what you have realised and commit to 1-3 "
    "measurable actions with due dates.",
    Phase.P5: "*Reflection and learning.* Reflector: post the synthesis (themes, assumptions surfaced, the questions "
    "that shifted things, a process observation, one considered idea). Everyone: post one learning.",
}


def _when(iso: str | None, timezone: str) -> str:
    if not iso:
        return ""
    local = datetime.fromisoformat(iso).astimezone(ZoneInfo(timezone))
    return f"{local:%a %d %b %H:%M} ({timezone})"


def _mentions(users: list[str]) -> str:
    return ", ".join(mention(u) for u in users) or "nobody"


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_LIMIT)))


# ---------------------------------------------------------------- intake modal

def present_modal(channel_id: str, *, initial_title: str = "") -> View:
    def field(block: PresentBlock, label: str, *, multiline: bool, max_length: int, optional: bool, hint: str | None = None) -> InputBlock:
        return InputBlock(
            block_id=block,
            label=label,
            optional=optional,
            hint=hint,
            element=PlainTextInputElement(
                action_id=block, multiline=multiline, max_length=max_length,
                initial_value=initial_title if block == PresentBlock.TITLE and initial_title else None,
            ),
        )

    return View(
        type="modal",
        callback_id=CallbackId.PRESENT_MODAL,
        title=PlainTextObject(text="Present a problem"),
        submit=PlainTextObject(text="Present"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=json.dumps({"channel_id": channel_id}),
        blocks=[
            field(PresentBlock.TITLE, "Title", multiline=False, max_length=MAX_TITLE, optional=False),
            field(PresentBlock.SITUATION, "The situation", multiline=True, max_length=MAX_SITUATION, optional=False,
                  hint="What is going on, who is involved, why it matters to you."),
            field(PresentBlock.TRIED, "What I have tried", multiline=True, max_length=MAX_FIELD, optional=True),
            field(PresentBlock.QUESTION, "My question to the set", multiline=True, max_length=MAX_FIELD, optional=True),
            field(PresentBlock.SUCCESS, "What success looks like", multiline=True, max_length=MAX_FIELD, optional=True),
        ],
    )


# ---------------------------------------------------------------- root message

@renderer("presentation_root")
def root_message(data: dict[str, Any]) -> tuple[str, list[Block]]:
    presenter, title = data["presenter_id"], escape(data["title"])
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=clip(data["title"], 150))),
        _section(f"{mention(presenter)} presents a problem to the set.\n\n*The situation*\n{escape(data['situation'])}"),
    ]
    for key, label in (("tried", "What I have tried"), ("question_to_set", "My question to the set"), ("success", "What success looks like")):
        if data.get(key):
            blocks.append(_section(f"*{label}*\n{escape(data[key])}"))
    reports = data.get("reports") or []
    if reports:
        lines = [f"• {mention(r['owner'])}: {escape(r['text'])} _({r['status'].replace('_', ' ')})_ {escape(r['report'])}" for r in reports]
        blocks.append(_section("*Action reports since the last presentation*\n" + "\n".join(lines)))
    blocks += [
        ActionsBlock(elements=[ButtonElement(text="I've read it", action_id=ActionId.ACK_READ, value=str(data["presentation_id"]))]),
        ContextBlock(elements=[MarkdownTextObject(text="Everything happens in this thread. Questions, not advice.")]),
    ]
    return f"{title}: a new problem from <@{presenter}>. Reply in the thread.", blocks


# ---------------------------------------------------------------- phase prompts

# Phase prompts are plain Block Kit dicts (bot/slack/blocks/plain.py): one is rendered per prompt
# posted, 1,000 at once when a tick advances 1,000 presentations, and slack_sdk's model to_dict()
# cost ~0.3 ms of each post's CPU. The output is the same (tests/unit/slack/test_phase_prompt_blocks.py).

def _button(text: str, action_id: str, value: str, style: str | None = None) -> kit.Block:
    button = kit.button(text, action_id, value)
    if style:
        button["style"] = style
    return button


def controls(presentation_id: int) -> kit.Block:
    value = str(presentation_id)
    return {
        "type": "actions",
        "elements": [
            _button("Advance now", ActionId.CONTROL_ADVANCE, value),
            _button("Extend a day", ActionId.CONTROL_EXTEND, value),
            _button("Pause", ActionId.CONTROL_PAUSE, value),
            _button("Resume", ActionId.CONTROL_RESUME, value),
            _button("Close", ActionId.CONTROL_CLOSE, value, style="danger"),
        ],
    }


@renderer("phase_prompt")
def phase_prompt(data: dict[str, Any]) -> tuple[str, list[Block] | list[kit.Block]]:
    phase = Phase(data["phase"])
    if phase == Phase.P6:
        return summary_message(data)
    until = _when(data.get("closes_at"), data["timezone"])
    head = f"*{phase.title}*" + (f" · until {until}" if until else "")
    lines = [head]
    if phase == Phase.P0:
        reflector = data.get("reflector")
        facilitator = data.get("facilitator")
        roles = [f"Presenter: {mention(data['presenter'])}"]
        if facilitator:
            roles.append(f"Facilitator: {mention(facilitator)}" + (" (also reflects)" if reflector == facilitator else ""))
        if reflector and reflector != facilitator:
            roles.append(f"Reflector: {mention(reflector)}")
        roles.append(f"Questioners: {_mentions(data['questioners'])}")
        lines += ["*Roles*\n" + "\n".join(roles), "Ground rules: confidentiality; questions, not advice; respond about once a working day; :eyes: when you have read and have nothing to ask."]
    elif phase in (Phase.P1, Phase.P3):
        order = "in this order: " if phase == Phase.P3 else ""
        lines.append(f"Questioners {order}{_mentions(data['questioners'])}")
    elif phase == Phase.P4:
        lines.append(f"{mention(data['presenter'])}, over to you.")
    elif phase == Phase.P5 and data.get("reflector"):
        lines.append(f"Reflector: {mention(data['reflector'])}")
    lines.append(PHASE_ASKS[phase])
    text = "\n".join(lines)
    value = str(data["presentation_id"])
    blocks: list[kit.Block] = [kit.section(clip(text, SECTION_LIMIT))]
    if phase == Phase.P4:
        blocks.append({"type": "actions", "elements": [_button("Add an action", ActionId.ACTION_ADD, value, style="primary")]})
    if phase in (Phase.P1, Phase.P2, Phase.P3):
        blocks.append({"type": "actions", "elements": [_button("Nothing to add this round", ActionId.ACK_READ, value)]})
    if data.get("facilitator"):
        blocks.append(controls(int(data["presentation_id"])))
        blocks.append(kit.context("Controls are for the facilitator."))
    plain = f"{phase.title}" + (f" until {until}" if until else "")
    return plain, blocks


def summary_message(data: dict[str, Any]) -> tuple[str, list[Block]]:
    summary = data.get("summary") or {}
    counts: dict[str, dict[str, int]] = summary.get("counts") or {}
    count_lines = []
    for phase in Phase:
        kinds = counts.get(str(int(phase)))
        if kinds:
            parts = ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in sorted(kinds.items()))
            count_lines.append(f"• {phase.title}: {parts}")
    actions = summary.get("actions") or []
    action_lines = [f"• {mention(a['owner'])}: {escape(a['text'])}, due {a['due_on']} ({a['status']})" for a in actions]
    links = " · ".join(f"<{link['url']}|{escape(link['label'])}>" for link in summary.get("links") or [] if "url" in link)
    text = (
        f"*Closed: {escape(summary.get('title', ''))}*\n"
        + (f"{links}\n" if links else "")
        + f"*Participants:* {_mentions(summary.get('participants') or [])}\n"
        + ("*Contributions*\n" + "\n".join(count_lines) + "\n" if count_lines else "")
        + ("*Actions*\n" + "\n".join(action_lines) if action_lines else "*Actions:* none recorded yet.")
    )
    return f"Closed: {summary.get('title', '')}. Thank you all.", [_section(text)]


# ---------------------------------------------------------------- nudges and invitations

@renderer("nudge")
def nudge(data: dict[str, Any]) -> tuple[str, None]:
    phase = Phase(data["phase"])
    return (
        f"A friendly nudge: \"{data['title']}\" is halfway through {phase.title.lower()}. "
        "Ask a question in the thread, or react with :eyes: if you've read it and have nothing to ask.",
        None,
    )


@renderer("invitation")
def invitation(data: dict[str, Any]) -> tuple[str, list[Block]]:
    user = mention(data["user_id"])
    until = _when(data.get("expires_at"), data["timezone"])
    text = (
        f":wave: {user}, you're up next! Nothing is open in the set right now. Would you bring a problem? "
        f"Present, or pass and I'll ask the next person" + (f" (I'll move on after {until})." if until else ".")
    )
    value = str(data["invitation_id"])
    blocks: list[Block] = [
        _section(text),
        ActionsBlock(
            elements=[
                ButtonElement(text="Present a problem", action_id=ActionId.INVITE_PRESENT, value=value, style="primary"),
                ButtonElement(text="Pass this time", action_id=ActionId.INVITE_PASS, value=value),
            ]
        ),
    ]
    return f"{user}, you're up next: present a problem, or pass.", blocks
