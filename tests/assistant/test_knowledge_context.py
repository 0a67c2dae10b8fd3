"""Store questions in a shopper's own words, on the demo store with its documents: everyday
words for returns and delivery, and a question that points at the product just shown
("can I return this?" about food is answered with the rule for food)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kefu.assistant.eval.harness import Script, Suite
from kefu.assistant.responders.knowledge import _with_everyday_words


@pytest.fixture(scope="module")
def suite() -> Iterator[Suite]:
    yield Suite()


def _play(suite: Suite, language: str, turns: list[str]) -> list[str]:
    outcome = suite.run(Script(id="t", language=language, turns=turns, expect={}))
    assert not [f for f in outcome.failures if "crashed" in f], outcome.failures
    return [reply for _, reply in outcome.transcript]


@pytest.mark.parametrize(
    ("text", "added"),
    [
        ("can I ship them back if they don't fit?", "return"),
        ("how do I get my money back", "refund"),
        ("I changed my mind about the jacket", "no-reason return"),
        ("买了不想要了能退吗", "无理由退货"),
        ("退回去运费谁出", "退货"),
        ("下单后几天能收到", "配送时效"),
    ],
)
def test_everyday_words_add_the_documents_words(text: str, added: str) -> None:
    searched = _with_everyday_words(text)
    assert searched.startswith(text) and added in searched


def test_plain_words_are_searched_as_they_are() -> None:
    assert _with_everyday_words("what is your warranty?") == "what is your warranty?"


def test_a_return_question_about_food_just_shown_gets_the_food_rule(suite: Suite) -> None:
    replies = _play(suite, "zh", ["有茶叶礼盒吗", "这款买回去不合心意可以退吗"])
    assert "¥" in replies[0]
    assert "食品" in replies[1] and "不支持退货" in replies[1]


def test_the_same_question_about_a_tumbler_gets_the_general_window(suite: Suite) -> None:
    replies = _play(suite, "zh", ["保温杯多少钱", "这个不喜欢能退吗"])
    assert "7 天" in replies[1] and "食品" not in replies[1]


@pytest.mark.parametrize(
    "question",
    [
        "how many days until it gets to me?",
        "how long does delivery usually take",
        "when will it arrive if I order today?",
    ],
)
def test_delivery_time_in_other_words(suite: Suite, question: str) -> None:
    replies = _play(suite, "en", ["how much is the desk lamp?", question])
    assert "3 to 5 business days" in replies[1]


def test_sending_it_back_is_answered_from_the_return_policy(suite: Suite) -> None:
    outcome = suite.run(
        Script(
            id="t",
            language="en",
            turns=["do you sell hiking boots?", "can I ship them back if they pinch?"],
            expect={},
        )
    )
    reply = outcome.transcript[1][1]
    # answered from the returns section, not "I don't know, a person?" (which passage of
    # it ranks first is the retrieval's weak spot: see docs/knowledge.md)
    assert "a person" not in reply and "return" in reply.lower()
