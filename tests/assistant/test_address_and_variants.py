"""Addresses and variants as customers write them: parsed and validated, never free text."""

from __future__ import annotations

import json

import pytest

from kefu.assistant import _address, _variants
from kefu.config import get_settings


@pytest.fixture(scope="module")
def db() -> dict:
    return json.loads((get_settings().tau2_dir / "db.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "it should be 445 Maple Drive, Suite 394, Fort Worth, TX 76165. I'm moving before "
            "it's delivered",
            ("445 Maple Drive", "Suite 394", "Fort Worth", "TX", "76165"),
        ),
        ("101 Highway, New York, 10001", ("101 Highway", "", "New York", "NY", "10001")),
        (
            "新地址是 123 Elm Street, Apt 5, Houston, Texas 77001, USA",
            ("123 Elm Street", "Apt 5", "Houston", "TX", "77001"),
        ),
        (
            "Please change it to 1234 Pine Ave Apt 2B Chicago IL 60614 thanks",
            ("1234 Pine Ave", "Apt 2B", "Chicago", "IL", "60614"),
        ),
    ],
)
def test_typed_addresses_are_cut_from_the_sentence(text: str, expected: tuple) -> None:
    addr = _address.parse_address(text)
    assert addr is not None
    assert (addr.address1, addr.address2, addr.city, addr.state, addr.zip) == expected
    assert addr.country == "USA"
    for field in (addr.address1, addr.city, addr.state, addr.zip):
        assert "moving" not in field and "thanks" not in field and "." not in field


@pytest.mark.parametrize(
    "text",
    [
        "my zip is 75277",
        "somewhere in Texas near my mom",
        "I live at 12 Oak St",
        "742 Evergreen Terrace, Springfield, XX 62704",  # no such state
        "'; DROP TABLE orders; -- 12345",
    ],
)
def test_incomplete_or_invalid_addresses_are_refused(text: str) -> None:
    assert _address.parse_address(text) is None


def test_markup_around_an_address_stays_out_of_it() -> None:
    addr = _address.parse_address("<script>alert(1)</script> 1 Main St, Austin, TX 78701")
    assert addr is not None and "<" not in str(addr)
    assert (addr.address1, addr.city, addr.state, addr.zip) == (
        "1 Main St",
        "Austin",
        "TX",
        "78701",
    )


def test_addresses_on_record_resolve_by_reference(db: dict) -> None:
    user = db["users"]["ivan_khan_7475"]
    orders = [db["orders"][o] for o in user["orders"]]
    washington = db["orders"]["#W5270061"]
    profile = _address.resolve_address(
        "change it to my default address please", user, orders, current_order=washington
    )
    assert profile is not None and profile.city == "Charlotte" and profile.zip == "28243"
    by_city = _address.resolve_address(
        "ship it to my Charlotte address", user, orders, current_order=washington
    )
    assert by_city is not None and by_city.address1 == "159 Hickory Lane"
    assert _address.resolve_address("to a new place", user, orders) is None


def test_other_order_address(db: dict) -> None:
    user = db["users"]["yara_silva_7567"]
    orders = [db["orders"][o] for o in user["orders"]]
    laptop = db["orders"]["#W3730488"]
    nyc = _address.resolve_address("use my NYC address", user, orders, current_order=laptop)
    assert nyc is not None and (nyc.city, nyc.state) == ("New York", "NY")


def _item(db: dict, order: str, name: str) -> tuple[dict, dict, list]:
    items = db["orders"][order]["items"]
    item = next(i for i in items if i["name"] == name)
    return item, db["products"][item["product_id"]], items


def test_variant_per_item_segment_and_instead_of(db: dict) -> None:
    text = (
        "The mechanical keyboard, the same one but with clicky switches. And the smart "
        "thermostat, one compatible with Google Home instead of Apple HomeKit."
    )
    thermo, product, items = _item(db, "#W2378156", "Smart Thermostat")
    pick = _variants.choose(_variants.segment(text, thermo, items), thermo, product)
    chosen = product["variants"][pick.variant_id]["options"]
    assert chosen == {"compatibility": "Google Assistant", "color": "black"}


def test_variant_never_changes_an_unmentioned_option_silently(db: dict) -> None:
    keyboard, product, _ = _item(db, "#W2378156", "Mechanical Keyboard")
    pick = _variants.choose("with clicky switches", keyboard, product)
    assert pick.variant_id is None and pick.closest  # clicky + RGB + full size is sold out
    assert all(v["options"]["switch type"] == "clicky" for v in pick.closest)
    then = _variants.choose("go for no backlight then", keyboard, product, pick.wanted)
    opts = product["variants"][then.variant_id]["options"]
    assert opts == {"switch type": "clicky", "backlight": "none", "size": "full size"}


def test_variant_comparatives_and_chinese_words(db: dict) -> None:
    lamp, product, _ = _item(db, "#W6390527", "Desk Lamp")
    pick = _variants.choose("a less bright one, battery powered", lamp, product)
    assert product["variants"][pick.variant_id]["options"]["brightness"] == "low"
    assert product["variants"][pick.variant_id]["options"]["power source"] == "battery"
    assert _variants.normalize("15寸 黑色 续航8小时").split() == [
        "15", "inch", "black", "续航", "8", "hour",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "changes_default"),
    [
        ("I moved, can you change the default address on my account?", True),
        ("please update my profile address to 1 Main St, Austin, TX 78701", True),
        ("请帮我修改账户的默认地址", True),
        ("我搬家了，想改一下默认地址", True),
        ("change it to my default address please", False),
        ("can you ship my pending order to the address on my profile instead", False),
        ("use the address on my account for order #W1234567", False),
        ("我那个还没发货的订单，能不能改寄到我账户里的默认地址？", False),
        ("订单地址改成默认地址吧", False),
        ("用账户里的默认地址就行", False),
    ],
)
def test_default_address_named_as_the_change_or_as_the_target(
    text: str, changes_default: bool
) -> None:
    from kefu.assistant._flows import changes_default_address

    assert changes_default_address(text) is changes_default
