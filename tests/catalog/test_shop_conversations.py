"""The shopping responder through the real assistant: anonymous shoppers, follow-ups, money
in the product's currency, no identity asked, no handoff."""

from __future__ import annotations

from sqlalchemy import Engine

from tests.catalog.chat import chat, variant_ids


def test_zh_follow_up_that_one_is_priced_in_yuan(demo_engine: Engine) -> None:
    first, second = chat(demo_engine, "zh", "有没有200元以下的耳机", "那个多少钱")
    assert "¥199" in first.text and variant_ids(first) == ["8810000007"]
    assert "¥199" in second.text and "$" not in second.text
    assert second.language == "zh" and second.handoff_state == "bot"
    assert second.said[0]["key"] == "shop_price"


def test_named_variant_then_another_colour_keeps_the_size(demo_engine: Engine) -> None:
    first, second = chat(
        demo_engine, "en", "Do you have the t-shirt in purple XL?", "what about in blue?"
    )
    assert "$49.67" in first.text and "in stock" in first.text
    assert variant_ids(first) == ["8124970213"]
    # there is no blue XL: it says so and offers the blue ones
    assert "blue XL" in second.text and "$50.88" in second.text


def test_compare_two_variants(demo_engine: Engine) -> None:
    (reply,) = chat(demo_engine, "en", "which is cheaper, the over-ear or the in-ear headphones?")
    assert "$344.55" in reply.text and "$346.97" in reply.text and "$2.42" in reply.text
    assert "type: in-ear vs over-ear" in reply.text
    assert variant_ids(reply) == ["7184044281", "7493556126"]


def test_none_fits_says_so_with_the_closest(demo_engine: Engine) -> None:
    (reply,) = chat(demo_engine, "zh", "有没有500块以下的笔记本电脑")
    assert reply.text.startswith("抱歉") and "2292.37" in reply.text


def test_never_asks_who_the_shopper_is(demo_engine: Engine) -> None:
    replies = chat(
        demo_engine,
        "en",
        "recommend a gift for my dad under $100",
        "what about under $50?",
        "which of them is the cheapest?",
    )
    for reply in replies:
        assert "email" not in reply.text and "zip" not in reply.text
        assert reply.handoff_state == "bot" and not reply.tool_calls
    assert "$45.09" in replies[2].text  # the cheapest of the picks under $50


def test_zh_option_names_and_values_in_chinese(demo_engine: Engine) -> None:
    (reply,) = chat(demo_engine, "zh", "T恤有紫色XL的吗")
    assert "紫色" in reply.text and "纯棉" in reply.text and "purple" not in reply.text
