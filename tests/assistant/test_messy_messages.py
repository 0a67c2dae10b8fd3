"""Messages typed the way upset or hurried customers type them: in capitals, with emoji,
or without the email the bot asks for."""

from __future__ import annotations

import pytest

from kefu.assistant import Assistant
from kefu.assistant._understand import understand
from tests.assistant.conftest import YUSUF


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("WHERE IS MY ORDER????? 😡😡 its been 2 weeks", "order_status"),
        ("CANCEL MY ORDER NOW", "cancel_order"),
        ("WHERE IS MY PACKAGE", "order_status"),
    ],
)
def test_a_message_in_capitals_reads_as_in_lower_case(text: str, intent: str) -> None:
    shouted, plain = understand(text, "en"), understand(text.lower(), "en")
    assert shouted.intent == plain.intent
    assert shouted.intent in (intent, "track_shipment")


def test_one_capital_word_is_left_alone_and_ids_keep_their_case() -> None:
    assert understand("CANCEL #W6247578 NOW PLEASE", "en").order_ids == ["#W6247578"]
    assert understand("I need help with UPS tracking", "en").intent == "track_shipment"


@pytest.mark.parametrize(
    ("lang", "ask_for", "no_email", "asks"),
    [
        ("en", "cancel my order please", "I forgot which email I used", "name"),
        ("en", "where is my order", "i don't remember my email sorry", "name"),
        ("zh", "我要取消订单", "我也不记得邮箱了", "姓名"),
        ("zh", "我的快递咋还没到", "邮箱忘了", "姓名"),
    ],
)
def test_no_email_gets_the_name_and_zip_way_in(
    assistant: Assistant, lang: str, ask_for: str, no_email: str, asks: str
) -> None:
    cid = assistant.start(language=lang)
    assistant.handle(cid, ask_for)
    reply = assistant.handle(cid, no_email)
    assert asks in reply.text and ("zip" in reply.text or "邮编" in reply.text)
    assert "email" not in reply.text and "邮箱" not in reply.text
    known = assistant.handle(cid, f"Yusuf Rossi {YUSUF['zip']}")
    assert "Yusuf" in known.text
