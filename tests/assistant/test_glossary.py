"""Chinese product words find the English catalogue's product types."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from kefu.assistant import Assistant
from kefu.assistant._glossary import ZH_PRODUCT_NAMES, chinese_name, english_names


def test_every_tau2_product_type_has_chinese_names(tau2_data: dict[str, Any]) -> None:
    types = {p["name"] for p in tau2_data["products"].values()}
    assert types == set(ZH_PRODUCT_NAMES)
    assert all(chinese_name(name) for name in types)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("耳机坏了", ["Headphones", "Wireless Earbuds"]),  # generic: usual reading first
        ("手表", ["Wristwatch", "Smart Watch"]),
        ("我买的键盘和鼠标", ["Mechanical Keyboard", "Gaming Mouse"]),
        ("T恤能换大一号吗", ["T-Shirt"]),
        ("智能手表的表带", ["Smart Watch"]),  # not also Wristwatch (手表)
        ("笔记本电脑", ["Laptop"]),  # not Notebook (笔记本)
        ("无线蓝牙耳机", ["Wireless Earbuds"]),  # not Headphones (耳机)
        ("自行车头盔和自行车", ["Cycling Helmet", "Bicycle"]),
        ("我想问一下订单", []),
    ],
)
def test_longest_chinese_word_names_the_product_type(text: str, names: list[str]) -> None:
    assert english_names(text) == names


def _delivered_order_with(
    tau2_data: dict[str, Any], wanted: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A delivered order with several different products, one of them ``wanted``."""
    for order in tau2_data["orders"].values():
        names = [i["name"] for i in order["items"]]
        if order["status"] == "delivered" and wanted in names and len(set(names)) == len(names) > 1:
            return order, tau2_data["users"][order["user_id"]]
    raise AssertionError(f"no delivered order with {wanted}")


@pytest.mark.slow
def test_chinese_product_word_picks_the_item_to_return(
    sqlite_tau2_engine: Engine, tau2_data: dict[str, Any]
) -> None:
    order, user = _delivered_order_with(tau2_data, "Headphones")
    headphones = next(i["item_id"] for i in order["items"] if i["name"] == "Headphones")
    assistant = Assistant(sqlite_tau2_engine)
    cid = assistant.start(language="zh")
    assistant.handle(cid, f"我的邮箱是 {user['email']}")
    reply = assistant.handle(cid, f"订单 {order['order_id']} 我要退货")
    assert reply.flow == "return_items" and "哪些商品" in reply.text
    reply = assistant.handle(cid, "耳机")
    if len(user["payment_methods"]) > 1:  # one method on file is proposed without asking
        assert "退款退到哪里" in reply.text
        reply = assistant.handle(cid, "原支付方式")
    assert reply.flow == "return_items" and "头戴式耳机" in reply.text and "是的" in reply.text
    done = assistant.handle(cid, "是的")
    writes = [c for c in done.tool_calls if c.name == "return_delivered_order_items"]
    assert writes and writes[0].ok and writes[0].arguments["item_ids"] == [headphones]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "product"),
    [("键盘有哪些款式？", "Mechanical Keyboard"), ("耳机多少钱", "Headphones")],
)
def test_chinese_product_question_shows_the_english_catalogue_product(
    sqlite_tau2_engine: Engine, question: str, product: str
) -> None:
    assistant = Assistant(sqlite_tau2_engine)
    reply = assistant.handle(assistant.start(language="zh"), question)
    from kefu.assistant._glossary import chinese_name

    cards = [c for c in reply.cards if c.type == "product"]
    # the English catalogue product, named in Chinese, with variant ids and prices
    assert chinese_name(product) in {c.data["name"] for c in cards}
    assert all(c.data["variant_id"] and c.data["price_text"].startswith("$") for c in cards)
    assert chinese_name(product) in reply.text and "$" in reply.text
