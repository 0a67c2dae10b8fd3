"""Customer data export and erasure through the staff API, on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from kefu.api import create_app
from kefu.auth import Role, create_key, sign_site_identity
from kefu.orders import ToolContext, call_tool
from kefu.store.db import session_factory
from kefu.store.models import AuditLog, Customer, Message, PaymentTransaction, Review
from tests.assistant.conftest import PENDING_ORDER, YUSUF


def _staff(engine: Engine) -> tuple[dict[str, str], dict[str, str]]:
    with session_factory(engine)() as s:
        admin, agent = create_key(s, "dpo", Role.ADMIN), create_key(s, "amy", Role.AGENT)
        s.commit()
    return {"X-API-Key": admin}, {"X-API-Key": agent}


def _chat_and_review(engine: Engine, client: TestClient) -> str:
    """Yusuf chats, an agent cancels his order (an audited write) and he reviews a product."""
    opened = client.post(
        "/v1/conversations", json={"customer_token": sign_site_identity(YUSUF["id"])}
    ).json()
    auth = {"Authorization": f"Bearer {opened['token']}"}
    assert (
        client.post(
            f"/v1/conversations/{opened['conversation_id']}/messages",
            json={"text": f"Where is order {PENDING_ORDER}? Call me on 555-0100"},
            headers=auth,
        ).status_code
        == 200
    )
    with session_factory(engine)() as s:
        ctx = ToolContext(actor="staff:amy", customer_id=YUSUF["id"])
        done = call_tool(
            s,
            "cancel_pending_order",
            {"order_id": PENDING_ORDER, "reason": "no longer needed"},
            ctx,
        )
        assert done.ok, done.error
        s.add(
            Review(
                product_id="8310926033",
                customer_id=YUSUF["id"],
                rating=2,
                title="Yusuf's view",
                body="Call me at 555-0100, Yusuf Rossi",
            )
        )
        s.commit()
    return str(opened["conversation_id"])


def _money(engine: Engine) -> list[tuple[str, Decimal]]:
    with session_factory(engine)() as s:
        return [
            (t.order_id, t.amount)
            for t in s.scalars(select(PaymentTransaction).order_by(PaymentTransaction.id))
        ]


def test_export_holds_all_personal_data_with_cards_masked(tau2_engine: Engine) -> None:
    client = TestClient(create_app(tau2_engine))
    admin, _ = _staff(tau2_engine)
    cid = _chat_and_review(tau2_engine, client)
    res = client.get(f"/v1/privacy/customers/{YUSUF['id']}/export", headers=admin)
    assert res.status_code == 200
    data: dict[str, Any] = res.json()
    assert data["profile"]["email"] == YUSUF["email"]
    assert data["profile"]["address"]["zip"] == YUSUF["zip"]
    assert PENDING_ORDER in {o["id"] for o in data["orders"]}
    assert [c["id"] for c in data["conversations"]] == [cid]
    assert data["conversations"][0]["messages"][0]["text"].startswith("Where is order")
    assert data["reviews"][0]["body"].startswith("Call me")
    for method in data["payment_methods"]:
        assert method["card"] is None or method["card"].startswith("**** **** **** ")
    with session_factory(tau2_engine)() as s:
        assert s.scalar(select(func.count()).where(AuditLog.action == "privacy.export")) == 1


def test_erasure_anonymises_but_keeps_money_and_audit_trail(tau2_engine: Engine) -> None:
    client = TestClient(create_app(tau2_engine))
    admin, agent = _staff(tau2_engine)
    cid = _chat_and_review(tau2_engine, client)
    money_before = _money(tau2_engine)
    with session_factory(tau2_engine)() as s:
        audit_before = [
            (a.id, a.action, a.after) for a in s.scalars(select(AuditLog).order_by(AuditLog.id))
        ]
        customer = s.get(Customer, YUSUF["id"])
        assert customer is not None
        names = (customer.first_name, customer.last_name)
    assert any(action == "cancel_pending_order" for _, action, _ in audit_before)

    res = client.delete(f"/v1/privacy/customers/{YUSUF['id']}", headers=admin)
    assert res.status_code == 200 and res.json()["already_erased"] is False

    export = client.get(f"/v1/privacy/customers/{YUSUF['id']}/export", headers=admin).text
    for secret in (YUSUF["email"], *names, "555-0100", YUSUF["zip"]):
        assert secret not in export
    with session_factory(tau2_engine)() as s:
        texts = s.scalars(select(Message.text).where(Message.conversation_id == cid)).all()
        assert texts and set(texts) == {"[deleted]"}
        audit_after = [
            (a.id, a.action, a.after) for a in s.scalars(select(AuditLog).order_by(AuditLog.id))
        ]
        erase_rows = [a for a in audit_after if a[1] == "privacy.erase"]
        review = s.scalars(select(Review).where(Review.customer_id == YUSUF["id"])).one()
        assert review.rating == 2 and review.body == "[deleted]"
    assert audit_after[: len(audit_before)] == audit_before  # nothing in the trail rewritten
    assert len(erase_rows) == 1
    assert _money(tau2_engine) == money_before
    # the erased customer is gone from staff views and from sign-in by email
    assert client.get(f"/v1/customers/{YUSUF['id']}", headers=agent).status_code == 404
    again = client.delete(f"/v1/privacy/customers/{YUSUF['id']}", headers=admin)
    assert again.status_code == 200 and again.json()["already_erased"] is True


def test_erased_customer_cannot_sign_in_by_email(sqlite_tau2_engine: Engine) -> None:
    client = TestClient(create_app(sqlite_tau2_engine))
    admin, _ = _staff(sqlite_tau2_engine)
    client.delete(f"/v1/privacy/customers/{YUSUF['id']}", headers=admin)
    opened = client.post("/v1/conversations", json={"language": "en"}).json()
    reply = client.post(
        f"/v1/conversations/{opened['conversation_id']}/messages",
        json={"text": f"I'm {YUSUF['email']}, where is order {PENDING_ORDER}?"},
        headers={"Authorization": f"Bearer {opened['token']}"},
    ).json()
    assert "verified" not in reply["text"] and "pending" not in reply["text"]


def test_unknown_customer_is_404(engine: Engine) -> None:
    client = TestClient(create_app(engine))
    admin, _ = _staff(engine)
    assert client.get("/v1/privacy/customers/nobody/export", headers=admin).status_code == 404
    assert client.delete("/v1/privacy/customers/nobody", headers=admin).status_code == 404
