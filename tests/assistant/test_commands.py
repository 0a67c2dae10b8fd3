"""Model-proposed commands are accepted only when they name a known flow or reason."""

from __future__ import annotations

import pytest

from kefu.assistant._commands import ProposedCommand, validate


@pytest.mark.parametrize(
    ("name", "arguments", "expected"),
    [
        ("start_flow", {"flow": "cancel_order"}, ProposedCommand("start_flow", "cancel_order")),
        ("start_flow", {"flow": "refund_everything"}, None),
        ("start_flow", {}, None),
        ("handoff", {"reason": "explicit_request"}, ProposedCommand("handoff", "explicit_request")),
        ("handoff", {"reason": "because"}, None),
        ("chitchat", {"kind": "thanks"}, ProposedCommand("chitchat", "thanks")),
        ("chitchat", {"kind": "poem"}, None),
        ("run_sql", {"query": "DROP TABLE orders"}, None),
        ("answer_from_knowledge", {}, ProposedCommand("knowledge")),
    ],
)
def test_only_known_commands_pass_validation(
    name: str, arguments: dict[str, str], expected: ProposedCommand | None
) -> None:
    assert validate(name, arguments) == expected
