"""Questions, not advice: check a questioner's thread reply and word a private, friendly nudge.

The checks are heuristics tuned to be lenient: a nudge that wrongly tells someone their question
is advice costs more goodwill than a missed one, so anything that reads as an open question passes.
Slack markup (mentions, links, code, quotes, emoji codes) is stripped first so it cannot fool them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from enum import StrEnum

MAX_REPLY_CHARS = 300


class ReplyProblem(StrEnum):
    """Why a reply in a questions phase gets a private nudge (in this order)."""

    NO_QUESTION = "no_question"
    ADVICE = "advice"
    OVER_LIMIT = "over_limit"
    TOO_LONG = "too_long"


# --- Slack markup -------------------------------------------------------------------------------

_CODE_BLOCK = re.compile(r"```.*?```", re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_ANGLE = re.compile(r"<([^<>]*)>")  # <@U1>, <#C1|name>, <!here>, <https://x|label>
_EMOJI_CODE = re.compile(r":[a-z0-9_+'-]+:", re.IGNORECASE)
_BARE_URL = re.compile(r"\bhttps?://\S+", re.IGNORECASE)
_EMPHASIS = re.compile(r"(?<!\w)[*_~]+|[*_~]+(?!\w)")


def _angle_replacement(match: re.Match[str]) -> str:
    """Keep what a reader sees of Slack's <...> markup: a link's label, a date's fallback text."""
    inner = match.group(1)
    if inner.startswith(("@", "#")):
        return ""  # a mention names someone, it is not part of the question
    label = inner.split("|", 1)[1] if "|" in inner else ""
    return label


def _drop_quotes(text: str) -> str:
    """Remove quoted lines ("> ..."); ">>>" quotes the rest of the message."""
    kept: list[str] = []
    for line in text.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("&gt;&gt;&gt;", ">>>")):
            break
        if stripped.startswith(("&gt;", ">")):
            continue
        kept.append(line)
    return "\n".join(kept)


def visible_text(text: str) -> str:
    """The author's own words: no code, quotes, mentions, link targets, emoji codes or emphasis."""
    without_code = _INLINE_CODE.sub(" ", _CODE_BLOCK.sub(" ", text))
    # Quotes first: Slack sends ">" as "&gt;", which must still be recognisable here.
    unquoted = _drop_quotes(without_code)
    unmarked = _ANGLE.sub(_angle_replacement, unquoted)
    plain = html.unescape(unmarked)
    plain = _BARE_URL.sub(" ", plain)
    plain = _EMOJI_CODE.sub(" ", plain)
    plain = _EMPHASIS.sub("", plain)
    plain = plain.replace("\u2019", "'").replace("\u2018", "'")  # curly apostrophes
    return re.sub(r"[ \t]+", " ", plain).strip()


# --- Questions ----------------------------------------------------------------------------------

_QUESTION_MARKS = ("?", "\uff1f", "\u00bf")  # ASCII, full-width, inverted
_SENTENCE_SPLIT = re.compile(r"[.!?\uff1f\u3002;:\n\u2014\u2026]+|\s-\s|\s\u2013\s")

# Leading words that do not change what a sentence is ("So, what happened?").
_FILLERS = re.compile(
    r"^(?:(?:so|and|but|ok|okay|hmm+|hm|also|then|oh|ah|hi|hey|thanks|thank you|"
    r"out of curiosity|just curious|quick question|follow[- ]up|one more|maybe|perhaps|please)"
    r"\b[\s,]*)+"
)
_WH = {"what", "how", "who", "whom", "whose", "which", "when", "where"}
_SUBJECT_PRONOUNS = {
    "i", "you", "we", "they", "he", "she", "it", "i'm", "you're", "we're", "they're", "he's",
    "she's", "it's", "i've", "you've", "we've", "they've", "i'd", "you'd",
}  # fmt: skip
_EXCLAMATION = re.compile(
    r"^(?:what an? |how (?:nice|great|cool|awesome|lovely|brave|hard|tough|interesting|true|"
    r"exciting|frustrating|annoying|sad|good)\b)"
)
_BE = {"is", "are", "was", "were", "am", "isn't", "aren't", "wasn't", "weren't"}
_AUX = {
    "do", "does", "did", "can", "could", "would", "will", "should", "shall", "may", "might",
    "have", "has", "had", "must", "don't", "doesn't", "didn't", "can't", "couldn't", "won't",
    "wouldn't", "shouldn't", "haven't", "hasn't", "hadn't",
}  # fmt: skip
_SUBJECTS = _SUBJECT_PRONOUNS | {
    "there", "this", "that", "these", "those", "the", "a", "an", "your", "my", "our", "their",
    "his", "her", "its", "anyone", "anybody", "someone", "somebody", "everyone", "everybody",
    "anything", "something", "people", "others", "any", "all", "both", "either", "other",
}  # fmt: skip
_INDIRECT = re.compile(
    r"^(?:i wonder|i'm wondering|i am wondering|wondering|i'm curious|i am curious|curious|"
    r"i'd be curious|i would be curious|i'd be interested|i would be interested|tell me|tell us|"
    r"say more|help me understand|i'd love to (?:hear|know|understand)|"
    r"i would love to (?:hear|know|understand)|i'd like to (?:hear|know|understand)|"
    r"i would like to (?:hear|know|understand))\b"
)


def _sentences(prose: str) -> list[str]:
    """Lower-cased sentences with leading filler words removed."""
    parts = (_FILLERS.sub("", part.strip(" ,").lower()) for part in _SENTENCE_SPLIT.split(prose))
    return [part.strip(" ,") for part in parts if part.strip(" ,")]


def _opens_as_question(sentence: str) -> bool:
    """Whether a sentence opens like a question even without a question mark."""
    if _INDIRECT.match(sentence):
        return True
    if _EXCLAMATION.match(sentence):
        return False
    words = re.findall(r"[a-z']+", sentence)
    if not words:
        return False
    first, following = words[0], (words[1] if len(words) > 1 else "")
    stem, _, contraction = first.partition("'")
    if stem in _WH | {"why"} and contraction:
        return True  # "what's", "how'd", "who're": the verb is already there
    if first == "why":
        return True
    if first in _WH:
        # "What you said matters" is a statement; "What would help" is a question.
        return following not in _SUBJECT_PRONOUNS
    if first in _BE:
        return True
    # "Do you ..." asks; "Do talk to her" tells.
    return first in _AUX and following in _SUBJECTS


def has_question(text: str) -> bool:
    """Whether the author's own words contain a question (a question mark or a question opener)."""
    prose = visible_text(text)
    if any(mark in prose for mark in _QUESTION_MARKS):
        return True
    return any(_opens_as_question(sentence) for sentence in _sentences(prose))


# --- Advice -------------------------------------------------------------------------------------

# Advice whatever the sentence looks like: these are suggestions dressed as questions.
_ADVICE_ANYWHERE = re.compile(
    r"\b(?:"
    r"why don'?t you|why do you not|"
    r"why not (?!yet\b|now\b|before\b|earlier\b|sooner\b|so\b)[a-z]|"
    r"what if you|how about (?:you|we) [a-z]|how about \w+ing\b|what about (?:trying|\w+ing)\b|"
    r"if i (?:were|was) (?:you|in your)|in your shoes|"
    r"my (?:advice|suggestion|recommendation)|i(?: would|'d)? (?:suggest|recommend|advise)|"
    r"(?:don'?t|doesn'?t) you think|(?:shouldn'?t|couldn'?t|can'?t) you|"
    r"(?:wouldn'?t|isn'?t) it (?:be )?(?:better|easier|best|wiser|good|time)|"
    r"you(?:'d| had) better|you (?:might|may) (?:want|wish) to|"
    r"you (?:could|might|can) (?:try|always)|"
    r"just do"
    r")"
)
# "Have you tried X?" suggests X; "What have you tried?" asks: so only at a sentence/clause start.
_HAVE_YOU_TRIED = re.compile(r"(?:^|, )have you (?:tried|considered|thought (?:about|of))\b")
# Imperatives at the start of a sentence ("Try a 1:1.", "Maybe consider delegating.").
_IMPERATIVE = re.compile(
    r"^(?:try|consider|delegate|escalate|talk to|speak to|speak with|reach out|push back|"
    r"make sure|remember to|focus on|stop|start|call|email|go (?:to|and|back))\b"
)
_JUST_START = re.compile(
    r"^just (?!(?:curious|wondering|to|checking|a|an|thinking|out|so|one|quickly|wanted|want|"
    r"trying|interested|noticed|noticing|saying|reading|thought|realised|realized|read)\b)[a-z]"
)
# Advice only when stated, not when asked about: "What do you feel you need to do?" is fine.
_ADVICE_STATED = re.compile(
    r"(?<!\bif )\byou (?:should|ought to|need to|have to|could|must(?! (?:have|be)\b))\b|"
    r"\bi(?: would|'d) (?!(?:like|love|be|feel|imagine|wonder|guess|think|hate|also|not|say)\b)"
    r"[a-z]|"
    r"\bthe (?:answer|solution|fix|trick|key) is\b|"
    r"\bthe best (?:thing|way|approach|option) (?:is|would be)\b|"
    r"\bit (?:might|would|could) be (?:worth|good|wise|helpful|better)\b|\bit'?s worth\b"
)


def _is_advice(sentence: str) -> bool:
    """Whether one (lower-cased, filler-free) sentence gives advice."""
    if _ADVICE_ANYWHERE.search(sentence) or _HAVE_YOU_TRIED.search(sentence):
        return True
    if _IMPERATIVE.match(sentence):
        return True
    if _JUST_START.match(sentence):
        return True
    return not _opens_as_question(sentence) and bool(_ADVICE_STATED.search(sentence))


def is_advice(text: str) -> bool:
    """Whether the author's own words contain advice, however politely put."""
    return any(_is_advice(sentence) for sentence in _sentences(visible_text(text)))


# --- The check and the nudge --------------------------------------------------------------------


def check_reply(text: str, *, questions_so_far: int, limit: int) -> list[ReplyProblem]:
    """Problems with a questioner's reply in a questions phase (P1/P3), in ReplyProblem order.

    `questions_so_far` counts this author's earlier questions in the phase, so the reply is over
    the limit when that already reaches `limit`. A reply with no words of its own (only a quote, a
    mention or an emoji) is not checked: there is nothing to nudge about.
    """
    prose = visible_text(text)
    if not re.search(r"\w", prose):
        return []
    problems: list[ReplyProblem] = []
    if not has_question(text):
        problems.append(ReplyProblem.NO_QUESTION)
    if is_advice(text):
        problems.append(ReplyProblem.ADVICE)
    if questions_so_far >= limit:
        problems.append(ReplyProblem.OVER_LIMIT)
    if len(prose) > MAX_REPLY_CHARS:
        problems.append(ReplyProblem.TOO_LONG)
    return problems


_NUDGES: dict[ReplyProblem, str] = {
    ReplyProblem.NO_QUESTION: (
        "This phase is for questions. Could you turn your thought into an open question for the "
        "presenter? Starting with what, how or why often works."
    ),
    ReplyProblem.ADVICE: (
        "This reads a little like a suggestion. Action learning works when the presenter finds "
        "their own way, so try asking about your idea instead: \"What options do you see?\" or "
        "\"What would help most right now?\""
    ),
    ReplyProblem.OVER_LIMIT: (
        "You've asked all your questions for this phase, thank you! Leaving room helps the others "
        "and gives the presenter time to think."
    ),
    ReplyProblem.TOO_LONG: (
        f"Short questions are easier to answer: try to keep to about {MAX_REPLY_CHARS} characters."
    ),
}


def nudge_text(problems: Iterable[ReplyProblem]) -> str:
    """A short, friendly note for the author only. Empty when there is nothing to say."""
    found = set(problems)
    lines = [_NUDGES[problem] for problem in ReplyProblem if problem in found]
    if not lines:
        return ""
    return "\n".join(
        [":wave: A quick note that only you can see (your reply stays as it is):", *lines]
    )
