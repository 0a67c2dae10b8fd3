"""Catalogue search: what a shopper's words ask for, and what fits (expected values from the
tau2 db.json and kefu/demo/data/zh_store.json)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

import kefu.assistant  # noqa: F401  (the assistant package first: it imports the catalogue)
from kefu.catalog import Catalog, Query, money, parse_price
from kefu.catalog._words import normalise_units, zh_numerals


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("laptops under $1000", None, 1000),
        ("anything below 50 dollars", None, 50),
        ("less than 2k", None, 2000),
        ("between $900 and $950", 900, 950),
        ("from 200 to 300 bucks", 200, 300),
        ("$100 or less", None, 100),
        ("over $500", 500, None),
        ("around $300", 240, 360),
        ("500块以下的笔记本电脑", None, 500),
        ("200元以内", None, 200),
        ("预算300", None, 300),
        ("不超过1000元", None, 1000),
        ("300到500元之间", 300, 500),
        ("300-500块", 300, 500),
        ("1000元以上", 1000, None),
        ("五百块左右", 400, 600),
        ("三百块以内", None, 300),
        ("一千五以下", None, 1500),
        ("15寸的笔记本", None, None),
        ("续航8小时", None, None),
        ("42码的鞋", None, None),
        ("size 8 to 9", None, None),
    ],
)
def test_price_ranges(text: str, low: int | None, high: int | None) -> None:
    lo, hi = parse_price(text)
    assert lo == (None if low is None else Decimal(low))
    assert hi == (None if high is None else Decimal(high))


def test_chinese_numerals_and_units() -> None:
    assert zh_numerals("五百块") == "500块"
    assert zh_numerals("两千元以内") == "2000元以内"
    assert zh_numerals("一个") == "一个"  # not money
    assert normalise_units("15寸") == "15-inch"
    assert normalise_units("续航8小时") == "续航8 hours"
    assert normalise_units("500毫升") == "500ml"
    assert normalise_units("1.5升") == "1.5l"


def test_money_in_the_products_currency() -> None:
    assert money(Decimal("97.00"), "CNY") == "¥97"
    assert money(Decimal("12.5"), "CNY") == "¥12.50"
    assert money(Decimal("49.67"), "USD") == "$49.67"
    assert money(Decimal("1000"), "USD") == "$1000"


def _names(cat: Catalog, q: Query) -> list[str]:
    return [p.name for p in cat.products if p.id in q.types]


def test_named_variant_by_two_option_values(demo_session: Session) -> None:
    cat = Catalog(demo_session, "en")
    q = cat.parse("Do you have the t-shirt in purple XL?")
    assert _names(cat, q) == ["T-Shirt"] and q.values == ["purple", "xl"]
    offers, exact = cat.search(q)
    assert exact and offers[0].variant_id == "8124970213"
    assert offers[0].card("en")["price_text"] == "$49.67"


def test_nothing_fits_gives_the_closest_cheapest_first(demo_session: Session) -> None:
    cat = Catalog(demo_session, "en")
    offers, exact = cat.search(cat.parse("laptops under $1000"))
    assert not exact
    # the cheapest laptop (2291.87) is out of stock: the cheapest available one comes first
    assert offers[0].variant_id == "6017636844" and offers[0].price == Decimal("2292.37")
    assert [o.price for o in offers[:3]] == sorted(o.price for o in offers[:3])


def test_chinese_shopper_gets_the_chinese_store_first(demo_session: Session) -> None:
    cat = Catalog(demo_session, "zh")
    q = cat.parse("有没有200元以下的耳机")
    offers, exact = cat.search(q)
    assert exact and [o.variant_id for o in offers] == ["8810000007"]
    assert offers[0].currency == "CNY" and offers[0].card("zh")["price_text"] == "¥199"
    # an English shopper asking for earbuds gets the English store
    en = Catalog(demo_session, "en")
    assert _names(en, en.parse("wireless earbuds")) == ["Wireless Earbuds"]


def test_other_store_when_only_it_has_the_option(demo_session: Session) -> None:
    cat = Catalog(demo_session, "zh")
    q = cat.parse("续航8小时的无线耳机")
    assert _names(cat, q) == ["Wireless Earbuds"] and q.values == ["8 hours"]


@pytest.mark.parametrize(
    ("text", "product", "values"),
    [
        ("黑的保温杯", "保温杯", ["黑色"]),
        ("樱花粉500毫升的保温杯", "保温杯", ["500ml", "樱花粉"]),
        ("42码的跑步鞋", "跑步鞋", ["42"]),
        ("绿茶双罐", "绿茶礼盒", ["500克双罐"]),
        ("除甲醛版净化器", "空气净化器", ["除甲醛版"]),
        ("15寸的笔记本电脑", "Laptop", ["15-inch"]),
        ("紫色XL的T恤", "T-Shirt", ["purple", "xl"]),
        ("a 1L glass electric kettle", "Electric Kettle", ["1l", "glass"]),
        ("a smart thermostat that works with Alexa", "Smart Thermostat", ["amazon alexa"]),
        ("waterproof hiking boots in size 9", "Hiking Boots", ["9", "waterproof=yes"]),
        ("a laptop with 1TB", "Laptop", ["1tb ssd"]),
        ("space gray laptop", "Laptop", ["space grey"]),
    ],
)
def test_option_values(demo_session: Session, text: str, product: str, values: list[str]) -> None:
    lang = "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in text) else "en"
    cat = Catalog(demo_session, lang)
    q = cat.parse(text)
    assert _names(cat, q) == [product]
    assert q.values == values


def test_numbers_are_sizes_only_when_said_to_be(demo_session: Session) -> None:
    cat = Catalog(demo_session, "en")
    assert cat.parse("sneakers under 200").values == []
    assert cat.parse("sneakers in size 10").values == ["10"]


def test_longer_name_wins_and_mention_order_is_kept(demo_session: Session) -> None:
    cat = Catalog(demo_session, "en")
    assert _names(cat, cat.parse("smart watch")) == ["Smart Watch"]
    q = cat.parse("which is cheaper: the wristwatch or the smart watch?")
    assert [p.name for t in q.types if (p := cat.product(t))] == ["Wristwatch", "Smart Watch"]


def test_categories(demo_session: Session) -> None:
    zh = Catalog(demo_session, "zh")
    q = zh.parse("你们店里有哪些服饰类的商品")
    assert q.category == "服饰"
    assert {o.title("zh") for o in zh.search(q)[0]} == {"真丝睡衣套装", "羊毛围巾"}
    en = Catalog(demo_session, "en")
    q = en.parse("what electronics do you sell?")
    assert q.category == "electronics"
    assert "Laptop" in {o.name for o in en.search(q)[0]}


def test_in_stock_only(demo_session: Session) -> None:
    cat = Catalog(demo_session, "en")
    q = cat.parse("rose gold smartphone in stock")
    assert q.only_available
    _, exact = cat.search(q)
    assert not exact  # every rose gold phone is out of stock


def test_recommendations_are_popular_and_within_the_budget(demo_session: Session) -> None:
    cat = Catalog(demo_session, "en")
    picks = cat.recommend(cat.parse("a gift under $100"), "a gift under $100")
    assert picks and all(o.price <= 100 and o.available for o in picks)
    popular = cat.popular()
    counts = [popular.get(o.product_id, 0) for o in picks]
    assert counts == sorted(counts, reverse=True)
    assert len({o.product_id for o in picks}) == len(picks)


def test_zh_option_words_in_cards(demo_session: Session) -> None:
    cat = Catalog(demo_session, "zh")
    offer = cat.by_variant("8124970213")
    assert offer is not None
    card = offer.card("zh")
    assert card["name"] == "T恤"
    assert card["options"]["颜色"] == "紫色" and card["options"]["尺码"] == "XL"
    assert offer.describe("zh") == "T恤（紫色，XL，纯棉，圆领）"


def test_a_colour_the_product_does_not_come_in(demo_session: Session) -> None:
    zh = Catalog(demo_session, "zh")
    q = zh.parse("有没有蓝色的背包")  # backpacks: black, green, grey, navy
    assert _names(zh, q) == ["Backpack"] and q.missing == ["blue"]
    assert zh.parse("有没有黑色的T恤").missing == []
    en = Catalog(demo_session, "en")
    assert en.parse("Is the Fleece Jacket in black size M available?").missing == []


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("充电宝两万毫安的有吗", ["20000mah"]),
        ("平板电脑128G的", ["128gb"]),
        ("office chair with a high back", ["high-back"]),
        ("蓝牙耳机有降噪的吗", ["主动降噪"]),
        ("蓝牙耳机无降噪的", ["无降噪"]),
    ],
)
def test_more_option_words(demo_session: Session, text: str, values: list[str]) -> None:
    lang = "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in text) else "en"
    assert Catalog(demo_session, lang).parse(text).values == values


def test_negated_chinese_values(demo_session: Session) -> None:
    cat = Catalog(demo_session, "zh")
    assert cat.parse("有降噪的耳机吗").values == ["主动降噪"]
    assert cat.parse("有不降噪的耳机吗").values == ["无降噪"]
    assert cat.parse("耳机降噪的和不降噪的差多少钱").values == ["主动降噪", "无降噪"]
