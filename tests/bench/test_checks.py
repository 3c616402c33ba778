"""bench/checks.py: which figures are the goals' checks (the bench's own logic, on made-up figures)."""

from __future__ import annotations

import argparse

from bench.checks import BOT, REF, evaluate
from bench.common import Results


def _checks(results: Results) -> dict[str, tuple[bool, str]]:
    evaluate(results, argparse.Namespace())
    return {what: (met, detail) for goal, what, met, detail in results.checks}


def _fanout(results: Results, scenario: str, bot: float, floor: float) -> None:
    results.add("4-fanout", f"{scenario}: seconds", "bot", bot)
    results.add("4-fanout", f"{scenario}: seconds", "floor client", floor)


def test_fifty_clients_are_checked_against_300_ms_with_the_ratio_shown_beside_it() -> None:
    results = Results()
    for column, p99 in ((BOT, 190.0), (REF, 85.0)):
        results.add("1-concurrency-pg", "p99 ms", column, p99)
        results.add("1-concurrency-pg", "acked within 3 s (%)", column, 100.0)

    met, detail = _checks(results)["50 clients (PostgreSQL): p99 <= 300 ms"]

    assert met and "2.24x" in detail
    results = Results()
    results.add("1-concurrency", "p99 ms", BOT, 301.0)
    results.add("1-concurrency", "p99 ms", REF, 290.0)
    results.add("1-concurrency", "acked within 3 s (%)", BOT, 100.0)
    assert _checks(results)["50 clients (SQLite): p99 <= 300 ms"][0] is False


def test_fanout_speed_is_judged_at_a_scenarios_widest_windows_and_narrower_ones_are_stress() -> None:
    results = Results()
    _fanout(results, "DMs week 2 (cached DM ids), windows /60", bot=3.7, floor=3.3)
    _fanout(results, "DMs week 2 (cached DM ids), windows /20", bot=10.3, floor=10.0)
    _fanout(results, "DMs week 1 (open each DM), windows /60", bot=23.0, floor=20.0)

    checks = _checks(results)

    assert checks["DMs week 2 (cached DM ids), windows /20: <= 1.1x floor"][0] is True
    assert checks["DMs week 2 (cached DM ids), windows /60: <= 1.1x floor (stress, not the goal's scale)"][0] is False
    # Measured at one scale only: that scale is the goal's.
    assert checks["DMs week 1 (open each DM), windows /60: <= 1.1x floor"][0] is False
