"""The goals of issue 8 as checks over the measured medians (reported, never asserted in tests)."""

from __future__ import annotations

import argparse
import math

from bench.common import Results
from bench.traffic import KINDS

REF = "reference (pbr=False)"  # the bot runs with Bolt's default, process_before_response=False
BOT = "bot (pbr=False)"


def _m(results: Results, goal: str, row: str, column: str) -> float:
    return results.get(goal, row, column).median


def evaluate(results: Results, args: argparse.Namespace) -> None:
    for goal, label in (("1-inprocess", "in-process"), ("1-http", "HTTP")):
        for kind in KINDS:
            bot, ref = _m(results, goal, f"{kind} p99 ms", BOT), _m(results, goal, f"{kind} p99 ms", REF)
            if not math.isnan(bot):  # measured
                results.check("1", f"{kind} p99 {label} <= 2x reference", bot <= 2 * ref, f"{bot:.1f} vs {ref:.1f} ms ({bot / ref:.2f}x)")
    for goal, where in (("1-concurrency", "SQLite"), ("1-concurrency-pg", "PostgreSQL")):
        bot, ref = _m(results, goal, "p99 ms", BOT), _m(results, goal, "p99 ms", REF)
        acked = min(results.get(goal, "acked within 3 s (%)", BOT).values or [float("nan")])
        if not math.isnan(bot):
            results.check("1", f"50 clients ({where}): every request acked", acked == 100.0, f"worst round {acked:.1f}% acked")
            # The goal for 50 clients is 300 ms (a tenth of Slack's deadline); its 2x-reference
            # line is for one client (above). The ratio is still shown, beside the figure.
            results.check("1", f"50 clients ({where}): p99 <= 300 ms", bot <= 300,
                          f"{bot:.0f} ms (reference {ref:.0f} ms, {bot / ref:.2f}x)")
    for row in results.rows("2-throughput"):  # each database, each reply mix (bench/goal2_recording.py)
        bot, ref = _m(results, "2-throughput", row, "bot"), _m(results, "2-throughput", row, "reference")
        if not math.isnan(bot):
            results.check("2", f"{row.removesuffix(': replies/s')}: replies/s >= 0.67x reference", bot >= 0.67 * ref,
                          f"{bot:.0f} vs {ref:.0f}/s ({bot / ref:.2f}x)")
    shipped = _m(results, "2-threads", "p99 ms", "bot, as shipped")
    if not math.isnan(shipped):
        ref = _m(results, "2-threads", "p99 ms", "reference, as shipped")
        unlined = _m(results, "2-threads", "p99 ms", "bot, BEGIN IMMEDIATE, no writer line")
        lost = max(results.get("2-threads", "errors", "bot, as shipped").values)
        deferred_lost = _m(results, "2-threads", "errors", "bot, deferred BEGIN, no writer line")
        results.check("2", "4 threads on SQLite: every reply recorded", lost == 0,
                      f"worst round {lost:.0f} lost (deferred BEGIN: {deferred_lost:.0f} lost)")
        results.check("2", "4 threads on SQLite: p99 <= 2x reference", shipped <= 2 * ref,
                      f"p99 {shipped:.1f} vs {ref:.1f} ms ({shipped / ref:.2f}x); without the writer line {unlined:.1f} ms")
    for row_col in results.columns("3-tick"):
        t = _m(results, "3-tick", "tick, nothing due (ms)", row_col)
        results.check("3", f"tick, nothing due, {row_col} <= 50 ms", t <= 50, f"{t:.1f} ms")
    for row in ("wall ms", "max RSS MB"):
        tick, base = _m(results, "3-process", row, "python -m bot tick"), _m(results, "3-process", row, "import its libraries")
        if not math.isnan(tick):
            results.check("3", f"tick process {row.split()[0] if row != 'wall ms' else 'wall time'} <= 1.5x imports",
                          tick <= 1.5 * base, f"{tick:.0f} vs {base:.0f} ({tick / base:.2f}x)")
    # Goal 4: every fan-out run measured, each scenario at each scale it ran at (see goal4_fanout).
    # The speed goal is judged at a scenario's widest windows; narrower ones are a stress figure:
    # at /60 a chat.postMessage slot (3.3 ms) is shorter than one post's round trip on this machine
    # (Slack's is 200 ms). Both are shown; docs/BENCHMARKS.md says why.
    seconds_rows = [row for row in results.rows("4-fanout") if row.endswith(": seconds")]
    widest: dict[str, float] = {}
    for row in seconds_rows:
        name, scale = _scenario_and_scale(row.removesuffix(": seconds"))
        widest[name] = min(scale, widest.get(name, scale))
    for row in seconds_rows:
        scenario = row.removesuffix(": seconds")
        bot, floor = _m(results, "4-fanout", row, "bot"), _m(results, "4-fanout", row, "floor client")
        if math.isnan(bot):
            continue
        name, scale = _scenario_and_scale(scenario)
        stress = "" if scale == widest[name] else " (stress, not the goal's scale)"
        worst = {w: max(results.get("4-fanout", f"{scenario}: {w}", "bot").values or [0.0]) for w in ("429s", "lost", "duplicated")}
        results.check("4", f"{scenario}: <= 1.1x floor{stress}", bot <= 1.1 * floor, f"{bot:.2f} vs {floor:.2f} s ({bot / floor:.2f}x)")
        results.check("4", f"{scenario}: no 429, lost or duplicated", max(worst.values()) == 0,
                      "worst round: " + ", ".join(f"{w} {n:.0f}" for w, n in worst.items()))
        if "cached DM ids" in scenario:
            opens = results.get("4-fanout", f"{scenario}: conversations.open calls", "bot").values
            if opens:
                results.check("4", f"{scenario}: DM channel ids from the cache", max(opens) == 0,
                              f"{max(opens):.0f} conversations.open calls")
    for column in results.columns("5-memory"):
        mb = _m(results, "5-memory", "RSS MB", column)
        results.check("5", f"{column} < 150 MB", mb < 150, f"{mb:.0f} MB")


def _scenario_and_scale(label: str) -> tuple[str, float]:
    """("DMs week 2 (cached DM ids)", 60.0) from "DMs week 2 (cached DM ids), windows /60" (goal4_fanout.label)."""
    name, _, scale = label.rpartition(", windows /")
    return name, float(scale)
