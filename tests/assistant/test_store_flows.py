"""A store's own request, registered without editing kefu: the worked example of
docs/assistant.md (docs/examples/store_flows.yaml, an invoice request) run against a real
HTTP endpoint that checks kefu's signature, on a real tau2 store."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine, select

from kefu.assistant import Assistant
from kefu.assistant import flows as registry
from kefu.assistant._tools import ToolRunner
from kefu.assistant.flows._store import StoreFlowError, parse
from kefu.config import get_settings
from kefu.orders import TOOLS
from kefu.store.db import session_factory
from kefu.store.models import AuditLog
from kefu.stores.signing import verify
from tests.assistant.conftest import DELIVERED_ORDER, PENDING_ORDER, YUSUF

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "store_flows.yaml"
SECRET = "test-store-secret"


class Shop:
    """The store's invoice endpoint: verifies the signature, acts once per idempotency key."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.keys: dict[str, dict[str, Any]] = {}
        self.refuse: str | None = None
        shop = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if not verify(SECRET, body, self.headers.get("X-Kefu-Signature")):
                    return self._send(401, {"ok": False, "message": "bad signature"})
                request = json.loads(body)
                shop.calls.append({"body": request, "key": self.headers.get("Idempotency-Key")})
                if shop.refuse:
                    message = {"en": shop.refuse, "zh": "该订单已开过发票"}
                    return self._send(422, {"ok": False, "message": message})
                key = str(self.headers.get("Idempotency-Key"))
                if key not in shop.keys:
                    shop.keys[key] = {"ok": True, "invoice_number": f"INV-{1000 + len(shop.keys)}"}
                self._send(200, shop.keys[key])

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/kefu/invoice"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def shop() -> Iterator[Shop]:
    running = Shop()
    yield running
    running.close()


def _flows_file(tmp_path: Path, url: str, **change: Any) -> Path:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["flows"][0]["tool"]["url"] = url
    data["flows"][0].update(change)
    path = tmp_path / "flows.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def with_flows(
    sqlite_tau2_engine: Engine, shop: Shop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Assistant]:
    monkeypatch.setenv("KEFU_STORE_FLOWS", str(_flows_file(tmp_path, shop.url)))
    monkeypatch.setenv("KEFU_STORE_WEBHOOK_SECRET", SECRET)
    get_settings.cache_clear()
    yield Assistant(sqlite_tau2_engine)
    registry.reset_store_flows()
    get_settings.cache_clear()


def _login(assistant: Assistant, lang: str = "en") -> str:
    cid = assistant.start(language=lang)
    assistant.handle(cid, f"my email is {YUSUF['email']}")
    return cid


def test_the_store_flow_is_asked_confirmed_and_done_through_the_store(
    with_flows: Assistant, shop: Shop, sqlite_tau2_engine: Engine
) -> None:
    cid = _login(with_flows)
    reply = with_flows.handle(cid, f"I need an invoice for order {DELIVERED_ORDER}")
    assert "made out to" in reply.text and not shop.calls
    reply = with_flows.handle(cid, "Acme Trading Ltd")
    assert DELIVERED_ORDER in reply.text and '"Acme Trading Ltd"' in reply.text
    assert [q.value for q in reply.quick_replies] == ["Yes", "No"] and not shop.calls
    reply = with_flows.handle(cid, "yes")
    assert "INV-1000" in reply.text and DELIVERED_ORDER in reply.text
    (call,) = shop.calls
    assert call["body"]["arguments"] == {
        "order_id": DELIVERED_ORDER,
        "invoice_title": "Acme Trading Ltd",
    }
    assert call["body"]["customer_id"] == YUSUF["id"] and call["key"]
    assert call["body"]["order"] == {"order_id": DELIVERED_ORDER, "status": "delivered"}
    with session_factory(sqlite_tau2_engine)() as s:
        audit = s.scalars(select(AuditLog).where(AuditLog.action == "store_issue_invoice")).one()
        assert audit.result["ok"] and audit.result["data"]["invoice_number"] == "INV-1000"
    # the same confirmed action again acts once: the recorded result, no second call
    with session_factory(sqlite_tau2_engine)() as s:
        again = ToolRunner(s, cid, YUSUF["id"]).call(
            "store_issue_invoice", call["body"]["arguments"], write=True
        )
    assert again.ok and again.data["invoice_number"] == "INV-1000" and len(shop.calls) == 1


def test_chinese_request_with_the_title_in_it_asks_only_which_order(
    with_flows: Assistant, shop: Shop
) -> None:
    cid = _login(with_flows, "zh")
    reply = with_flows.handle(cid, "帮我开张发票，抬头是杭州青禾科技有限公司")
    assert "发票抬头" not in reply.text  # the title was in the request
    if "确认" not in reply.text:  # several orders fit: which one
        reply = with_flows.handle(cid, DELIVERED_ORDER)
    assert "杭州青禾科技有限公司" in reply.text and DELIVERED_ORDER in reply.text
    reply = with_flows.handle(cid, "确认")
    assert "INV-1000" in reply.text and "已开具" in reply.text
    assert shop.calls[0]["body"]["language"] == "zh"


def test_status_the_store_excludes_is_refused_in_code_before_any_call(
    with_flows: Assistant, shop: Shop
) -> None:
    cid = _login(with_flows)
    reply = with_flows.handle(cid, f"please send me an invoice for order {PENDING_ORDER}")
    assert "can't be invoiced" in reply.text and "pending" in reply.text
    assert not shop.calls


def test_another_customers_order_looks_like_none(
    with_flows: Assistant, shop: Shop, other_order: dict[str, Any]
) -> None:
    cid = _login(with_flows)
    order_id = other_order["order"]["order_id"]
    reply = with_flows.handle(cid, f"I need an invoice for order {order_id}, made out to Bob")
    assert "not found" in reply.text.lower() or "couldn't find" in reply.text.lower()
    assert other_order["owner"]["email"] not in reply.text and not shop.calls


def test_markup_is_not_a_title_and_is_asked_again(with_flows: Assistant, shop: Shop) -> None:
    cid = _login(with_flows)
    with_flows.handle(cid, f"I need an invoice for order {DELIVERED_ORDER}")
    reply = with_flows.handle(cid, "<script>alert(1)</script>")
    assert "<script>" not in reply.text and "made out to" in reply.text
    reply = with_flows.handle(cid, "Jane Doe")
    assert '"Jane Doe"' in reply.text and not shop.calls


def test_store_refusal_and_store_down_reach_the_customer_as_sentences(
    with_flows: Assistant, shop: Shop
) -> None:
    shop.refuse = "an invoice was already issued for this order"
    cid = _login(with_flows, "zh")
    with_flows.handle(cid, f"订单{DELIVERED_ORDER}要开发票，抬头是张三")
    reply = with_flows.handle(cid, "确认")
    assert "该订单已开过发票" in reply.text and "{" not in reply.text
    shop.close()
    cid = _login(with_flows)
    with_flows.handle(cid, f"I need an invoice for order {DELIVERED_ORDER} made out to Jane Doe")
    reply = with_flows.handle(cid, "yes")
    assert "not reachable" in reply.text and "nothing was changed" in reply.text


def test_without_the_file_an_invoice_question_stays_a_question(
    sqlite_tau2_engine: Engine,
) -> None:
    registry.reset_store_flows()
    assistant = Assistant(sqlite_tau2_engine)
    assert set(registry.FLOWS) == set(registry.BUILT_IN) and "store_issue_invoice" not in TOOLS
    cid = _login(assistant)
    reply = assistant.handle(cid, f"I need an invoice for order {DELIVERED_ORDER}")
    assert "made out to" not in reply.text and not reply.quick_replies


def _spec(**change: Any) -> dict[str, Any]:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["flows"][0].update(change)
    return data


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"confirm": {"en": "Invoice {order_id} to {company}?", "zh": "开票？"}}, "company"),
        ({"confirm": {"en": "Invoice {order_id}?"}}, "zh"),
        ({"triggers": {"en": ["(unclosed"]}}, "pattern"),
        ({"name": "Bad Name"}, "name"),
        ({"slots": [{"name": "address", "ask": {"en": "?", "zh": "？"}}]}, "kefu's own slots"),
        ({"unknown_key": 1}, "unknown_key"),
    ],
)
def test_a_bad_flow_file_is_refused_with_the_reason(change: dict[str, Any], says: str) -> None:
    with pytest.raises(StoreFlowError, match=says):
        parse(_spec(**change))


def test_a_store_flow_cannot_take_a_built_in_name(
    tmp_path: Path, shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KEFU_STORE_WEBHOOK_SECRET", SECRET)
    path = _flows_file(tmp_path, shop.url, name="cancel_order")
    with pytest.raises(registry.FlowConflict):
        registry.load_store_flows(str(path))
    registry.reset_store_flows()
    assert registry.FLOWS["cancel_order"] is not None and "store_issue_invoice" not in TOOLS


def test_every_module_of_the_flows_folder_is_one_registered_flow() -> None:
    folder = Path(registry.__file__).parent
    modules = {p.stem for p in folder.glob("*.py") if not p.stem.startswith("_")} - {"base"}
    assert modules == set(registry.BUILT_IN)
    assert all(registry.FLOWS[m].name == m for m in modules)


class LoyaltyPoints(registry.Flow):
    """A store's read-only request written in Python and published as a kefu.flows entry
    point: points are one per whole unit of currency of delivered orders (the store's rule,
    in the store's code)."""

    name = "loyalty_points"
    description = "how many loyalty points the customer has"

    def matches(self, text: str) -> bool:
        return bool(re.search(r"\bloyalty points\b|积分", text, re.I))

    def read(self, turn: Any, state: Any) -> None:
        orders = [turn.order(o) for o in (turn.user() or {}).get("orders", [])]
        points = sum(
            int(sum(i["price"] for i in o["items"]))
            for o in orders
            if o and o["status"] == "delivered"
        )
        turn.add(
            f"您有 {points} 积分。" if turn.lang == "zh" else f"You have {points} loyalty points."
        )


def test_a_python_flow_from_an_entry_point_answers_without_editing_kefu(
    sqlite_tau2_engine: Engine, tau2_data: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    point = EntryPoint(name="loyalty", value=f"{__name__}:LoyaltyPoints", group="kefu.flows")
    monkeypatch.setattr(registry, "entry_points", lambda group: [point])
    registry.reset_store_flows()
    try:
        assistant = Assistant(sqlite_tau2_engine)
        assert "loyalty_points" in registry.FLOWS
        cid = _login(assistant)
        reply = assistant.handle(cid, "how many loyalty points do I have?")
        user = tau2_data["users"][YUSUF["id"]]
        expected = sum(
            int(sum(i["price"] for i in tau2_data["orders"][o]["items"]))
            for o in user["orders"]
            if tau2_data["orders"][o]["status"] == "delivered"
        )
        assert f"You have {expected} loyalty points." in reply.text
        anonymous = assistant.start()
        reply = assistant.handle(anonymous, "how many loyalty points do I have?")
        assert "points." not in reply.text  # asks who the customer is first
    finally:
        registry.reset_store_flows()


def test_through_the_http_app_the_tool_is_listed_and_the_chat_does_the_request(
    sqlite_tau2_engine: Engine, shop: Shop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    from kefu.api.app import create_app
    from tests.assistant.test_api import _agent_key, _open

    monkeypatch.setenv("KEFU_STORE_FLOWS", str(_flows_file(tmp_path, shop.url)))
    monkeypatch.setenv("KEFU_STORE_WEBHOOK_SECRET", SECRET)
    get_settings.cache_clear()
    registry.reset_store_flows()
    try:
        with TestClient(create_app(sqlite_tau2_engine)) as client:
            staff = _agent_key(sqlite_tau2_engine, "alice")
            names = [t["function"]["name"] for t in client.get("/v1/tools", headers=staff).json()]
            assert "store_issue_invoice" in names
            cid, auth = _open(client)
            texts = [
                YUSUF["email"],
                f"could you send me an invoice for order {DELIVERED_ORDER}? made out to Jane Doe",
                "yes",
            ]
            for text in texts:
                res = client.post(
                    f"/v1/conversations/{cid}/messages", json={"text": text}, headers=auth
                )
                assert res.status_code == 200, res.text
            assert "INV-1000" in res.json()["text"] and len(shop.calls) == 1
    finally:
        registry.reset_store_flows()
        get_settings.cache_clear()


def test_a_bad_flow_file_stops_the_server_at_start(
    sqlite_tau2_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    from kefu.api.app import create_app

    bad = tmp_path / "flows.yaml"
    bad.write_text("flows:\n  - name: x\n", encoding="utf-8")
    monkeypatch.setenv("KEFU_STORE_FLOWS", str(bad))
    get_settings.cache_clear()
    registry.reset_store_flows()
    try:
        with (
            pytest.raises(StoreFlowError, match="flow 1"),
            TestClient(create_app(sqlite_tau2_engine)),
        ):
            pass
    finally:
        registry.reset_store_flows()
        get_settings.cache_clear()
