"""Shared enums: stored values and phase titles never change silently."""

from bot.domain.enums import ContributionKind, Pace, Phase, Role


def test_string_values_are_the_stored_values() -> None:
    assert [p.value for p in Pace] == ["sprint", "standard", "relaxed"]
    assert [r.value for r in Role] == ["presenter", "facilitator", "reflector", "questioner"]
    assert [k.value for k in ContributionKind] == [
        "question", "answer", "restatement", "learning", "synthesis", "comment",
    ]  # fmt: skip
    assert Pace("standard") is Pace.STANDARD


def test_phases_are_integers_with_titles() -> None:
    assert [int(p) for p in Phase] == list(range(7))
    assert Phase(3) is Phase.P3
    assert Phase.P0.title == "Present"
    assert Phase.P1.title == "Clarifying questions"
    assert Phase.P2.title == "Restate the problem"
    assert Phase.P3.title == "Deepening questions"
    assert Phase.P4.title == "Presenter reflects and commits"
    assert Phase.P5.title == "Reflection and learning"
    assert Phase.P6.title == "Close"


def test_next_phase() -> None:
    assert Phase.P0.next is Phase.P1
    assert Phase.P5.next is Phase.P6
    assert Phase.P6.next is None
