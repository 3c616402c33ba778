"""A presentation's intake (what the presenter brings) and its limits."""

from __future__ import annotations

from dataclasses import dataclass

MAX_TITLE = 150  # a header block's limit
MAX_SITUATION = 1500
MAX_FIELD = 1000


@dataclass(frozen=True)
class Intake:
    title: str
    situation: str
    tried: str = ""
    question_to_set: str = ""
    success: str = ""


def validate_intake(
    *, title: str | None, situation: str | None, tried: str | None = None,
    question_to_set: str | None = None, success: str | None = None,
) -> tuple[Intake | None, dict[str, str]]:
    """The intake when valid, else None and a user-safe message per field name."""
    fields = {
        "title": (title or "").strip(),
        "situation": (situation or "").strip(),
        "tried": (tried or "").strip(),
        "question_to_set": (question_to_set or "").strip(),
        "success": (success or "").strip(),
    }
    errors: dict[str, str] = {}
    if not fields["title"]:
        errors["title"] = "Give your problem a short title."
    elif len(fields["title"]) > MAX_TITLE:
        errors["title"] = f"Keep the title to {MAX_TITLE} characters."
    if not fields["situation"]:
        errors["situation"] = "Describe the situation: what is going on?"
    elif len(fields["situation"]) > MAX_SITUATION:
        errors["situation"] = f"Keep the situation to {MAX_SITUATION:,} characters (it has {len(fields['situation']):,})."
    for name in ("tried", "question_to_set", "success"):
        if len(fields[name]) > MAX_FIELD:
            errors[name] = f"Keep this to {MAX_FIELD:,} characters."
    if errors:
        return None, errors
    return Intake(**fields), {}


def intake_from_text(text: str) -> tuple[Intake | None, dict[str, str]]:
    """`/als present <text>`: the first line (or sentence) is the title, the whole text the situation."""
    text = text.strip()
    first_line = text.splitlines()[0] if text else ""
    title = first_line if len(first_line) <= 80 else first_line[:77].rstrip() + "..."
    return validate_intake(title=title, situation=text)
