"""The review head and the wider review rules of issue #18 (no network, no dates)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from kefu.reviews import review_head
from kefu.reviews import sentiment as s
from kefu.reviews.aspects import extract_aspects
from kefu.reviews.review_sets import load_set


def _norm(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def test_fitting_data_never_holds_a_dev_or_test_review() -> None:
    for lang in ("zh", "en"):
        held_out = {_norm(i.text) for split in ("dev", "test") for i in load_set(lang, split)}
        fitted = [i for split in review_head.TRAIN_SPLITS for i in load_set(lang, split)]
        assert len(fitted) >= 500
        assert not [i.text for i in fitted if _norm(i.text) in held_out]
        labels = {i.label for i in fitted}
        assert labels == {"positive", "neutral", "negative"}


def test_head_score_lands_in_the_band_of_the_most_likely_class() -> None:
    grid = np.linspace(0.0, 1.0, 21)
    for band in (0.1, 0.15):
        for a, b in itertools.product(grid, grid):
            if a + b > 1.0:
                continue
            proba = np.array([a, 1.0 - a - b, b])
            score = review_head.head_score(proba, band)
            assert -1.0 <= score <= 1.0
            best = int(np.argmax(proba))
            if proba[best] > sorted(proba)[-2]:  # a strict winner
                label = "positive" if score >= band else "negative" if score <= -band else "neutral"
                assert label == review_head.CLASSES[best]


def test_shipped_head_decides_the_review_label() -> None:
    head = review_head.get_review_head()
    assert head is not None
    for text, lang in (("质量很好，物流也快", "zh"), ("Broke after two days.", "en")):
        proba = head.proba([text], lang)[0]
        assert proba.sum() == pytest.approx(1.0)
        got = s.analyze_review_sentiment(text, lang)
        assert got.label == review_head.CLASSES[int(np.argmax(proba))]


def test_without_the_head_the_rule_score_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(review_head, "get_review_head", lambda: None)
    s._review_sentiment.cache_clear()
    try:
        got = s.analyze_review_sentiment("质量太差了，用了两天就坏了", "zh")
        assert got.label == "negative"
        assert got.score == pytest.approx(
            s.review_score("质量太差了，用了两天就坏了", "zh"), abs=1e-4
        )
    finally:
        s._review_sentiment.cache_clear()


def test_fit_review_head_learns_from_small_data() -> None:
    data = {
        "zh": (
            ["很好用，推荐", "太差了，坏了", "什么时候发货"],
            ["positive", "negative", "neutral"],
        ),
        "en": (["Love it, great.", "Terrible, broke.", "When will it ship?"], None),
    }
    fitted = {
        "zh": (data["zh"][0], data["zh"][1], [1.0] * 3),
        "en": (data["en"][0], ["positive", "negative", "neutral"], [1.0] * 3),
    }
    head = review_head.fit_review_head(fitted, c=10.0)
    assert head.weights.shape[0] == 3
    proba = head.proba(["很好用，推荐"], "zh")[0]
    assert review_head.CLASSES[int(np.argmax(proba))] == "positive"


@pytest.mark.parametrize(
    ("text", "lang", "sign"),
    [
        ("用了三个月没有一点问题", "zh", 1),  # negation over a quantifier
        ("没有任何异味", "zh", 1),
        ("没想到这么好用", "zh", 1),  # surprise, not negation
        ("特别失望，再也不买了", "zh", -1),  # 特别 holds 别 but negates nothing
        ("电池不耐用，一天要充三次电", "zh", -1),
        ("一点也不比大牌差", "zh", 1),
        ("盖子盖不紧，汤洒了", "zh", -1),
        ("Doesn't leak, the seal holds.", "en", 1),
        ("Can't find a single flaw.", "en", 1),
        ("They sent it by the slowest courier.", "en", -1),  # read by its stem
        ("Way too sweet.", "en", -1),
        ("Not as good as I hoped.", "en", -1),
        ("A hundred dollars cheaper than in stores.", "en", 1),
    ],
)
def test_wide_lexicon_reads_negation_and_phrases(text: str, lang: str, sign: int) -> None:
    assert np.sign(s.lexicon_score(text, lang, wide=True)) == sign


@pytest.mark.parametrize(
    ("text", "lang", "question"),
    [
        ("一米七五穿多大码合适", "zh", True),
        ("请问今天能发吗", "zh", True),
        ("客服小姐姐很耐心地教我怎么调", "zh", False),
        ("投影仪怎么调焦都不清楚", "zh", False),
        ("What size for someone 5'9\"?", "en", True),
    ],
)
def test_question_cue_inside_an_opinion_is_no_question(
    text: str, lang: str, question: bool
) -> None:
    assert s._is_question(text, lang) is question


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("“防水”手表，洗个手就进水了", "zh"),
        ('"Lightning-fast dispatch", still in the warehouse.', "en"),
    ],
)
def test_a_listing_claim_quoted_back_is_sarcasm(text: str, lang: str) -> None:
    assert s.sarcasm_cue(text, lang)


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("东西很好，发货也快", "zh", {"quality": "positive", "shipping": "positive"}),
        ("Great product and fast shipping.", "en", {"quality": "positive", "shipping": "positive"}),
        ("噪音太大，没法用", "zh", {"quality": "negative"}),
        ("假货，做工和正品差很多", "zh", {"authenticity": "negative", "quality": "neutral"}),
        ("The package was smashed.", "en", {"packaging": "negative"}),
        ("Where is my package?", "en", {"shipping": "neutral"}),
        ("很失望，完全不值得买", "zh", {"quality": "negative"}),
    ],
)
def test_aspects_of_generic_words_parcels_and_comparisons(
    text: str, lang: str, expected: dict[str, str]
) -> None:
    got = {o.aspect: o.label for o in extract_aspects(text, lang)}
    assert got == expected
