"""The chat and staff-queue HTTP API through FastAPI's TestClient (real app, real store)."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from kefu.api.app import create_app
from kefu.auth import Role, create_key, sign_site_identity
from kefu.store.db import session_factory
from tests.assistant.conftest import PENDING_ORDER, YUSUF


def _client(engine: Engine) -> TestClient:
    return TestClient(create_app(engine))


def _open(client: TestClient, **body: Any) -> tuple[str, dict[str, str]]:
    res = client.post("/v1/conversations", json=body)
    assert res.status_code == 201, res.text
    data = res.json()
    return data["conversation_id"], {"Authorization": f"Bearer {data['token']}"}


def _agent_key(engine: Engine, name: str) -> dict[str, str]:
    with session_factory(engine)() as s:
        secret = create_key(s, name, Role.AGENT)
        s.commit()
    return {"X-API-Key": secret}


def test_chat_json_reply_and_transcript(sqlite_tau2_engine: Engine) -> None:
    client = _client(sqlite_tau2_engine)
    cid, auth = _open(client, language="en")
    res = client.post(
        f"/v1/conversations/{cid}/messages", json={"text": f"I'm {YUSUF['email']}"}, headers=auth
    )
    assert res.status_code == 200
    assert "verified" in res.json()["text"]
    transcript = client.get(f"/v1/conversations/{cid}", headers=auth).json()
    assert [m["role"] for m in transcript["messages"]] == ["customer", "assistant"]
    assert "handoffs" not in transcript


def test_another_conversations_id_with_a_customer_token_is_404(sqlite_tau2_engine: Engine) -> None:
    client = _client(sqlite_tau2_engine)
    mine, auth = _open(client)
    theirs, _ = _open(client)
    assert client.get(f"/v1/conversations/{theirs}", headers=auth).status_code == 404
    res = client.post(f"/v1/conversations/{theirs}/messages", json={"text": "hi"}, headers=auth)
    assert res.status_code == 404
    assert client.get(f"/v1/conversations/{mine}").status_code == 401


def test_sse_streams_deltas_then_the_structured_reply(sqlite_tau2_engine: Engine) -> None:
    client = _client(sqlite_tau2_engine)
    cid, auth = _open(client, language="zh")
    client.post(f"/v1/conversations/{cid}/messages", json={"text": YUSUF["email"]}, headers=auth)
    with client.stream(
        "POST",
        f"/v1/conversations/{cid}/messages",
        json={"text": f"查询订单 {PENDING_ORDER}"},
        headers={**auth, "Accept": "text/event-stream"},
    ) as res:
        assert res.headers["content-type"].startswith("text/event-stream")
        body = "".join(res.iter_text())
    events = [
        (block.split("\n")[0].removeprefix("event: "), block.split("data: ", 1)[1])
        for block in body.replace("\r\n", "\n").strip().split("\n\n")
    ]
    names = [name for name, _ in events]
    assert names[-2:] == ["reply", "done"] and set(names[:-2]) == {"delta"}
    final = json.loads(events[-2][1])
    assert (
        "".join(json.loads(data)["text"] for name, data in events if name == "delta")
        == final["text"]
    )
    assert (
        final["cards"][0]["type"] == "order"
        and final["cards"][0]["data"]["order_id"] == PENDING_ORDER
    )


def test_store_site_customer_token_authenticates_the_chat(sqlite_tau2_engine: Engine) -> None:
    client = _client(sqlite_tau2_engine)
    cid, auth = _open(client, customer_token=sign_site_identity(YUSUF["id"]))
    res = client.post(
        f"/v1/conversations/{cid}/messages", json={"text": PENDING_ORDER}, headers=auth
    )
    assert PENDING_ORDER in res.json()["text"] and "pending" in res.json()["text"]
    assert (
        client.post("/v1/conversations", json={"customer_token": "forged.token"}).status_code == 401
    )


def test_staff_queue_claim_conflict_reply_and_close(sqlite_tau2_engine: Engine) -> None:
    client = _client(sqlite_tau2_engine)
    alice, bob = _agent_key(sqlite_tau2_engine, "alice"), _agent_key(sqlite_tau2_engine, "bob")
    cid, auth = _open(client, language="en")
    client.post(
        f"/v1/conversations/{cid}/messages", json={"text": "talk to a person"}, headers=auth
    )
    assert client.get("/v1/handoffs").status_code == 401
    queue = client.get("/v1/handoffs", headers=alice).json()
    assert [(e["conversation_id"], e["reason"]) for e in queue] == [(cid, "explicit_request")]
    assert client.post(f"/v1/handoffs/{cid}/claim", headers=alice).status_code == 200
    assert client.post(f"/v1/handoffs/{cid}/claim", headers=bob).status_code == 409
    assert (
        client.post(
            f"/v1/handoffs/{cid}/messages", json={"text": "Hi, Bob here"}, headers=bob
        ).status_code
        == 409
    )
    assert (
        client.post(
            f"/v1/handoffs/{cid}/messages", json={"text": "Hi, Alice here"}, headers=alice
        ).status_code
        == 201
    )
    silent = client.post(
        f"/v1/conversations/{cid}/messages", json={"text": "thanks alice"}, headers=auth
    ).json()
    assert silent["silent"] is True and silent["text"] == ""
    assert client.post(f"/v1/handoffs/{cid}/close", headers=alice).json()["csat_requested"] is True
    assert (
        client.post(
            f"/v1/conversations/{cid}/feedback", json={"score": 5}, headers=auth
        ).status_code
        == 201
    )
    staff_view = client.get(f"/v1/conversations/{cid}", headers=alice).json()
    roles = [m["role"] for m in staff_view["messages"]]
    assert roles == ["customer", "assistant", "agent", "customer", "system"]
    assert staff_view["handoffs"][0]["outcome"] == "closed"
