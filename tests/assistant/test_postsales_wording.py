"""Post-sales wording read by rules (no model): store questions mid-request, refusals after
fillers, items named beside order descriptors, zh option words, edits by option value.

Each case here was read wrongly before the rule it checks (see the commit that added it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kefu.assistant import _extract as ex
from kefu.assistant import _flows as fl
from kefu.assistant import _variants
from kefu.assistant._requests import split_requests
from kefu.assistant._understand import asks_store_question, understand
from kefu.config import get_settings


@pytest.fixture(scope="module")
def db() -> dict[str, Any]:
    path: Path = get_settings().tau2_dir / "db.json"
    if not path.exists():
        pytest.skip("the tau2 retail store is not in ../shared")
    return dict(json.loads(path.read_text()))


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("wait, do I have to pay for the return shipping?", True),
        ("before we go on, how long do I have to return stuff anyway?", True),
        ("how fast does the money come back to my gift card?", True),
        ("do I need to place a new order for the XL or anything?", True),
        ("退到礼品卡多久到账？", True),
        ("换货最晚多少天内申请", True),
        ("can I get it in XL instead?", False),
        ("where is my order?", False),
        ("我的订单到哪了", False),
        ("能不能帮我取消", False),
        ("yes", False),
    ],
)
def test_a_store_question_is_told_from_a_request_by_its_wording(text: str, asks: bool) -> None:
    assert asks_store_question(text) is asks


@pytest.mark.parametrize(
    ("text", "no"),
    [
        ("hmm, actually no. leave it, I'll keep it", True),
        ("oh ok, never mind then", True),
        ("no", True),
        ("actually yes", False),
        ("no wait, the other order", True),
    ],
)
def test_a_refusal_after_hesitation_words_is_a_refusal(text: str, no: bool) -> None:
    assert ex.is_no(text) is no


@pytest.mark.parametrize(
    ("text", "yes"),
    [
        ("好，那地址就按刚才说的改，确认", True),
        ("ok that's fine, go ahead", True),
        ("change it to 12 Main St, confirm", False),
        ("不要确认", False),
        ("no wait, confirm", False),
    ],
)
def test_an_answer_that_ends_on_a_confirm_word_is_a_yes(text: str, yes: bool) -> None:
    assert ex.is_yes(text) is yes


def test_half_zip_in_a_request_is_not_an_identity_word() -> None:
    rest = ex.strip_identity("ava@example.com. I want the navy XL with the half zip")
    assert "half zip" in rest


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        (
            "the navy fleece i got is way too small (XS). can I get it in XL instead?",
            "exchange_items",
        ),
        ("电子书阅读器屏幕有好几个坏点，我要退", "return_items"),
        (
            "can i pay for my tea kettle order with my gift card instead of paypal?",
            "change_payment",
        ),
    ],
)
def test_requests_in_so_many_words_are_read_as_those_requests(text: str, intent: str) -> None:
    from kefu.assistant._requests import read_request

    u = understand(text, "zh" if any("\u4e00" <= c <= "\u9fff" for c in text) else "en")
    if u.intent != intent:
        u = read_request(text, u.language)
    assert u.intent == intent


def test_two_requests_joined_by_and_my_order_are_split() -> None:
    parts = split_requests(
        "For the order with the wall clock: please ship it to my home address on file, "
        "and switch the payment to my credit card instead of paypal",
        "en",
    )
    assert [p.intent for p in parts] == ["change_address", "change_payment"]


def test_an_angry_aside_joins_the_request_it_precedes() -> None:
    parts = split_requests("刚收到的墨镜镜片上全是划痕，你们怎么发货的？？退货！", "zh")
    assert parts == []  # one request: the return of the sunglasses, with its context


def test_items_beside_an_order_descriptor(db: dict[str, Any]) -> None:
    boots = db["orders"]["#W2002172"]["items"]
    ids = fl.match_items(
        "I need to send back everything from the order with the hiking boots except the e-reader",
        boots,
    )
    e_reader = [i["item_id"] for i in boots if i["name"] == "E-Reader"]
    assert ids and not set(ids) & set(e_reader)
    assert any(i["name"] == "Hiking Boots" and i["item_id"] in ids for i in boots)


def test_an_item_named_by_a_word_beside_one_named_in_full(db: dict[str, Any]) -> None:
    items = db["orders"]["#W5416052"]["items"]
    names = [
        i["name"] for i in fl.named_items("the cycling helmet and the earbuds I bought", items)
    ]
    assert names == ["Cycling Helmet", "Wireless Earbuds"]


def test_keep_the_other_item_narrows_the_request() -> None:
    items = [
        {"name": "Desk Lamp", "item_id": "l1", "options": {}},
        {"name": "Electric Kettle", "item_id": "k1", "options": {}},
    ]
    assert fl.edit_items(
        "actually only exchange the lamp, keep the kettle as it is", items, ["l1", "k1"]
    ) == ["l1"]


def test_items_of_one_product_are_told_apart_by_their_option_values() -> None:
    items = [
        {"name": "Pet Bed", "item_id": "b1", "options": {"size": "large", "color": "beige"}},
        {"name": "Pet Bed", "item_id": "g1", "options": {"size": "large", "color": "grey"}},
    ]
    assert fl.edit_items("算了，只换米色那个就行，灰色的不换了", items, ["b1", "g1"]) == ["b1"]
    assert fl.edit_items("only the beige one", items, ["b1", "g1"]) == ["b1"]


def test_a_chinese_size_word_is_read_as_the_value_this_product_has(db: dict[str, Any]) -> None:
    order = db["orders"]["#W4680317"]
    item = next(i for i in order["items"] if i["item_id"] == "6942241102")
    product = db["products"][item["product_id"]]
    choice = _variants.choose("两个宠物床都想换成中号的，其他不变", item, product)
    assert choice.wanted == {"size": "medium"}
    assert product["variants"][choice.variant_id]["options"]["size"] == "medium"


def test_no_backlight_in_chinese_is_the_none_value(db: dict[str, Any]) -> None:
    item = db["orders"]["#W1790752"]["items"][0]
    product = db["products"][item["product_id"]]
    assert _variants.wanted_values("等下，背光也不要了，换无背光的", item, product) == {
        "backlight": "none"
    }


def test_a_variant_is_picked_among_the_closest_ones_offered(db: dict[str, Any]) -> None:
    item = next(i for i in db["orders"]["#W9933266"]["items"] if i["name"] == "Yoga Mat")
    product = db["products"][item["product_id"]]
    pink = [
        vid
        for vid, v in product["variants"].items()
        if v["available"] and v["options"].get("color") == "pink"
    ]
    assert pink
    without = _variants.choose("ok the 5mm pink one then", item, product)
    offered = _variants.choose("ok the 5mm pink one then", item, product, shown=pink[:1])
    assert without.variant_id is None  # not every option the customer has is kept
    assert offered.variant_id == pink[0]


def test_what_the_customer_adds_before_login_is_kept_for_the_request(assistant: Any) -> None:
    """The order and the reason told while the request waits for login are used after it."""
    cid = assistant.start(language="zh")
    first = assistant.handle(cid, "有个订单我不想要了").text
    assert "邮箱" in first
    assert "邮箱" in assistant.handle(cid, "就是有手表和行李箱的那个").text  # no product list
    assistant.handle(cid, "买错了")
    confirm = assistant.handle(cid, "哦对，我叫 Sophia Hernandez，邮编 76197").text
    assert "#W4614740" in confirm and "误下单" in confirm
