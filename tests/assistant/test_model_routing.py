"""When the model is asked: only when the classifier is torn, and only between its readings."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from kefu.assistant import Assistant
from kefu.assistant._commands import _menu
from kefu.assistant._understand import Understanding


def _u(intent: str, alternatives: list[tuple[str, float]]) -> Understanding:
    return Understanding(
        text="x",
        language="en",
        intent=intent,
        confidence=alternatives[0][1] if alternatives else 0.9,
        sentiment=0.0,
        frustration=False,
        alternatives=alternatives,
    )


@pytest.mark.parametrize(
    ("intent", "alternatives", "expected"),
    [
        # sure: no model
        ("return_items", [("return_items", 0.97), ("policy_question", 0.03)], None),
        # close, different actions: the model arbitrates between the two
        (
            "return_items",
            [("return_items", 0.5), ("refund_status", 0.44)],
            {"return_items": "return_items", "refund_status": "refund_status"},
        ),
        (
            "policy_question",
            [("policy_question", 0.55), ("return_items", 0.4)],
            {"policy_question": "", "return_items": "return_items"},
        ),
        # close but the same action (both show the order): no model
        ("order_status", [("order_status", 0.5), ("track_shipment", 0.45)], None),
        ("policy_question", [("policy_question", 0.5), ("shipping_policy", 0.45)], None),
        # out of scope: the whole menu
        ("out_of_scope", [("return_items", 0.2), ("product_question", 0.15)], {}),
        # a rule overrode the classifier (policy word, yes/no): the code is sure
        ("policy_question", [("return_items", 0.5), ("refund_status", 0.45)], None),
    ],
)
def test_model_is_consulted_only_when_the_classifier_is_torn(
    intent: str, alternatives: list[tuple[str, float]], expected: dict[str, str] | None
) -> None:
    assert Assistant._unsure_between(_u(intent, alternatives)) == expected


def test_torn_menu_offers_only_the_two_readings() -> None:
    menu = _menu({"return_items": "return_items", "policy_question": ""})
    assert [c.name for c in menu] == ["start_flow", "answer_from_knowledge", "clarify"]
    flows = menu[0].parameters["properties"]["flow"]["enum"]
    assert flows == ["return_items"]
    assert {c.name for c in _menu()} >= {"start_flow", "handoff", "chitchat", "clarify"}


@pytest.mark.slow
def test_with_the_local_model_a_torn_message_is_decided_within_its_readings(
    sqlite_tau2_engine: Engine, local_model: Any
) -> None:
    assistant = Assistant(sqlite_tau2_engine, llm=local_model)
    cid = assistant.start(language="zh")
    reply = assistant.handle(cid, "我想把钱要回来")  # return_items 0.50 vs refund_status 0.44
    assert reply.model_command in (None, "start_flow:return_items", "start_flow:refund_status")
    assert not [c for c in reply.tool_calls if c.name.startswith(("return_", "cancel_"))]
    if reply.model_command is not None:
        assert "邮箱" in reply.text  # the chosen flow still asks who the customer is
