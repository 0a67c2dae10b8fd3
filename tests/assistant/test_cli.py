"""``kefu chat`` with piped input prints one JSON object per reply."""

from __future__ import annotations

import json

from sqlalchemy import Engine
from typer.testing import CliRunner

from kefu.cli.main import app
from tests.assistant.conftest import PENDING_ORDER, YUSUF


def test_piped_chat_prints_one_json_object_per_reply(sqlite_tau2_engine: Engine) -> None:
    lines = f"my email is {YUSUF['email']}\n\n{PENDING_ORDER}\n"
    result = CliRunner().invoke(app, ["chat", "--language", "en"], input=lines)
    assert result.exit_code == 0, result.output
    replies = [json.loads(line) for line in result.output.splitlines() if line.strip()]
    assert len(replies) == 2
    first, second = replies
    assert first["language"] == "en" and first["handoff_state"] == "bot"
    assert [c["name"] for c in first["tool_calls"]][:1] == ["find_user_id_by_email"]
    assert first["tool_calls"][0]["data"] == YUSUF["id"]
    lookup = next(c for c in second["tool_calls"] if c["name"] == "get_order_details")
    assert lookup["ok"] and lookup["data"]["status"] == "pending"
    assert PENDING_ORDER in second["reply"]
