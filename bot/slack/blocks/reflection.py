"""Weekly reflection: the DM prompt, the writing modal, the saved note, sharing, and App Home blocks.

Pure builders fed with plain values and service dataclasses; every message has a text fallback.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DividerBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.services.reflections import OpenAction, ReflectionHome, SetChoice
from bot.slack.blocks.text import clip, escape, mention
from bot.slack.ids import ActionId, CallbackId, ReflectionBlock

PROMPTS = (
    (ReflectionBlock.HAPPENED, "What happened in your work this week?"),
    (ReflectionBlock.LEARNED, "What did you learn?"),
    (ReflectionBlock.NEXT, "What will you do next?"),
)
MAX_ACTIONS_LISTED = 10
SECTION_LIMIT = 3000  # Slack's limit on a section's text
INPUT_LIMIT = 3000
PRIVATE_NOTE = "Your reflections are private. Nothing is shared unless you press *Share with my set*."


def week_label(week_start: date) -> str:
    return f"week of {week_start.day} {week_start:%b %Y}"


# ---------------------------------------------------------------- the weekly DM


def prompt_text(week_start: date) -> str:
    questions = " ".join(q for _, q in PROMPTS)
    return f"Time for your weekly reflection ({week_label(week_start)}): {questions} Reply here, or press Write my reflection."


def prompt_blocks(week_start: date, actions: Sequence[OpenAction]) -> list[Block]:
    """The prompt: three questions, the member's open actions, and the four buttons."""
    questions = "\n".join(f"• {q}" for _, q in PROMPTS)
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f"*Time for your weekly reflection* ({week_label(week_start)})\n{questions}")),
    ]
    if actions:
        lines = [f"• {escape(clip(a.text, 200))} (due {a.due_on:%a %d %b})" for a in actions[:MAX_ACTIONS_LISTED]]
        if len(actions) > MAX_ACTIONS_LISTED:
            lines.append(f"…and {len(actions) - MAX_ACTIONS_LISTED} more")
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip("*Your open actions*\n" + "\n".join(lines), SECTION_LIMIT))))
    week = week_start.isoformat()
    blocks += [
        ContextBlock(elements=[MarkdownTextObject(text=f"Reply in this DM (each message is added to this week's entry), or use the button. {PRIVATE_NOTE}")]),
        ActionsBlock(
            elements=[
                ButtonElement(text="Write my reflection", action_id=ActionId.REFLECTION_WRITE, value=week, style="primary"),
                ButtonElement(text="Snooze a week", action_id=ActionId.REFLECTION_SNOOZE, value=week),
                ButtonElement(
                    text="Stop these prompts",
                    action_id=ActionId.REFLECTION_STOP,
                    value=week,
                    confirm=ConfirmObject(
                        title="Stop weekly prompts?",
                        text="You can resume them any time from my App Home.",
                        confirm="Stop them",
                        deny="Keep them",
                    ),
                ),
            ]
        ),
    ]
    return blocks


# ---------------------------------------------------------------- writing


def reflection_modal(week_start: date, existing: str | None) -> View:
    """Three optional answers; what is written is added to the week's entry."""
    blocks: list[Block] = []
    if existing:
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text=clip(f"*So far this week:*\n{escape(existing)}", 2000))])
        )
    for block_id, question in PROMPTS:
        blocks.append(
            InputBlock(
                block_id=block_id,
                label=question,
                optional=True,
                element=PlainTextInputElement(action_id=block_id, multiline=True, max_length=INPUT_LIMIT),
            )
        )
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=PRIVATE_NOTE)]))
    return View(
        type="modal",
        callback_id=CallbackId.REFLECTION_MODAL,
        title="Weekly reflection",
        submit="Save",
        close="Cancel",
        private_metadata=json.dumps({"week": week_start.isoformat()}),
        blocks=blocks,
    )


def compose_answers(answers: dict[str, str]) -> str:
    """One entry from the modal's answers, each under its question."""
    parts = [f"{question}\n{answers[block_id].strip()}" for block_id, question in PROMPTS if (answers.get(block_id) or "").strip()]
    return "\n\n".join(parts)


def saved_text(week_start: date, *, created: bool) -> str:
    verb = "Saved to" if created else "Added to"
    return f"{verb} your private learning log ({week_label(week_start)})."


def saved_blocks(reflection_id: int, week_start: date, *, created: bool, shared: bool) -> list[Block]:
    """The quiet confirmation; it carries "Share with my set" while the entry is unshared."""
    blocks: list[Block] = [ContextBlock(elements=[MarkdownTextObject(text=f":memo: {saved_text(week_start, created=created)}")])]
    if not shared:
        blocks.append(
            ActionsBlock(
                elements=[ButtonElement(text="Share with my set", action_id=ActionId.REFLECTION_SHARE, value=str(reflection_id))]
            )
        )
    return blocks


NOT_A_MEMBER = (
    "I keep a private weekly learning log for members of action learning sets. "
    "Join a set (`/als help` shows how) and your replies here will be saved."
)


# ---------------------------------------------------------------- sharing


def share_modal(reflection_id: int, text: str, choices: Sequence[SetChoice]) -> View:
    """Confirm what is shared and where (a select when the member has several sets)."""
    options = [Option(value=str(c.set_id), label=clip(c.name, 75)) for c in choices]
    return View(
        type="modal",
        callback_id=CallbackId.REFLECTION_SHARE_MODAL,
        title="Share with my set",
        submit="Share",
        close="Cancel",
        private_metadata=str(reflection_id),
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=clip(f"*This entry will be posted in the set's channel:*\n{escape(text)}", SECTION_LIMIT))),
            InputBlock(
                block_id=ReflectionBlock.SHARE_SET,
                label="Share with",
                element=StaticSelectElement(action_id=ReflectionBlock.SHARE_SET, options=options, initial_option=options[0]),
            ),
        ],
    )


def shared_text(user_id: str, week_start: date) -> str:
    return f"{mention(user_id)} shared a reflection ({week_label(week_start)})."


def shared_blocks(user_id: str, week_start: date, text: str) -> list[Block]:
    """The entry as posted into the set's channel: escaped, quoted, attributed."""
    quoted = "\n".join(f"> {line}" if line else ">" for line in escape(text).splitlines())
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=f":seedling: {shared_text(user_id, week_start)}"))]
    # Long entries are split over several sections (3,000 characters each), never cut silently.
    for start in range(0, min(len(quoted), SECTION_LIMIT * 10), SECTION_LIMIT):
        blocks.append(SectionBlock(text=MarkdownTextObject(text=quoted[start : start + SECTION_LIMIT])))
    return blocks


# ---------------------------------------------------------------- App Home


def reflection_home_blocks(home: ReflectionHome | None) -> list[Block]:
    """"My last reflections" and the prompt preference, for the end of the Home tab."""
    if home is None:
        return []
    if home.opted_out:
        state = "Weekly reflection prompts are *off*."
    elif home.snoozed_until is not None:
        state = f"Weekly reflection prompts are on (snoozed until {home.snoozed_until:%a %d %b})."
    else:
        state = "Weekly reflection prompts are *on*: I'll DM you at your set's reflection time."
    lines = [
        f"• {week_label(r.week_start).capitalize()}: {escape(clip(r.preview.replace(chr(10), ' '), 120))} "
        + (f"_(shared in <#{r.shared_channel_id}>)_" if r.shared_channel_id else "_(private)_")
        for r in home.recent
    ] or ["No reflections yet. Reply to my weekly DM to start your learning log."]
    blocks: list[Block] = [
        DividerBlock(),
        SectionBlock(text=MarkdownTextObject(text=clip("*My last reflections*\n" + "\n".join(lines), SECTION_LIMIT))),
        ContextBlock(elements=[MarkdownTextObject(text=state)]),
    ]
    if home.opted_out:
        blocks.append(
            ActionsBlock(
                elements=[ButtonElement(text="Resume weekly reflections", action_id=ActionId.HOME_REFLECTIONS_RESUME, value="resume")]
            )
        )
    return blocks
