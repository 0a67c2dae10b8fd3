"""Words customers use for two requests: the order's status says which one it is."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from kefu.assistant import Assistant
from tests.assistant.conftest import DELIVERED_ORDER, PENDING_ORDER, YUSUF

PENDING_TWO_ITEMS = "#W4776164"  # Yusuf's pending T-Shirt + Espresso Machine order


@pytest.fixture
def verified(sqlite_tau2_engine: Engine) -> tuple[Assistant, str]:
    assistant = Assistant(sqlite_tau2_engine)
    cid = assistant.start(language="zh")
    assistant.handle(cid, f"my email is {YUSUF['email']}")
    return assistant, cid


@pytest.mark.parametrize(
    ("text", "flow"),
    [
        (f"订单{PENDING_ORDER}我想退掉", "cancel_order"),  # not shipped: 退掉 = cancel
        (f"订单{DELIVERED_ORDER}我想退掉", "return_items"),  # delivered: 退掉 = return
        (f"swap the t-shirt in {PENDING_TWO_ITEMS} for size M", "change_items"),
    ],
)
def test_status_turns_an_ambiguous_request_into_the_one_the_order_allows(
    verified: tuple[Assistant, str], text: str, flow: str
) -> None:
    assistant, cid = verified
    reply = assistant.handle(cid, text)
    assert reply.flow == flow
    assert "无法" not in reply.text and "can't be" not in reply.text
