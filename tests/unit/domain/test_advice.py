"""Questions, not advice: a table of real-sounding replies and the problems they should raise."""

import pytest

from bot.domain.advice import (
    MAX_REPLY_CHARS,
    ReplyProblem,
    check_reply,
    has_question,
    is_advice,
    nudge_text,
    visible_text,
)

NQ = ReplyProblem.NO_QUESTION
ADV = ReplyProblem.ADVICE

CASES: list[tuple[str, list[ReplyProblem]]] = [
    # Open questions: fine.
    ("What would success look like for you?", []),
    ("How did the team react when you raised it?", []),
    ("Why does this matter to you now?", []),
    ("Who else is affected by this decision?", []),
    ("What have you tried so far?", []),
    ("What do you feel you need to do next?", []),
    ("How do you think you could approach her?", []),
    ("Is there anything you could do differently?", []),
    ("Do you think you should be the one to fix it?", []),
    ("If you could change one thing, what would it be?", []),
    ("What's stopping you?", []),
    ("Why not?", []),  # asking why something is not so, not suggesting
    ("WHAT WOULD HAPPEN IF YOU DID NOTHING?", []),
    ("what's the worst that could happen", []),  # no "?", but opens as a question
    ("Tell me more about how your manager responded.", []),
    ("I'm curious what you think the real issue is.", []),
    ("I'd be curious what your boss thinks", []),
    ("I wonder what it would take to make that conversation easier.", []),
    ("Just curious: when did this start", []),
    ("Thanks for sharing 🙏 What does a good week look like for you?", []),
    ("Out of curiosity, who decided on the deadline?", []),
    ("I would love to hear more, what happened next?", []),
    ("どう思いますか？", []),  # full-width question mark
    ("So... how long has this been going on?? :thinking_face:", []),
    ("Could you say more about what *ownership* means here?", []),
    # Slack markup must not fool the checks.
    ("<@U0123ABCD> what did your manager say", []),
    ("Hey <@U0123ABCD>, how are you feeling about it?", []),
    ("<https://example.com/why?not=1|this article> was interesting.", [NQ]),
    ("&gt; Why did this happen?\nI had the same thing last year.", [NQ]),
    ("&gt; you should talk to her\nWhat stops you from talking to her?", []),
    ("My team's answer was `why not script it?` and it worked.", [NQ]),
    ("```\nyou should just rewrite it\n```\nWhat does your team think?", []),
    # Advice in disguise.
    ("Have you tried talking to her?", [ADV]),
    ("have you considered delegating it?", [ADV]),
    ("Have you thought about asking for more budget?", [ADV]),
    ("Why don't you escalate it to your director?", [ADV]),
    ("Why not just ask him directly?", [ADV]),
    ("What if you split the project in two?", [ADV]),
    ("How about setting up a weekly 1:1?", [ADV]),
    ("Don't you think you should tell the client?", [ADV]),
    ("Shouldn't you involve HR?", [ADV]),
    ("Can't you just say no?", [ADV]),
    ("Wouldn't it be easier to hire someone?", [ADV]),
    ("You could try a pilot first, what do you think?", [ADV]),
    ("Maybe you should talk to her, no?", [ADV]),
    ("You should talk to her.", [NQ, ADV]),
    ("You need to set boundaries with him.", [NQ, ADV]),
    ("You MUST push back on this!", [NQ, ADV]),
    ("you ought to document it first", [NQ, ADV]),
    ("If I were you I'd quit. 😅", [NQ, ADV]),
    ("I would just delegate it.", [NQ, ADV]),
    ("My advice: get it in writing.", [NQ, ADV]),
    ("I suggest a retro with the whole team.", [NQ, ADV]),
    ("Try breaking it into smaller pieces.", [NQ, ADV]),
    ("Maybe consider a different vendor.", [NQ, ADV]),
    ("Just do it and apologise later 🙂", [NQ, ADV]),
    ("Just tell him how you feel.", [NQ, ADV]),
    ("The answer is better documentation.", [NQ, ADV]),
    ("It might be worth talking to legal first.", [NQ, ADV]),
    ("*You should* really _talk to her_ <@U0123ABCD>", [NQ, ADV]),
    # Statements that are neither questions nor advice.
    ("That sounds really hard.", [NQ]),
    ("What you describe sounds exhausting.", [NQ]),
    ("I had a similar experience last year.", [NQ]),
    ("You must be exhausted.", [NQ]),  # empathy, not an instruction
    ("I'd feel the same way in your position.", [NQ]),
    ("Do talk to her.", [NQ]),  # an imperative "do", not a question
    ("Thanks!", [NQ]),
    # Nothing of the author's own to check.
    ("<@U0123ABCD>", []),
    (":eyes:", []),
    ("&gt; What did you learn?", []),
]


def test_the_table_is_big_enough() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_check_reply(text: str, expected: list[ReplyProblem]) -> None:
    assert check_reply(text, questions_so_far=0, limit=2) == expected


def test_over_the_limit() -> None:
    question = "What would help most right now?"
    assert check_reply(question, questions_so_far=1, limit=2) == []
    assert check_reply(question, questions_so_far=2, limit=2) == [ReplyProblem.OVER_LIMIT]
    assert check_reply(question, questions_so_far=3, limit=3) == [ReplyProblem.OVER_LIMIT]


def test_too_long_counts_only_the_visible_words() -> None:
    long_question = "What " + "really " * 50 + "matters?"
    assert len(long_question) > MAX_REPLY_CHARS
    assert check_reply(long_question, questions_so_far=0, limit=2) == [ReplyProblem.TOO_LONG]
    # A long link target or a quoted passage is not the author's writing.
    link = "<https://example.com/" + "x" * 400 + "|this doc>"
    assert check_reply(f"What did you make of {link}?", questions_so_far=0, limit=2) == []
    quote = "&gt; " + "word " * 100 + "\nWhat changed?"
    assert check_reply(quote, questions_so_far=0, limit=2) == []
    just_over = "Why " + "a" * (MAX_REPLY_CHARS - 5) + "?"
    assert len(just_over) == MAX_REPLY_CHARS
    assert check_reply(just_over, questions_so_far=0, limit=2) == []
    assert check_reply(just_over + "!", questions_so_far=0, limit=2) == [ReplyProblem.TOO_LONG]


def test_all_problems_at_once_come_in_order() -> None:
    text = "You should " + "really " * 60 + "talk to her."
    assert check_reply(text, questions_so_far=5, limit=3) == list(ReplyProblem)


def test_visible_text_strips_markup() -> None:
    raw = (
        "Hi <@U1|ana> &amp; <#C1|general>: see <https://x.io|the doc> `code` :tada: *bold*"
        "\n&gt; quoted"
    )
    assert visible_text(raw) == "Hi & : see the doc bold"


def test_helpers_agree_with_the_check() -> None:
    assert has_question("What next?") and not is_advice("What next?")
    assert has_question("Have you tried yoga?") and is_advice("Have you tried yoga?")
    assert not has_question("Try yoga.") and is_advice("Try yoga.")


def test_nudge_text_is_friendly_private_and_specific() -> None:
    assert nudge_text([]) == ""
    text = nudge_text([ReplyProblem.ADVICE, ReplyProblem.NO_QUESTION])
    assert "only you can see" in text
    assert "question" in text and "suggestion" in text
    # Order follows ReplyProblem, whatever order the problems come in.
    assert text.index("This phase is for questions") < text.index("suggestion")
    assert str(MAX_REPLY_CHARS) in nudge_text([ReplyProblem.TOO_LONG])
    assert "all your questions" in nudge_text([ReplyProblem.OVER_LIMIT])
    for problem in ReplyProblem:
        single = nudge_text([problem])
        assert len(single) < 400
        for harsh in ("wrong", "not allowed", "violat", "bad", "don't"):
            assert harsh not in single.lower()
