"""Phase prompts are built as plain dicts now (bot/slack/blocks/presentation.py): what Slack gets
is what slack_sdk's block models rendered before, for every phase and role shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.slack.messages import render

CASES = json.loads((Path(__file__).parent / "phase_prompts_before_plain_dicts.json").read_text())


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"P{c['data']['phase']}-{c['data']['facilitator']}-{c['data']['reflector']}-{bool(c['data']['closes_at'])}")
def test_phase_prompts_render_as_before(case: dict) -> None:  # type: ignore[type-arg]
    text, blocks = render("phase_prompt", case["data"])
    assert text == case["text"]
    assert json.loads(json.dumps(blocks)) == case["blocks"]
