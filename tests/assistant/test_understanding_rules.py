"""Deterministic reading of customer wording: ids, yes, reasons, items named by product."""

from __future__ import annotations

from typing import Any

import pytest

from kefu.assistant import _extract as ex
from kefu.assistant import _flows as fl


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("订单W1430028的付款方式能换成信用卡吗", ["#W1430028"]),
        ("取消#W1234567和W7654321", ["#W1234567", "#W7654321"]),
        ("order # W1234567 please", ["#W1234567"]),
        ("SKUW1234567", []),
        ("W12345678", []),
    ],
)
def test_order_ids_are_read_even_when_glued_to_chinese(text: str, ids: list[str]) -> None:
    assert ex.order_ids(text) == ids


@pytest.mark.parametrize(
    ("text", "yes"),
    [
        ("嗯 确认", True),
        ("嗯嗯，是的", True),
        ("um yes", True),
        ("嗯", False),
        ("hmm, let me think", False),
    ],
)
def test_hesitation_before_a_yes_is_still_a_yes_but_hesitation_alone_is_not(
    text: str, yes: bool
) -> None:
    assert ex.is_yes(text) is yes


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("dont need it anymore", "no longer needed"),
        ("not needed anymore", "no longer needed"),
        ("I don't want it", "no longer needed"),
        ("我下错单了", "ordered by mistake"),
        ("found a better price somewhere else", None),
    ],
)
def test_cancel_reason_reads_colloquial_wording(text: str, reason: str | None) -> None:
    assert ex.cancel_reason(text) == reason


ITEMS: list[dict[str, Any]] = [
    {"name": "Vacuum Cleaner", "item_id": "v1", "options": {"type": "canister"}},
    {"name": "Vacuum Cleaner", "item_id": "v2", "options": {"type": "robotic"}},
    {"name": "Air Purifier", "item_id": "a1", "options": {"room size": "large"}},
    {"name": "Headphones", "item_id": "h1", "options": {"color": "blue"}},
    {"name": "Wireless Earbuds", "item_id": "e1", "options": {"color": "black"}},
]


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("the purifier", ["a1"]),  # a telling word of the name
        ("the robotic vacuum", ["v2"]),  # option values pick among same-named items
        ("the canister one", ["v1"]),
        ("both vacuums", ["v1", "v2"]),
        ("everything", ["v1", "v2", "a1", "h1", "e1"]),
        ("耳机", ["h1"]),  # generic Chinese word: its usual reading first
        ("蓝牙耳机", ["e1"]),
        ("the light blue one", ["h1"]),  # 'light' alone does not name a product
    ],
)
def test_items_are_matched_by_how_customers_name_them(text: str, ids: list[str]) -> None:
    assert fl.match_items(text, ITEMS) == ids


def test_one_of_two_same_products_by_name_alone_is_ambiguous() -> None:
    vacuums = ITEMS[:2]
    assert fl.ambiguous_same_product("return the vacuum", vacuums)
    assert not fl.ambiguous_same_product("return both vacuums", vacuums)
    assert not fl.ambiguous_same_product("return the vacuum", vacuums[:1])


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("swap the tea kettle for the glass one", " the glass one"),
        ("the pet bed is too small, can i swap it for a bigger one?", " a bigger one?"),
        ("茶壶换成玻璃的", "玻璃的"),
        ("the bed is too small", ""),
    ],
)
def test_only_the_target_part_of_a_request_chooses_the_new_variant(text: str, part: str) -> None:
    assert fl.wanted_part(text) == part
