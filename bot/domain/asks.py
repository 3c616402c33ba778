"""What a role asks of a member in each phase: one line for App Home and status."""

from __future__ import annotations

from collections.abc import Collection

from bot.domain.enums import Phase, Role

_ASKS: dict[tuple[Phase, Role], str] = {
    (Phase.P0, Role.QUESTIONER): "Read the problem and react with :eyes:.",
    (Phase.P0, Role.FACILITATOR): "Read the problem; you guide the process from here.",
    (Phase.P0, Role.REFLECTOR): "Read the problem; watch how the set works, for your synthesis at the end.",
    (Phase.P0, Role.PRESENTER): "Your problem is posted; the set is reading it.",
    (Phase.P1, Role.QUESTIONER): "Ask up to 2 open, clarifying questions in the thread.",
    (Phase.P1, Role.PRESENTER): "Answer the clarifying questions in the thread.",
    (Phase.P2, Role.QUESTIONER): "Post one sentence: what do you think the real problem is?",
    (Phase.P2, Role.PRESENTER): "Confirm or reframe the problem as the set restates it.",
    (Phase.P3, Role.QUESTIONER): "Ask up to 3 deepening questions, in turn.",
    (Phase.P3, Role.PRESENTER): "Answer the deepening questions.",
    (Phase.P4, Role.PRESENTER): "Post your insights and commit to 1-3 measurable actions.",
    (Phase.P5, Role.REFLECTOR): "Post your synthesis: themes, assumptions, what shifted, one considered idea.",
    (Phase.P5, Role.QUESTIONER): "Post one thing you learned.",
    (Phase.P5, Role.PRESENTER): "Post one thing you learned.",
}


def what_it_asks(phase: Phase, roles: Collection[Role]) -> str:
    """The most specific ask among the member's roles (facilitators also keep the process moving)."""
    for role in (Role.PRESENTER, Role.REFLECTOR, Role.QUESTIONER, Role.FACILITATOR):
        if role in roles and (phase, role) in _ASKS:
            return _ASKS[(phase, role)]
    if Role.FACILITATOR in roles:
        return "Keep the process moving: advance, extend or pause with the buttons in the thread."
    return "Follow the thread; nothing is asked of you in this phase."
