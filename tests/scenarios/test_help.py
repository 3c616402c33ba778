"""`/als help` and unknown input: the first slice through every layer."""

from __future__ import annotations

from tests.support.bot_driver import BotDriver, ack_json


def test_help_lists_every_subcommand_ephemerally(bot: BotDriver) -> None:
    response = bot.command("help", user="U1", channel="C1")
    assert response.status == 200
    body = ack_json(response)
    assert body.get("response_type", "ephemeral") == "ephemeral"
    for usage in ("/als help", "/als setup", "/als status", "/als join", "/als leave", "/als away until <date>", "/als back"):
        assert usage in body["text"]
    assert body["blocks"]
    assert bot.fake.calls_to("chat.postMessage") == []  # answered in the ack: nothing posted for the channel


def test_empty_text_is_help(bot: BotDriver) -> None:
    assert "/als setup" in ack_json(bot.command("", user="U1", channel="C1"))["text"]


def test_unknown_subcommand_gets_error_and_help(bot: BotDriver) -> None:
    body = ack_json(bot.command("dance wildly", user="U1", channel="C1"))
    assert body["text"].startswith("I don't know the command `dance`.")
    assert "/als help" in body["text"]


def test_oversized_text_is_refused_politely(bot: BotDriver) -> None:
    body = ack_json(bot.command("x" * 5000, user="U1", channel="C1"))
    assert "too long" in body["text"]


def test_bad_signature_is_rejected_and_nothing_runs(bot: BotDriver) -> None:
    from tests.support.slack_requests import slash_command

    request = slash_command("help", user_id="U1", channel_id="C1", secret="not-the-secret")
    assert bot.send(request).status == 401
