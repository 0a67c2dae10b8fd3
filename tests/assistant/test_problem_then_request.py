"""A problem told before the request: "the keyboard, half the keys stopped working", then
"I just want to send it back". The problem is acknowledged with the choices (return,
exchange, a person), not answered as a catalogue question nor handed off as a second
complaint; the request that follows takes its order and item from what was told."""

from __future__ import annotations

import pytest

from kefu.assistant import Assistant
from kefu.assistant._understand import tells_a_fault
from tests.assistant.conftest import YUSUF

KEYBOARD_ORDER = "#W2378156"  # Yusuf's delivered order: headphones, vacuum, keyboard, ...


@pytest.mark.parametrize(
    ("text", "fault"),
    [
        ("the bluetooth speaker. it crackles at literally any volume", True),
        ("my kettle stopped working after a week", True),
        ("the zipper broke the first time I used it", True),
        ("these boots pinch so badly", True),
        ("I want running shoes that never pinch", False),
        ("耳机有杂音", True),
        ("鞋子穿了两天就开胶了", True),
        ("does the speaker crackle at high volume?", False),
        ("is this kettle going to leak if I fill it up?", False),
        ("I am looking for headphones that don't crackle", False),
        ("有没有不容易起球的毛衣", False),
        ("这款耳机会不会有杂音", False),
    ],
)
def test_a_fault_told_as_a_statement(text: str, fault: bool) -> None:
    assert tells_a_fault(text) is fault


def test_problem_told_first_names_the_item_of_the_return(assistant: Assistant) -> None:
    cid = assistant.start()
    first = assistant.handle(cid, "hi, I have a problem with something I bought from you")
    assert "person" in first.text  # acknowledged, a person offered
    told = assistant.handle(cid, "the mechanical keyboard. half the keys stopped working")
    assert told.handoff_state == "bot"  # telling what is wrong is not a second complaint
    assert "return" in told.text and "exchange" in told.text
    assert not any(c.type == "product" for c in told.cards)  # not a catalogue answer
    assert [q.label for q in told.quick_replies][:2] == [
        "I want to return an item",
        "I want to exchange an item",
    ]
    assistant.handle(cid, "I just want to send it back")
    proposal = assistant.handle(cid, YUSUF["email"])
    assert KEYBOARD_ORDER in proposal.text and "Mechanical Keyboard" in proposal.text
    assert "Which items" not in proposal.text and "Smart Watch" not in proposal.text


def test_a_chinese_problem_then_the_return(assistant: Assistant) -> None:
    cid = assistant.start(language="zh")
    assistant.handle(cid, "我买的东西出问题了")
    told = assistant.handle(cid, "机械键盘一半的键都不工作了")
    assert told.handoff_state == "bot" and "退货" in told.text and "换货" in told.text
    assistant.handle(cid, "我要退")
    proposal = assistant.handle(cid, YUSUF["email"])
    assert KEYBOARD_ORDER in proposal.text and "机械键盘" in proposal.text


def test_a_second_vague_complaint_still_goes_to_a_person(assistant: Assistant) -> None:
    cid = assistant.start()
    assistant.handle(cid, "I'm really unhappy with your service")
    second = assistant.handle(cid, "this is ridiculous, I'm so annoyed")
    assert second.handoff_state != "bot"


def test_a_request_naming_its_own_item_wins_over_the_problem(assistant: Assistant) -> None:
    cid = assistant.start()
    assistant.handle(cid, "the mechanical keyboard, half the keys stopped working")
    assistant.handle(cid, f"actually just return the smart watch from {KEYBOARD_ORDER}")
    proposal = assistant.handle(cid, YUSUF["email"])
    assert "Smart Watch" in proposal.text and "Mechanical Keyboard" not in proposal.text


def _items(*names: str) -> list[dict[str, str]]:
    return [{"item_id": f"i{n}", "name": name} for n, name in enumerate(names)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "I ordered a bookshelf (great, no complaints there) and an electric toothbrush. "
            "The toothbrush stops after thirty seconds. I would like to return the toothbrush "
            "please, but keep the bookshelf.",
            ["Electric Toothbrush"],
        ),
        ("我买了书架和电动牙刷，牙刷坏了要退，书架留着", ["Electric Toothbrush"]),
        ("return the bookshelf and the electric toothbrush", ["Bookshelf", "Electric Toothbrush"]),
        (
            "你好，我买了一堆东西，有烧水壶、书架，还有一个台灯。别的都挺好的，就是台灯买了黑色的"
            "不好看。所以我想把台灯换成银色的，其他都不变。",
            ["Desk Lamp"],
        ),
        ("I bought the desk lamp and the tea kettle. Please return the lamp.", ["Desk Lamp"]),
        ("return the bookshelf. the tea kettle too.", ["Bookshelf", "Tea Kettle"]),
    ],
)
def test_an_item_said_to_be_kept_is_not_returned(text: str, expected: list[str]) -> None:
    from kefu.assistant._flows import match_items

    items = _items("Bookshelf", "Electric Toothbrush", "Tea Kettle", "Desk Lamp")
    got = [i["name"] for i in items if i["item_id"] in match_items(text, items)]
    assert got == expected


def test_an_email_sentence_is_not_an_address_request() -> None:
    from kefu.assistant import _extract as ex

    rest = ex.strip_identity("My email address is fatima.anderson8791@example.com. Thanks!")
    assert "address" not in rest.lower()
