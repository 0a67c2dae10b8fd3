"""Three-way sentiment (positive / neutral / negative) for reviews and customer messages.

One public call, :func:`analyze_sentiment`, shared by reviews, the NLU parser and the
assistant's hand-off triggers. A trained linear model (see :mod:`kefu.reviews.model`) is used
when its artifact is present; otherwise a lexicon with negation handling answers, so the
function never needs a download to work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from kefu.reviews import _lexicon as lex
from kefu.reviews._text import en_words, guess_language, split_clauses

Label = Literal["positive", "neutral", "negative"]

NEUTRAL_BAND = 0.2
"""Scores inside (-band, band) are neutral: shop text is often factual ("where is my order")."""

ANGER_FLOOR = -0.5
"""Highest score a short message that states anger can get ("this is unacceptable")."""
STRONG_ANGER_FLOOR = -0.7
"""... and one that intensifies it ("I am very angry", "你们太过分了！")."""
SHORT_MESSAGE = {"zh": 40, "en": 25}
"""Up to this many characters (zh) or words (en) a message counts as a short chat turn."""


@dataclass(frozen=True)
class Sentiment:
    """Polarity of one text: ``score`` in [-1, 1], ``confidence`` in [0, 1]."""

    label: Label
    score: float
    confidence: float
    language: str


def label_for(score: float) -> Label:
    """The label a score maps to (one rule for every model)."""
    if score >= NEUTRAL_BAND:
        return "positive"
    if score <= -NEUTRAL_BAND:
        return "negative"
    return "neutral"


def analyze_sentiment(text: str, language: str | None = None) -> Sentiment:
    """Classify ``text`` (zh or en; guessed when ``language`` is None)."""
    lang = language if language in ("zh", "en") else guess_language(text)
    if not text.strip():
        return Sentiment("neutral", 0.0, 1.0, lang)
    from kefu.reviews.model import get_model

    model = get_model(lang)
    lexical = lexicon_score(text, lang)
    if model is None:
        score = lexical
    else:
        # The model learnt from whole reviews; on short chat messages the lexicon's explicit
        # negation rules are more reliable, so the model's weight grows with length.
        size = len(text) if lang == "zh" else len(en_words(text)) * 2
        weight = min(0.85, size / (size + 40.0))
        score = weight * model.score(text) + (1.0 - weight) * lexical
        # With no opinion word at all the text is most likely factual ("where is my order").
        if lexical == 0.0 and not _has_opinion_word(text, lang):
            score *= 0.4
    # Review-trained models read "I am very angry" as mild; in a short chat turn stated anger
    # is the message, so it sets a ceiling (unless opinion words elsewhere outweigh it).
    anger = anger_level(text, lang)
    if anger and lexical <= 0.0 and _length(text, lang) <= SHORT_MESSAGE[lang]:
        score = min(score, STRONG_ANGER_FLOOR if anger > 1 else ANGER_FLOOR)
    score = max(-1.0, min(1.0, score))
    return Sentiment(label_for(score), round(score, 4), round(_confidence(score), 4), lang)


REVIEW_NEUTRAL_BAND = {"zh": 0.05, "en": 0.08}
"""Neutral band for whole reviews, chosen on the dev review sets (macro-F1): reviews are
opinionated far more often than chat turns, so the chat band (0.2) called clear ones neutral."""
CONFIDENT = 0.6
"""Labels at or above this confidence count in alerts and trends."""


def review_confidence(score: float, language: str) -> float:
    """Confidence of a review label from its score: distance from the review band's edge."""
    band = REVIEW_NEUTRAL_BAND.get(language, NEUTRAL_BAND)
    if abs(score) < band:
        return round(0.5 + 0.5 * (1.0 - abs(score) / band), 4)
    return round(min(1.0, 0.5 + 0.5 * (abs(score) - band) / 0.3), 4)


def analyze_review_sentiment(text: str, language: str | None = None) -> Sentiment:
    """Like :func:`analyze_sentiment`, with the review band and review confidence."""
    base = analyze_sentiment(text, language)
    band = REVIEW_NEUTRAL_BAND.get(base.language, NEUTRAL_BAND)
    label: Label = (
        "positive" if base.score >= band else "negative" if base.score <= -band else "neutral"
    )
    return Sentiment(label, base.score, review_confidence(base.score, base.language), base.language)


def _length(text: str, language: str) -> int:
    return len(text.strip()) if language == "zh" else len(en_words(text))


_CONTRAST_EN = re.compile(r"\b(?:but|however|though|although)\b", re.IGNORECASE)
_CONTRAST_ZH = re.compile("但是|可是|不过|然而|但")


def _after_last_contrast(text: str, language: str) -> str:
    pattern = _CONTRAST_ZH if language == "zh" else _CONTRAST_EN
    ends = [m.end() for m in pattern.finditer(text)]
    return text[ends[-1] :] if ends else text


def anger_level(text: str, language: str) -> int:
    """0: no stated anger; 1: stated ("this is unacceptable"); 2: intensified or exclaimed.

    A negator just before the expression cancels it ("I'm not angry", "我不生气"), and only
    the part after the last "but/但是" counts ("I was angry, but you fixed it").
    """
    level = 0
    text = _after_last_contrast(text, language)
    if language == "zh":
        for phrase in lex.ANGER_ZH:
            start = text.find(phrase)
            if start < 0:
                continue
            prefix = text[max(0, start - 3) : start]
            if any(n in prefix for n in lex.NEGATORS_ZH):
                continue
            strong = phrase.startswith("太") or any(i in prefix for i in lex.INTENSIFIERS_ZH)
            level = max(level, 2 if strong or "！" in text or "!" in text else 1)
        return level
    words = en_words(text)
    for phrase in lex.ANGER_EN:
        target = phrase.split()
        for i in range(len(words) - len(target) + 1):
            if words[i : i + len(target)] != target:
                continue
            before = words[max(0, i - 2) : i]
            if any(w in lex.NEGATORS_EN or w.endswith("n't") for w in before):
                continue
            strong = bool(set(before[-2:]) & lex.INTENSIFIERS_EN) or "!" in text
            level = max(level, 2 if strong else 1)
    return level


def _has_opinion_word(text: str, language: str) -> bool:
    if language == "zh":
        return any(w in text for w in lex.POSITIVE_ZH | lex.NEGATIVE_ZH)
    words = set(en_words(text))
    return bool(words & (lex.POSITIVE_EN | lex.NEGATIVE_EN | lex.EXPECTED_EVENTS_EN))


def _confidence(score: float) -> float:
    """Distance from the nearest label boundary, scaled to [0, 1]."""
    if abs(score) < NEUTRAL_BAND:
        return 0.5 + 0.5 * (1.0 - abs(score) / NEUTRAL_BAND)
    return min(1.0, 0.5 + 0.5 * (abs(score) - NEUTRAL_BAND) / (1.0 - NEUTRAL_BAND))


def _zh_clause_polarity(clause: str) -> int:
    """Net count of opinion words in a Chinese clause, flipped by a preceding negator."""
    total = 0
    for masked in lex.NOT_OPINION_ZH:
        clause = clause.replace(masked, " " * len(masked))
    for words, sign in ((lex.POSITIVE_ZH, 1), (lex.NEGATIVE_ZH, -1)):
        for word in sorted(words, key=len, reverse=True):
            start = clause.find(word)
            if start < 0:
                continue
            prefix = clause[max(0, start - 4) : start]
            negated = any(prefix.endswith(n) or n in prefix[-3:] for n in lex.NEGATORS_ZH)
            total += -sign if negated else sign
            clause = clause.replace(word, "  ")
    return total


def _en_clause_polarity(clause: str) -> int:
    words = en_words(clause)
    total = 0
    for i, word in enumerate(words):
        window = words[max(0, i - 3) : i]
        negated = any(w in lex.NEGATORS_EN or w.endswith("n't") for w in window)
        if word in lex.EXPECTED_EVENTS_EN:
            total -= 1 if negated else 0
            continue
        sign = 1 if word in lex.POSITIVE_EN else -1 if word in lex.NEGATIVE_EN else 0
        if negated:
            sign = -sign
        total += sign
    return total


def clause_polarity(clause: str, language: str) -> int:
    """Net opinion of one clause: >0 positive, <0 negative, 0 none."""
    return _zh_clause_polarity(clause) if language == "zh" else _en_clause_polarity(clause)


def lexicon_score(text: str, language: str) -> float:
    """Score from opinion words; clauses after "but/但是" weigh double (they carry the verdict)."""
    total = 0.0
    weight_sum = 0.0
    after_contrast = False
    for clause in split_clauses(text):
        lowered = clause.lower()
        contrast = any(lowered.startswith(c) for c in lex.CONTRAST_ZH) or (
            lowered.split(" ", 1)[0] in lex.CONTRAST_EN
        )
        after_contrast = after_contrast or contrast
        weight = 2.0 if after_contrast else 1.0
        polarity = clause_polarity(clause, language)
        total += weight * polarity
        weight_sum += weight if polarity else 0.0
    if not weight_sum:
        return 0.0
    return max(-1.0, min(1.0, total / (weight_sum + 1.0)))
