"""Shopping follow-ups and option words found by the second blind pre-sales suites
(presales_blind2_*.yaml), each tested here in other words. Expected values are computed from
the tau2 db.json directly, not through kefu."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

import kefu.assistant  # noqa: F401  (the assistant package first: it imports the catalogue)
from kefu.catalog import Catalog
from kefu.config import get_settings
from tests.catalog.chat import chat, variant_ids


@pytest.fixture(scope="module")
def tau2() -> dict[str, Any]:
    return json.loads((get_settings().tau2_dir / "db.json").read_text(encoding="utf-8"))


def _variants(tau2: dict[str, Any], name: str) -> list[dict[str, Any]]:
    product = next(p for p in tau2["products"].values() if p["name"] == name)
    return list(product["variants"].values())


def _money(value: float) -> str:
    return f"${Decimal(str(value)).quantize(Decimal('0.01'))}"


@pytest.mark.parametrize(
    ("text", "product", "values", "missing"),
    [
        ("a black cycling helmet, size L", "Cycling Helmet", ["black", "l"], []),
        ("leather hiking boots in 10?", "Hiking Boots", ["10", "leather"], []),
        ("is there a softcover notebook in A5", "Notebook", ["a5", "soft cover"], []),
        ("desk lamp that takes batteries", "Desk Lamp", ["battery"], []),
        ("a water bottle that holds 2000ml", "Water Bottle", [], ["2000ml"]),
    ],
)
def test_option_words(
    demo_session: Session, text: str, product: str, values: list[str], missing: list[str]
) -> None:
    cat = Catalog(demo_session, "en")
    q = cat.parse(text)
    assert [p.name for p in cat.products if p.id in q.types] == [product]
    assert q.values == values and q.missing == missing


def test_a_real_word_is_not_respelt_into_a_product(demo_session: Session) -> None:
    cat = Catalog(demo_session, "en")
    assert cat.parse("something nice for my coworker").types == []
    assert cat.parse("a new backpak for school").types  # one letter off still is one


def test_a_size_the_store_lacks_is_said_missing(demo_engine: Engine) -> None:
    (reply,) = chat(demo_engine, "zh", "有没有6L的电饭煲")
    assert "没有" in reply.text and "¥" in reply.text and "$" not in reply.text


def test_biggest_capacity_among_those_shown(demo_engine: Engine, tau2: dict[str, Any]) -> None:
    first, second = chat(
        demo_engine,
        "en",
        "stainless steel water bottles under $55",
        "which one has the biggest capacity?",
    )
    shown = variant_ids(first)
    assert len(shown) >= 2
    bottles = {v["item_id"]: v for v in _variants(tau2, "Water Bottle")}
    ml = {i: int(bottles[i]["options"]["capacity"].removesuffix("ml")) for i in shown}
    best = max(ml.values())
    assert variant_ids(second)[0] in {i for i, m in ml.items() if m == best}
    assert f"{best}ml" in second.text


def test_the_thickest_yoga_mat(demo_engine: Engine, tau2: dict[str, Any]) -> None:
    first, second = chat(
        demo_engine, "en", "yoga mats please", "and which of them is the thickest?"
    )
    shown = variant_ids(first)
    mats = {v["item_id"]: v for v in _variants(tau2, "Yoga Mat")}
    mm = {i: int(mats[i]["options"]["thickness"].removesuffix("mm")) for i in shown}
    assert max(mm.values()) > min(mm.values())
    assert mm[variant_ids(second)[0]] == max(mm.values())


def test_the_cheapest_of_a_price_range_stays_in_it(
    demo_engine: Engine, tau2: dict[str, Any]
) -> None:
    _, second = chat(
        demo_engine, "en", "water bottles from $49 to $53", "ok which of those is the cheapest?"
    )
    fits = [v for v in _variants(tau2, "Water Bottle") if 49 <= v["price"] <= 53]
    cheapest = min(fits, key=lambda v: v["price"])
    assert _money(cheapest["price"]) in second.text
    below = [v for v in _variants(tau2, "Water Bottle") if v["price"] < 49]
    assert below and all(_money(v["price"]) not in second.text for v in below)


def test_a_value_two_shown_items_share_lists_both(demo_engine: Engine) -> None:
    first, second = chat(demo_engine, "zh", "有哪些耳机", "要白色的")
    white = [c.data for c in first.cards if c.type == "product" and "白色" in str(c.data)]
    assert len(white) == 2  # two white pairs among those shown
    listed = [c.data for c in second.cards if c.type == "product"]
    assert [c["variant_id"] for c in listed] == [c["variant_id"] for c in white]
    assert all(c["price_text"] in second.text for c in white)


def test_an_activity_at_home_is_not_the_home_category(demo_session: Session) -> None:
    cat = Catalog(demo_session, "en")
    assert cat.parse("anything for exercising at home?").category == "sports"
    assert cat.parse("what do you have for the home?").category == "home"
