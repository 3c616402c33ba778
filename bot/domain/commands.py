"""Parsing `/als` text into a subcommand, and the usage line of every subcommand."""

from __future__ import annotations

from dataclasses import dataclass

MAX_COMMAND_TEXT = 4000  # Slack sends at most a few thousand characters; more is not a command


@dataclass(frozen=True)
class Usage:
    syntax: str
    summary: str


# The order here is the order of `/als help`.
USAGE: dict[str, Usage] = {
    "help": Usage("/als help", "Show this help."),
    "setup": Usage("/als setup", "Create a learning set in this channel, or change its settings."),
    "status": Usage("/als status", "The set at a glance: settings, members, who has agreed."),
    "join": Usage("/als join", "Take an active seat in this channel's set (4-7 members)."),
    "leave": Usage("/als leave", "Give up your seat and stay as an observer."),
    "away": Usage("/als away until <date>", "No roles, prompts or nudges until then (2027-01-10, tomorrow, next monday)."),
    "back": Usage("/als back", "Back from being away."),
    "present": Usage("/als present [text]", "Bring a problem to the set: a form, or the text right away."),
    "export": Usage("/als export", "The set's history as a Markdown file, sent to you by DM (never reflections)."),
    "forget": Usage("/als forget me", "Erase your reflections and anonymise your contributions (asks first)."),
}


@dataclass(frozen=True)
class Command:
    name: str
    argument: str  # the rest of the text, stripped; "" when absent


class CommandError(ValueError):
    """The text is not a command we know; the message is safe to show the user."""


def parse_command(text: str | None) -> Command:
    """Split `/als` text into subcommand and argument. An empty text means help."""
    text = (text or "").strip()
    if len(text) > MAX_COMMAND_TEXT:
        raise CommandError(f"That is too long for a command ({len(text):,} characters).")
    if not text:
        return Command("help", "")
    name, _, rest = text.partition(" ")
    name = name.lower()
    if name not in USAGE:
        shown = name if len(name) <= 30 else name[:30] + "…"
        raise CommandError(f"I don't know the command `{shown}`.")
    return Command(name, rest.strip())
