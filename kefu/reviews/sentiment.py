"""Three-way sentiment (positive / neutral / negative) for reviews and customer messages.

One public call, :func:`analyze_sentiment`, shared by reviews, the NLU parser and the
assistant's hand-off triggers. A trained linear model (see :mod:`kefu.reviews.model`) is used
when its artifact is present; otherwise a lexicon with negation handling answers, so the
function never needs a download to work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
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


REVIEW_NEUTRAL_BAND = {"zh": 0.15, "en": 0.1}
"""Neutral band for whole reviews, chosen on the dev review sets (macro-F1): reviews are
opinionated far more often than chat turns, so the chat band (0.2) called clear ones neutral."""
LEXICON_WEIGHT = {"zh": 0.55, "en": 0.7}
"""Weight of the wide lexicon against the n-gram model in a review's score (chosen on dev)."""
CONFIDENT = 0.6
"""Labels at or above this confidence count in alerts and trends."""


def review_confidence(score: float, language: str) -> float:
    """Confidence of a review label from its score: distance from the review band's edge."""
    band = REVIEW_NEUTRAL_BAND.get(language, NEUTRAL_BAND)
    if abs(score) < band:
        return round(0.5 + 0.5 * (1.0 - abs(score) / band), 4)
    return round(min(1.0, 0.5 + 0.5 * (abs(score) - band) / 0.3), 4)


_QUOTED = re.compile(r"[“\"「『]([^”\"」』]{1,30})[”\"」』]")
_NOT_END = re.compile(r"[.!]\s*not[.!]", re.IGNORECASE)


def sarcasm_cue(text: str, language: str) -> bool:
    """Quoted praise (好一个“全网最低价”, "premium quality"), a closing "Not.", 🙄, 呵呵."""
    lowered = text.lower()
    if any(e in text for e in lex.SARCASM_EMOJI) or _NOT_END.search(text):
        return True
    cues = lex.SARCASM_ZH if language == "zh" else lex.SARCASM_EN
    if any(c in lowered for c in cues):
        return True
    if language == "zh":
        faint, closing, opener = lex.FAINT_PRAISE_ZH, lex.CLOSING_PRAISE_ZH, lex.SARCASM_OPENER_ZH
    else:
        faint, closing, opener = lex.FAINT_PRAISE_EN, lex.CLOSING_PRAISE_EN, lex.SARCASM_OPENER_EN
    if language != "zh" and lex.SARCASTIC_LOVE_EN.search(text):
        return True
    if faint.search(lowered):
        return True  # "也就这一个优点了", "the only good thing about it": faint praise
    close = closing.search(text)
    if close and lexicon_score(text[: close.start()], language, wide=True) < 0:
        return True  # a complaint closed by "真棒呢" / "Amazing."
    if opener.search(text) and lexicon_score(opener.sub("", text), language, wide=True) <= 0:
        return True  # "Great, another charger…", "又一个…", "Oh sure, …" with no praise after
    for match in _QUOTED.finditer(text):
        inner = match.group(1)
        rest = text[: match.start()] + text[match.end() :]
        praise = (
            clause_polarity(inner, language, wide=True) > 0
            or any(w in inner for w in lex.CLAIMS_ZH)
            or any(w in inner.lower() for w in lex.CLAIMS_EN)
        )
        if praise and lexicon_score(rest, language, wide=True) <= 0:
            return True
    return False


_NOT_NEGATION_ZH = re.compile(r"特别|分别|区别|个别|别的|别人")
"""Words holding a negator character that negate nothing (特别失望 is very disappointed)."""


def _has_negator(text: str, language: str) -> bool:
    if language == "zh":
        return any(n in text for n in lex.NEGATORS_ZH)
    return any(w in lex.NEGATORS_EN or w.endswith("n't") for w in en_words(text))


def neutral_cue(text: str, language: str) -> bool:
    """Stated indecision, "have not used it yet", a delivery status read back: no verdict."""
    lowered = text.lower()
    cues = lex.NEUTRAL_CUES_ZH if language == "zh" else lex.NEUTRAL_CUES_EN
    if any(c in lowered for c in cues):
        return True
    if language == "zh":
        mixed, status = lex.MIXED_ZH, lex.STATUS_ZH
    else:
        mixed, status = lex.MIXED_EN, lex.STATUS_EN
    return bool(mixed.search(lowered) or status.search(lowered))


def _is_question(text: str, language: str) -> bool:
    stripped = text.strip()
    if stripped.endswith(("?", "？")):
        return True
    if language == "zh" and stripped.rstrip("。.~ ").endswith(("吗", "呢", "么")):
        return True
    cues = lex.QUESTION_ZH if language == "zh" else lex.QUESTION_EN
    if not any(c in stripped.lower() for c in cues) or any(p in stripped for p in ("！", "!")):
        return False
    strong = lex.STRONG_QUESTION_ZH if language == "zh" else lex.STRONG_QUESTION_EN
    if any(c in stripped.lower() for c in strong):
        return True
    # a cue inside a statement ("怎么调焦都不清楚", "教我怎么调") is not a question when the
    # text holds an opinion of its own
    return lexicon_score(stripped, language, wide=True) == 0.0


def review_score(text: str, language: str) -> float:
    """Score of a whole review: model + wide lexicon, contrast, emoji, sarcasm, neutral cues."""
    from kefu.reviews.model import get_model

    model = get_model(language)
    lexical = lexicon_score(text, language, wide=True)
    m = 0.0
    if model is not None:
        m = model.score(text)
        after = _after_last_contrast(text, language, review=True).strip(" ，,。.")
        if after and after != text and len(after) >= 2:
            # the clause after the turn carries the verdict
            m = 0.35 * m + 0.65 * model.score(after)
        # the en model learnt "great" vs "other" on fine foods and is harsh on plain praise,
        # so the lexicon weighs more in en (weights chosen on the dev sets)
        lex_weight = LEXICON_WEIGHT[language]
        if lexical and _has_negator(text, language):
            # the n-gram model reads "not bad" / 没那么差 by its words; the rules read the negation
            lex_weight = min(0.85, lex_weight + 0.25)
        score = (1 - lex_weight) * m + lex_weight * lexical if lexical else 0.75 * m
    else:
        score = lexical
    for e in lex.EMOJI_POSITIVE:
        if e in text:
            score += 0.3
    for e in lex.EMOJI_NEGATIVE:
        if e in text:
            score -= 0.3
    if neutral_cue(text, language):
        score *= 0.2
    if _is_question(text, language):
        score *= 0.1
    elif not lexical and not any(e in text for e in lex.EMOJI_POSITIVE + lex.EMOJI_NEGATIVE):
        # no opinion word: most likely factual ("包裹放在门卫室了"), the model alone is unsure
        score *= 0.5
    if sarcasm_cue(text, language):
        score = min(score, -0.5)
    return max(-1.0, min(1.0, score))


def analyze_review_sentiment(text: str, language: str | None = None) -> Sentiment:
    """Three-way label of a whole review, with the review band and review confidence.

    With the shipped review head (:mod:`kefu.reviews.review_head`) its most likely class is the
    label, and the score is mapped so the review band agrees with it; without the head the
    rule score (:func:`review_score`) decides.
    """
    lang = language if language in ("zh", "en") else guess_language(text)
    if not text.strip():
        return Sentiment("neutral", 0.0, 1.0, lang)
    return _review_sentiment(text, lang)


@lru_cache(maxsize=512)
def _review_sentiment(text: str, lang: str) -> Sentiment:
    from kefu.reviews.review_head import get_review_head, head_score

    band = REVIEW_NEUTRAL_BAND.get(lang, NEUTRAL_BAND)
    head = get_review_head()
    if head is not None:
        score = round(head_score(head.proba([text], lang)[0], band), 4)
    else:
        score = round(review_score(text, lang), 4)
    label: Label = "positive" if score >= band else "negative" if score <= -band else "neutral"
    return Sentiment(label, score, review_confidence(score, lang), lang)


def _length(text: str, language: str) -> int:
    return len(text.strip()) if language == "zh" else len(en_words(text))


_CONTRAST_EN = re.compile(r"\b(?:but|however|though|although)\b", re.IGNORECASE)
_CONTRAST_ZH = re.compile("但是|可是|不过|然而|但")


_TURN_ZH = re.compile("但是|可是|不过|然而|但|其实|结果|可惜|[，,]就是|之后就|后来就|后来")
_TURN_EN = re.compile(
    r"\b(?:but|however|though|although|actually|unfortunately|sadly|shame|pity|too bad)\b",
    re.IGNORECASE,
)


def _after_last_contrast(text: str, language: str, review: bool = False) -> str:
    pattern = _CONTRAST_ZH if language == "zh" else _CONTRAST_EN
    if review:
        pattern = _TURN_ZH if language == "zh" else _TURN_EN
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
            prefix = _NOT_NEGATION_ZH.sub("", text[max(0, start - 3) : start])
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


def _zh_clause_polarity(clause: str, wide: bool = False) -> int:
    """Net count of opinion words in a Chinese clause, flipped by a preceding negator."""
    total = 0
    for masked in lex.NOT_OPINION_ZH + (lex.MORE_NOT_OPINION_ZH if wide else ()):
        clause = clause.replace(masked, " " * len(masked))
    if wide:
        for pattern, sign in _PATTERNS_ZH:
            total += sign * len(pattern.findall(clause))
            clause = pattern.sub(lambda m: " " * len(m.group(0)), clause)
    pos = lex.POSITIVE_ZH | lex.MORE_POSITIVE_ZH if wide else lex.POSITIVE_ZH
    neg = lex.NEGATIVE_ZH | lex.MORE_NEGATIVE_ZH if wide else lex.NEGATIVE_ZH
    for words, sign in ((pos, 1), (neg, -1)):
        for word in sorted(words, key=len, reverse=True):
            start = clause.find(word)
            if start < 0:
                continue
            prefix = _NOT_NEGATION_ZH.sub("", clause[max(0, start - 4) : start])
            negated = any(prefix.endswith(n) or n in prefix[-3:] for n in lex.NEGATORS_ZH)
            # 没(想象中)那么差 / 不是那么好: the negator reaches over 那么/这么
            wide_prefix = clause[max(0, start - 9) : start]
            if not negated and wide_prefix.endswith(("那么", "这么", "那样")):
                negated = any(n in wide_prefix for n in ("没", "不"))
            if wide and not negated and wide_prefix.endswith(lex.IMAGINED_ZH):
                negated = any(n in wide_prefix for n in ("没", "不"))  # 没有想象中难装
            if wide and not negated:
                # 没有一点问题 / 没有任何异味: the negator reaches over a quantifier
                near = wide_prefix
                for q in lex.QUANTIFIERS_ZH:
                    near = near.replace(q, "")
                negated = any(near.endswith(n) for n in lex.NEGATORS_ZH)
            total += -sign if negated else sign
            clause = clause.replace(word, "  ")
    return total


_SUFFIXES = ("est", "er", "ly", "ness", "ed", "ing", "s", "y")


def _stem_sign(word: str, pos: frozenset[str], neg: frozenset[str]) -> int:
    """Polarity of an inflected word by its stem ("slowest", "sturdier", "mushiness")."""
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            stem = word[: -len(suffix)]
            for candidate in (stem, stem + "e", stem[:-1] if stem[-1:] == stem[-2:-1] else stem):
                if candidate in pos:
                    return 1
                if candidate in neg:
                    return -1
            if stem.endswith("i") and stem[:-1] + "y" in pos | neg:
                return 1 if stem[:-1] + "y" in pos else -1
    return 0


def _en_negator(word: str, wide: bool) -> bool:
    return (
        word in lex.NEGATORS_EN or word.endswith("n't") or (wide and word in lex.MORE_NEGATORS_EN)
    )


def _en_clause_polarity(clause: str, wide: bool = False) -> int:
    total = 0
    if wide:
        lowered = clause.lower().replace("’", "'")
        for pattern, sign in _PHRASES_EN:
            for match in pattern.finditer(lowered):
                before = en_words(lowered[: match.start()])[-2:]
                negated = any(_en_negator(w, wide) for w in before)
                total += -sign if negated else sign
            lowered = pattern.sub(" , ", lowered)
        clause = lowered
    words = en_words(clause)
    pos = lex.POSITIVE_EN | lex.MORE_POSITIVE_EN if wide else lex.POSITIVE_EN
    neg = lex.NEGATIVE_EN | lex.MORE_NEGATIVE_EN if wide else lex.NEGATIVE_EN
    for i, word in enumerate(words):
        window = words[max(0, i - (4 if wide else 3)) : i]
        negated = any(_en_negator(w, wide) for w in window)
        if word in lex.EXPECTED_EVENTS_EN:
            total -= 1 if negated else 0
            continue
        sign = 1 if word in pos else -1 if word in neg else 0
        if wide and not sign:
            sign = _stem_sign(word, pos, neg)
        if wide and i and words[i - 1] == "too" and (sign > 0 or word in lex.TOO_NEGATIVE_EN):
            # "too small", "too sweet"; "not too sweet" is praise
            sign = 1 if i > 1 and _en_negator(words[i - 2], wide) else -1
        elif negated:
            sign = -sign
        total += sign
    return total


_PATTERNS_ZH = tuple((re.compile(p), sign) for p, sign in lex.PATTERNS_ZH)
_PHRASES_EN = tuple((re.compile(p), sign) for p, sign in lex.PHRASES_EN)


def clause_polarity(clause: str, language: str, wide: bool = False) -> int:
    """Net opinion of one clause: >0 positive, <0 negative, 0 none (``wide``: review lists)."""
    if language == "zh":
        return _zh_clause_polarity(clause, wide)
    return _en_clause_polarity(clause, wide)


def lexicon_score(text: str, language: str, wide: bool = False) -> float:
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
        polarity = clause_polarity(clause, language, wide)
        total += weight * polarity
        weight_sum += weight if polarity else 0.0
    if wide:
        # an opinion spread over two clauses counts as a verdict (after-turn weight)
        lowered = text.lower()
        for pattern, sign in _CROSS_ZH if language == "zh" else _CROSS_EN:
            hits = len(pattern.findall(lowered))
            total += 2.0 * sign * hits
            weight_sum += 2.0 * hits
    if not weight_sum:
        return 0.0
    return max(-1.0, min(1.0, total / (weight_sum + 1.0)))


_CROSS_ZH = tuple((re.compile(p), sign) for p, sign in lex.CROSS_PATTERNS_ZH)
_CROSS_EN = tuple((re.compile(p), sign) for p, sign in lex.CROSS_PATTERNS_EN)
