"""The setup modal and the welcome message with the ground rules."""

from __future__ import annotations

import json
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.enums import Pace
from bot.domain.set_settings import MIN_ACTIVE_MEMBERS, WEEKDAY_NAMES, SetSettings
from bot.slack.blocks.text import escape
from bot.slack.ids import ActionId, CallbackId, SetupBlock

PACE_LABELS = {
    Pace.SPRINT: "Sprint: 5 working days",
    Pace.STANDARD: "Standard: 10 working days",
    Pace.RELAXED: "Relaxed: 15 working days",
}

GROUND_RULES = [
    ("Confidentiality", "What is said in the set stays in the set."),
    ("Questions, not advice", "Help the presenter think by asking open questions; hold back solutions."),
    ("Once a working day", "While a presentation is open, read and respond about once a working day."),
    ("Acknowledge", "React with :eyes: when you have read and have nothing to ask."),
]


@dataclass(frozen=True)
class SetupMetadata:
    """Carried through the modal in `private_metadata`: where the set lives and what we warned."""

    channel_id: str
    set_id: int | None
    is_private: bool
    is_ext_shared: bool

    def encode(self) -> str:
        return json.dumps(self.__dict__)

    @classmethod
    def decode(cls, text: str) -> SetupMetadata:
        data = json.loads(text)
        return cls(
            channel_id=str(data["channel_id"]),
            set_id=int(data["set_id"]) if data.get("set_id") is not None else None,
            is_private=bool(data["is_private"]),
            is_ext_shared=bool(data["is_ext_shared"]),
        )


def _option(text: str, value: str) -> Option:
    return Option(text=PlainTextObject(text=text), value=value)


def setup_modal(initial: SetSettings, metadata: SetupMetadata, warnings: list[str]) -> View:
    """The setup (or settings) modal, prefilled with `initial`."""
    pace_options = [_option(label, pace.value) for pace, label in PACE_LABELS.items()]
    day_options = [_option(name, str(i)) for i, name in enumerate(WEEKDAY_NAMES)]
    hour_options = [_option(f"{h:02d}:00", str(h)) for h in range(24)]
    concurrency = [_option("1 at a time", "1"), _option("2 at a time", "2")]
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f":warning: {escape(w)}")) for w in warnings
    ]
    blocks += [
        InputBlock(
            block_id=SetupBlock.NAME,
            label="Set name",
            element=PlainTextInputElement(action_id=SetupBlock.NAME, initial_value=initial.name, max_length=80),
        ),
        InputBlock(
            block_id=SetupBlock.PACE,
            label="Pace of a presentation",
            element=StaticSelectElement(
                action_id=SetupBlock.PACE,
                options=pace_options,
                initial_option=_option(PACE_LABELS[initial.pace], initial.pace.value),
            ),
        ),
        InputBlock(
            block_id=SetupBlock.TIMEZONE,
            label="The set's time zone",
            hint="An IANA name such as Europe/London. Deadlines fall on working days in this zone.",
            element=PlainTextInputElement(action_id=SetupBlock.TIMEZONE, initial_value=initial.timezone),
        ),
        InputBlock(
            block_id=SetupBlock.WORKING_DAYS,
            label="Working days",
            element=CheckboxesElement(
                action_id=SetupBlock.WORKING_DAYS,
                options=day_options,
                initial_options=[day_options[d] for d in sorted(initial.working_days)],
            ),
        ),
        InputBlock(
            block_id=SetupBlock.REFLECTION_WEEKDAY,
            label="Weekly reflection day",
            hint="Each member gets the reflection prompt on this day, in their own time zone.",
            element=StaticSelectElement(
                action_id=SetupBlock.REFLECTION_WEEKDAY,
                options=day_options,
                initial_option=day_options[initial.reflection_weekday],
            ),
        ),
        InputBlock(
            block_id=SetupBlock.REFLECTION_HOUR,
            label="Weekly reflection time",
            element=StaticSelectElement(
                action_id=SetupBlock.REFLECTION_HOUR,
                options=hour_options,
                initial_option=hour_options[initial.reflection_hour],
            ),
        ),
        InputBlock(
            block_id=SetupBlock.MAX_CONCURRENT,
            label="Presentations running at once",
            element=RadioButtonsElement(
                action_id=SetupBlock.MAX_CONCURRENT,
                options=concurrency,
                initial_option=concurrency[initial.max_concurrent - 1],
            ),
        ),
    ]
    return View(
        type="modal",
        callback_id=CallbackId.SETUP_MODAL,
        title=PlainTextObject(text="Set settings" if metadata.set_id else "Set up a learning set"),
        submit=PlainTextObject(text="Save" if metadata.set_id else "Create set"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=metadata.encode(),
        blocks=blocks,
    )


def welcome_text(settings: SetSettings) -> str:
    rules = "; ".join(f"{title}: {rule}" for title, rule in GROUND_RULES)
    return f"Welcome to the learning set {settings.name}. Ground rules: {rules} Press \"I agree\" to agree."


def welcome_blocks(settings: SetSettings, *, set_id: int, members: int, warnings: list[str]) -> list[Block]:
    """The welcome message: ground rules, agree button, and any warnings about size or privacy."""
    rules = "\n".join(f"*{title}.* {rule}" for title, rule in GROUND_RULES)
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=f"Welcome to {settings.name}"[:150])),
        SectionBlock(
            text=MarkdownTextObject(
                text="This channel is now an action learning set. A member presents a real work problem "
                "with `/als present`; the others help by asking questions in its thread. "
                "The presenter leaves with actions and reports back what they learned."
            )
        ),
        SectionBlock(text=MarkdownTextObject(text=f"*Our ground rules*\n{rules}")),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="I agree", action_id=ActionId.AGREE_GROUND_RULES, value=str(set_id), style="primary"
                )
            ]
        ),
    ]
    notes = [f":warning: {escape(w)}" for w in warnings]
    if members < MIN_ACTIVE_MEMBERS:
        notes.append(
            f":warning: The set has {members} member{'s' if members != 1 else ''}; action learning works best "
            f"with {MIN_ACTIVE_MEMBERS}-7. Invite colleagues to this channel; they join automatically."
        )
    if notes:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=n) for n in notes]))
    return blocks
