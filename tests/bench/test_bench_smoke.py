"""The bench imports and its smallest configuration runs end to end (figures are not checked:
tests never assert on timings). Keeps `python -m bench` from rotting."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.__main__ import main
from bench.report import BEGIN, END


@pytest.fixture(autouse=True)
def restore_log_levels() -> Iterator[None]:
    """The bench quiets logging process-wide; later tests must see the levels they expect."""
    names = ("", "bot", "slack_bolt", "slack_sdk", "apscheduler", "tests.support.fake_slack")
    levels = {name: logging.getLogger(name).level for name in names}
    handlers = list(logging.getLogger().handlers)
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    logging.getLogger().handlers[:] = handlers


def test_the_smallest_bench_runs_every_goal_and_writes_its_report(tmp_path: Path) -> None:
    out = tmp_path / "BENCHMARKS.md"
    out.write_text(f"# Benchmarks\n\nprose kept\n\n{BEGIN}\n{END}\n")

    assert main(["--quick", "--pg", "none", "--out", str(out), "--workdir", str(tmp_path / "work")]) == 0

    text = out.read_text()
    assert "prose kept" in text
    for heading in ("Goal 1a", "Goal 1b", "Goal 1c", "Goal 2a", "Goal 2b", "Goal 3a", "Goal 3b", "Goal 4", "Goal 5",
                    "Query plans of one tick"):
        assert heading in text
    # Behaviour, not speed: in week 2 the bot took every DM channel id from its cache.
    for scale in (60, 20):
        assert f"| 4 | DMs week 2 (cached DM ids), windows /{scale}: DM channel ids from the cache | yes |" in text
