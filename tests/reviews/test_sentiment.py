"""Sentiment on hand-written zh/en shop text (no network, no mocks)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kefu.reviews import analyze_sentiment


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("质量很好，物流也很快，非常满意", "positive"),
        ("东西太差了，很失望，要退货", "negative"),
        ("This blender is great, I love it", "positive"),
        ("Terrible quality, it broke after two days", "negative"),
        ("不是很满意", "negative"),
        ("Not bad at all, would recommend", "positive"),
    ],
)
def test_clear_opinions_get_their_label(text: str, label: str) -> None:
    assert analyze_sentiment(text).label == label


def test_factual_question_is_neutral() -> None:
    result = analyze_sentiment("What is the status of order #W1234567?", "en")
    assert result.label == "neutral"


def test_result_fields_stay_in_range_and_language_is_guessed() -> None:
    for text in ("物流很慢", "fast shipping", "", "   "):
        result = analyze_sentiment(text)
        assert -1.0 <= result.score <= 1.0
        assert 0.0 <= result.confidence <= 1.0
    assert analyze_sentiment("物流很慢").language == "zh"
    assert analyze_sentiment("fast shipping").language == "en"
    assert analyze_sentiment("fast shipping", "zh").language == "zh"


@pytest.mark.parametrize(
    "text",
    [
        "I am very angry",
        "this is unacceptable",
        "No, this is unacceptable!",
        "I am so frustrated with you",
        "This is ridiculous, I want my money back",
        "fed up with waiting",
        "你们太过分了",
        "气死我了",
        "你们这是什么服务",
    ],
)
def test_stated_anger_in_a_short_message_is_clearly_negative(text: str) -> None:
    result = analyze_sentiment(text)
    assert result.label == "negative"
    assert result.score <= -0.5


def test_intensified_anger_is_stronger_than_plain_anger() -> None:
    assert analyze_sentiment("I am very angry!").score < analyze_sentiment("I am angry").score
    assert analyze_sentiment("你们太过分了").score < analyze_sentiment("气死我了").score


@pytest.mark.parametrize(
    "text",
    [
        "I am not angry",
        "I never get tired of this coffee",
        "我不生气",
        "I was angry at first but you fixed it, great service, thanks",
        "虽然很生气，不过问题解决了，谢谢",
    ],
)
def test_negated_or_resolved_anger_is_not_negative(text: str) -> None:
    assert analyze_sentiment(text).label != "negative"


def test_shipped_zh_model_is_stacked_with_sentence_embeddings() -> None:
    from kefu.reviews.model import StackedSentimentModel, get_model

    model = get_model("zh")
    assert isinstance(model, StackedSentimentModel)
    good, bad = model.scores(["质量很好，物流很快，非常满意", "质量太差，客服也不理人，很失望"])
    assert good > 0.5 and bad < -0.5


def test_stacked_model_survives_save_and_load(tmp_path: Path) -> None:
    from kefu.nlu.encoder import get_encoder
    from kefu.reviews.model import StackedSentimentModel, load_model

    texts = [
        "质量很好",
        "非常满意",
        "物流很快",
        "包装精美",
        "很喜欢",
        "值得购买",
        "质量很差",
        "非常失望",
        "物流太慢",
        "包装破损",
        "很不喜欢",
        "不值这个价",
    ] * 2
    labels = ([1] * 6 + [0] * 6) * 2
    model = StackedSentimentModel.fit(
        texts, labels, "zh", get_encoder().encode(texts), c=4.0, folds=2
    )
    path = tmp_path / "zh.npz"
    model.save(path)
    loaded = load_model(path)
    assert isinstance(loaded, StackedSentimentModel)
    probe = ["质量很好，很满意", "物流太慢了，失望", *texts[:12]]
    assert np.allclose(loaded.scores(probe), model.scores(probe), atol=0.02)
    assert loaded.language == "zh" and len(set(np.round(loaded.scores(probe), 3))) > 2
