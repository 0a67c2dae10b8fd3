"""The checker catches spelled-out numbers and invented features; zh templates speak zh."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kefu.content import check_copy, describe
from kefu.content.facts import ProductFacts
from kefu.content.service import shape_draft
from kefu.store.models import Product, Variant


def _facts(description: str | None = None, **options: list[str]) -> ProductFacts:
    options = options or {"capacity": ["1L", "1.5L"], "color": ["black", "white"]}
    return ProductFacts(
        product_id="kettle",
        name="Electric Kettle",
        name_zh="电热水壶",
        category="kitchen",
        options=options,
        price_min=Decimal("49.99"),
        price_max=Decimal("64.50"),
        variants=2,
        available=2,
        prices=frozenset({Decimal("49.99"), Decimal("64.50")}),
        description=description,
    )


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("Comes with a two-year warranty.", "two-year"),
        ("Boils in five minutes.", "five minutes"),
        ("Available in three colors.", "three colors"),
        ("三年质保。", "三年"),
        ("一年保修，放心购买。", "一年"),
        ("有三种颜色可选。", "三种"),
        ("保温12小时。", "12小时"),
        ("支持7天无理由退货。", "7天"),
    ],
)
def test_spelled_out_and_chinese_numbers_are_checked(text: str, claim: str) -> None:
    assert claim in {v.claim for v in check_copy(text, _facts()) if v.kind == "number"}


@pytest.mark.parametrize(
    "text",
    [
        "Available in two colors.",
        "有两种颜色可选。",
        "一款好用的水壶，陪伴你的每一天。",
        "This one is our favourite, in 1.5L.",
        "容量1.5升，一年四季都适用。",
    ],
)
def test_true_counts_and_articles_are_not_claims(text: str) -> None:
    assert check_copy(text, _facts()) == []


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("Fully waterproof design.", "waterproof"),
        ("无线设计，随处可用。", "无线"),
        ("Made with organic materials.", "organic"),
        ("Comes with a lifetime warranty.", "warranty"),
        ("全国包邮。", "包邮"),
        ("采用人体工学设计。", "人体工学"),
    ],
)
def test_feature_words_need_support_in_the_product_data(text: str, claim: str) -> None:
    found = [(v.kind, v.claim) for v in check_copy(text, _facts())]
    assert ("feature", claim) in found


def test_feature_is_allowed_when_options_or_description_state_it() -> None:
    by_option = _facts(connectivity=["wireless", "wired"], waterproof=["yes", "no"])
    assert check_copy("Wireless and waterproof. 无线防水。", by_option) == []
    by_description = _facts("有机棉面料，两年质保。")
    assert check_copy("有机棉，两年质保。", by_description) == []


def test_denied_feature_cannot_be_claimed_but_may_be_denied() -> None:
    facts = _facts(waterproof=["no"])
    assert [v.claim for v in check_copy("Fully waterproof.", facts)] == ["waterproof"]
    assert check_copy("It is not waterproof. waterproof: no.", facts) == []


def test_zh_templates_use_chinese_option_names() -> None:
    product = Product(id="p1", name="Water Bottle", name_zh="运动水壶", category="sports")
    product.variants = [
        Variant(id="v1", options={"capacity": "500ml", "waterproof": "yes"}, price=Decimal("9")),
        Variant(id="v2", options={"capacity": "750ml", "waterproof": "no"}, price=Decimal("12")),
    ]
    title = describe(product, "zh", "title").text
    assert title == "运动水壶（2种容量可选）"
    points = describe(product, "zh", "selling_points").text
    assert "容量：500ml、750ml" in points and "防水：否、是" in points
    assert "capacity" not in points and "waterproof" not in points


def test_chinese_store_keys_are_kept() -> None:
    product = Product(id="p2", name="保温杯", name_zh="保温杯", category="水杯")
    product.variants = [
        Variant(id="v1", options={"容量": "350ml", "颜色": "白色"}, price=Decimal("89")),
        Variant(id="v2", options={"容量": "500ml", "颜色": "黑色"}, price=Decimal("97")),
    ]
    assert describe(product, "zh", "title").text == "保温杯（2种容量可选）"
    assert "颜色：白色、黑色" in describe(product, "zh", "description").text


def test_model_drafts_are_shaped_before_checking() -> None:
    raw = "**Selling points**\n1. Holds 1.5L\n- Black or white\n* Ships fast"
    assert shape_draft(raw, "selling_points") == (
        "• Selling points\n• Holds 1.5L\n• Black or white\n• Ships fast"
    )
    assert shape_draft('Title: "Electric Kettle 1.5L"\nextra line', "title") == (
        "Electric Kettle 1.5L"
    )
