"""Role rotation: fair over long histories, deterministic, never the presenter."""

from collections import Counter
from collections.abc import Callable, Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.enums import Role
from bot.domain.rotation import (
    NotEnoughMembers,
    PastPresentation,
    RoleAssignment,
    assign_roles,
    next_presenter,
)

SIX = ["U1", "U2", "U3", "U4", "U5", "U6"]


def simulate(
    rounds: int, available_at: Callable[[int], Sequence[str]]
) -> tuple[list[PastPresentation], list[RoleAssignment]]:
    """Run `rounds` presentations, presenter from next_presenter, roles from assign_roles."""
    history: list[PastPresentation] = []
    assignments: list[RoleAssignment] = []
    for index in range(rounds):
        available = available_at(index)
        presenter = next_presenter(available, history)
        assert presenter is not None
        roles = assign_roles(presenter, available, history)
        assignments.append(roles)
        history.append(PastPresentation(presenter, roles.facilitator, roles.reflector))
    return history, assignments


def spread(counts: Counter[str], members: Sequence[str]) -> int:
    return max(counts[m] for m in members) - min(counts[m] for m in members)


def assert_presenters_cycle(history: Sequence[PastPresentation], members: Sequence[str]) -> None:
    """Nobody presents a second time before everyone presented once, cycle after cycle."""
    size = len(members)
    for start in range(0, len(history) - size + 1, size):
        assert sorted(p.presenter for p in history[start : start + size]) == sorted(members)


# --- the basic choice --------------------------------------------------------------------------


def test_first_presentation_uses_join_order() -> None:
    roles = assign_roles("U1", SIX, [])
    assert roles == RoleAssignment(
        presenter="U1",
        facilitator="U2",
        reflector="U3",
        questioners=("U4", "U5", "U6"),
        listeners=tuple(SIX),
    )


def test_least_recently_served_facilitator_wins() -> None:
    history = [
        PastPresentation("U1", "U2", "U3"),
        PastPresentation("U2", "U4", "U5"),
        PastPresentation("U3", "U5", "U6"),
    ]
    # U1, U3 and U6 never facilitated and U1 presents. U3 presented (index 2) but U6 never did,
    # so U6 presents sooner and wins the tie over join order.
    roles = assign_roles("U1", SIX, history)
    assert roles.facilitator == "U6"
    # Reflector: never reflected: U2, U4 (U1 presents, U6 facilitates); U4 presents sooner.
    assert roles.reflector == "U4"
    assert roles.questioners == ("U2", "U3", "U5")


def test_with_equal_turns_whoever_presents_soonest_serves_first() -> None:
    history = [
        PastPresentation("U1", "U2", None),
        PastPresentation("U2", "U3", None),
        PastPresentation("U3", "U4", None),
        PastPresentation("U4", "U1", None),
    ]
    # Everyone facilitated once. U1 presents now; of the others U2 presents soonest (it presented
    # longest ago), and could not facilitate while presenting, so it takes its turn now.
    assert assign_roles("U1", ["U1", "U2", "U3", "U4"], history).facilitator == "U2"
    assert assign_roles("U2", ["U1", "U2", "U3", "U4"], history).facilitator == "U1"


def test_fewest_turns_go_first() -> None:
    history = [PastPresentation("U1", "U2", None), PastPresentation("U2", "U3", None), PastPresentation("U3", "U2", None)]
    assert assign_roles("U4", ["U1", "U2", "U3", "U4"], history).facilitator == "U1"  # never facilitated


def test_members_in_history_but_gone_are_ignored() -> None:
    history = [PastPresentation("UX", "UY", "UZ")]
    roles = assign_roles("U1", ["U1", "U2", "U3", "U4"], history)
    assert {roles.facilitator, roles.reflector} <= {"U2", "U3", "U4"}


def test_three_members_facilitator_also_reflects_and_questions() -> None:
    roles = assign_roles("U2", ["U1", "U2", "U3"], [])
    assert roles.facilitator == "U1"
    assert roles.reflector == "U1"
    assert roles.questioners == ("U1", "U3")
    assert roles.listeners == ("U1", "U2", "U3")
    assert roles.roles_of("U1") == {Role.FACILITATOR, Role.REFLECTOR, Role.QUESTIONER}
    assert roles.roles_of("U2") == {Role.PRESENTER}
    assert roles.roles_of("U3") == {Role.QUESTIONER}
    assert roles.roles_of("U9") == frozenset()


@pytest.mark.parametrize("available", [["U1"], ["U1", "U2"], ["U1", "U2", "U2"]])
def test_fewer_than_three_is_refused_politely(available: list[str]) -> None:
    with pytest.raises(NotEnoughMembers, match="at least 3 available members") as caught:
        assign_roles("U1", available, [])
    assert isinstance(caught.value, ValueError)


def test_presenter_must_be_available() -> None:
    with pytest.raises(ValueError, match="not among the available"):
        assign_roles("U9", SIX, [])


# --- next presenter ----------------------------------------------------------------------------


def test_next_presenter_never_presented_first_then_least_recent() -> None:
    assert next_presenter(SIX, []) == "U1"
    history = [PastPresentation("U1", None, None), PastPresentation("U3", None, None)]
    assert next_presenter(SIX, history) == "U2"
    everyone = [PastPresentation(m, None, None) for m in ["U4", "U2", "U1", "U3"]]
    assert next_presenter(["U1", "U2", "U3", "U4"], everyone) == "U4"


def test_next_presenter_skips_passes_and_runs_out() -> None:
    history = [PastPresentation(m, None, None) for m in ["U1", "U2", "U3"]]
    members = ["U1", "U2", "U3"]
    assert next_presenter(members, history) == "U1"
    assert next_presenter(members, history, passed={"U1"}) == "U2"
    assert next_presenter(members, history, passed={"U1", "U2", "U3"}) is None
    assert next_presenter([], []) is None


# --- long histories ----------------------------------------------------------------------------


@pytest.mark.parametrize("rounds", [12, 60])
def test_six_members_long_run_is_fair(rounds: int) -> None:
    history, assignments = simulate(rounds, lambda _: SIX)
    assert_presenters_cycle(history, SIX)
    assert_least_recent_presenter_chosen(history, lambda _: SIX)
    facilitators: Counter[str] = Counter()
    reflectors: Counter[str] = Counter()
    for past in history:
        facilitators[past.facilitator or ""] += 1
        reflectors[past.reflector or ""] += 1
        # Fair at every point, not only at the end.
        assert spread(facilitators, SIX) <= 1
        assert spread(reflectors, SIX) <= 1
    assert all(facilitators[m] == rounds // 6 for m in SIX)
    for roles in assignments:
        assert roles.facilitator != roles.presenter
        assert roles.reflector not in {roles.presenter, roles.facilitator}


@pytest.mark.parametrize("size", [4, 5, 7])
def test_other_set_sizes_stay_within_one(size: int) -> None:
    members = [f"U{i}" for i in range(size)]
    history, _ = simulate(size * 8, lambda _: members)
    assert_presenters_cycle(history, members)
    assert spread(Counter(p.facilitator for p in history), members) <= 1
    assert spread(Counter(p.reflector for p in history), members) <= 1


def assert_least_recent_presenter_chosen(
    history: Sequence[PastPresentation], available_at: Callable[[int], Sequence[str]]
) -> None:
    """Each presenter had the oldest (or no) presentation among those available at the time,
    so nobody presents twice before every available member has presented once."""
    for index, past in enumerate(history):
        last = {p.presenter: i for i, p in enumerate(history[:index])}
        assert all(last.get(past.presenter, -1) <= last.get(m, -1) for m in available_at(index))


@pytest.mark.parametrize(("away", "start", "end"), [("U4", 8, 20), ("U2", 8, 20), ("U6", 5, 17)])
def test_member_away_for_a_stretch_is_skipped_then_picked_up(
    away: str, start: int, end: int
) -> None:
    def available_at(index: int) -> list[str]:
        return [m for m in SIX if not (m == away and start <= index < end)]

    history, assignments = simulate(60, available_at)
    for roles in assignments[start:end]:
        assert away not in roles.listeners
        assert away not in {roles.presenter, roles.facilitator, roles.reflector, *roles.questioners}
    # Back: the member presented longest ago, so presents first, and soon serves again.
    assert history[end].presenter == away
    assert away in {p.facilitator for p in history[end : end + 6]}
    assert away in {p.reflector for p in history[end : end + 6]}
    assert_least_recent_presenter_chosen(history, available_at)
    always = [m for m in SIX if m != away]
    facilitators: Counter[str] = Counter()
    reflectors: Counter[str] = Counter()
    for past in history:
        facilitators[past.facilitator or ""] += 1
        reflectors[past.reflector or ""] += 1
        # Around an absence one member can be a turn ahead for a while; never more.
        assert spread(facilitators, always) <= 2
        assert spread(reflectors, always) <= 2
    # Fewest-turns-first re-balances: by the end the always-available members are within one.
    assert spread(facilitators, always) <= 1
    assert spread(reflectors, always) <= 1


@pytest.mark.parametrize("away", SIX)
def test_every_absence_pattern_rebalances_within_one(away: str) -> None:
    """Exhaustive over when a member leaves (0-11) and how long (1-13 presentations)."""
    always = [m for m in SIX if m != away]
    for start in range(12):
        for end in range(start + 1, start + 14):
            history, _ = simulate(40, lambda i: [m for m in SIX if not (m == away and start <= i < end)])
            facilitators = Counter(p.facilitator for p in history)
            reflectors = Counter(p.reflector for p in history)
            assert spread(facilitators, always) <= 1, (away, start, end)
            assert spread(reflectors, always) <= 1, (away, start, end)


# --- properties ---------------------------------------------------------------------------------

member_ids = st.lists(
    st.sampled_from([f"U{i}" for i in range(10)]), min_size=3, max_size=8, unique=True
)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[str, list[str], list[PastPresentation]]:
    available = draw(member_ids)
    pool = [*available, "UGONE1", "UGONE2"]
    maybe = st.one_of(st.none(), st.sampled_from(pool))
    history = draw(
        st.lists(st.builds(PastPresentation, st.sampled_from(pool), maybe, maybe), max_size=30)
    )
    presenter = draw(st.sampled_from(available))
    return presenter, available, history


@given(scenarios())
def test_role_invariants(scenario: tuple[str, list[str], list[PastPresentation]]) -> None:
    presenter, available, history = scenario
    roles = assign_roles(presenter, available, history)
    assert roles.presenter == presenter
    assert roles.facilitator != presenter
    assert roles.facilitator in available and roles.reflector in available
    assert roles.listeners == tuple(available)
    assert presenter not in roles.questioners
    assert len(set(roles.questioners)) == len(roles.questioners)
    if len(available) >= 4:
        assert roles.reflector not in {presenter, roles.facilitator}
        assert not {presenter, roles.facilitator, roles.reflector} & set(roles.questioners)
        assert len(roles.questioners) == len(available) - 3
    else:
        assert roles.reflector == roles.facilitator
        assert set(roles.questioners) == set(available) - {presenter}
    # Deterministic: the same inputs give the same roles.
    assert assign_roles(presenter, list(available), list(history)) == roles


@given(scenarios(), st.sets(st.sampled_from([f"U{i}" for i in range(10)])))
def test_next_presenter_invariants(
    scenario: tuple[str, list[str], list[PastPresentation]], passed: set[str]
) -> None:
    _, available, history = scenario
    chosen = next_presenter(available, history, passed=passed)
    remaining = [m for m in available if m not in passed]
    if not remaining:
        assert chosen is None
        return
    assert chosen in remaining
    never = [m for m in remaining if m not in {p.presenter for p in history}]
    if never:
        assert chosen == never[0]
    assert next_presenter(available, history, passed=passed) == chosen
