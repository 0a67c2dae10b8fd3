"""With the real local model the code still decides: known commands only, yes before writes."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from kefu.assistant import Assistant
from kefu.assistant._commands import ProposedCommand, propose
from kefu.assistant.flows import FLOWS
from tests.assistant.conftest import PENDING_ORDER, YUSUF

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    "text", ["I need to send back the headphones I got", "我想跟真人聊聊", "what a lovely day"]
)
def test_model_proposals_are_known_commands_or_nothing(local_model: Any, text: str) -> None:
    command = propose(
        local_model, text, "zh" if any("\u4e00" <= c <= "\u9fff" for c in text) else "en"
    )
    if command is not None:
        assert isinstance(command, ProposedCommand)
        assert command.kind in {"start_flow", "knowledge", "handoff", "chitchat", "clarify"}
        if command.kind == "start_flow":
            assert command.argument in FLOWS


def test_with_a_model_a_write_still_needs_the_explicit_yes(
    sqlite_tau2_engine: Engine, local_model: Any
) -> None:
    assistant = Assistant(sqlite_tau2_engine, llm=local_model)
    cid = assistant.start(language="en")
    turns = [
        f"I want to cancel order {PENDING_ORDER}",
        YUSUF["email"],
        "I no longer need it",
        "hmm",
    ]
    for text in turns:
        reply = assistant.handle(cid, text)
        assert not any(c.name == "cancel_pending_order" for c in reply.tool_calls)
    done = assistant.handle(cid, "yes")
    assert [c.ok for c in done.tool_calls if c.name == "cancel_pending_order"] == [True]
