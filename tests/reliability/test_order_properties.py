"""Property-based tests of the order service: random sequences of tool calls with random,
often invalid, arguments against a real tau2 store.

Properties: a call never raises (every refusal is a typed failed result with a 4xx status),
and money is conserved: for every gift card, balance + payments drawn from it - refunds paid
into it stays constant, and no order ever ends up having refunded more than it was paid.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from kefu.orders import TOOLS, ToolContext, call_tool
from kefu.store.db import session_factory
from kefu.store.models import PaymentMethod, PaymentTransaction

PROPERTY_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _pools(tau2: dict[str, Any]) -> dict[str, list[str]]:
    """Real ids to draw from (a few hundred), so random calls reach the business rules."""
    orders = list(tau2["orders"].values())[:120]
    users = sorted({o["user_id"] for o in orders})
    return {
        "order_id": [o["order_id"] for o in orders],
        "user_id": users,
        "item_id": sorted({i["item_id"] for o in orders for i in o["items"]})[:200],
        "product_id": sorted(tau2["products"])[:20],
        "payment_method_id": sorted(
            {pid for u in users for pid in tau2["users"][u]["payment_methods"]}
        ),
        "email": [tau2["users"][u]["email"] for u in users[:20]],
    }


def _value(field: str, pools: dict[str, list[str]]) -> st.SearchStrategy[Any]:
    junk = st.one_of(
        st.text(max_size=30),
        st.integers(),
        st.none(),
        st.sampled_from(["", "#W0000000", "' OR 1=1 --", "<script>", "\u0000", "9" * 200]),
    )
    if field in pools:
        return st.one_of(st.sampled_from(pools[field]), junk)
    if field in ("item_ids", "new_item_ids"):
        return st.one_of(st.lists(st.sampled_from(pools["item_id"]), max_size=3), junk)
    if field == "reason":
        return st.one_of(st.sampled_from(["no longer needed", "ordered by mistake"]), junk)
    if field == "expression":
        return st.one_of(st.text(alphabet="0123456789.+-*/() ", min_size=1, max_size=60), junk)
    return st.one_of(st.text(min_size=1, max_size=40), junk)


@st.composite
def tool_calls(draw: st.DrawFn, pools: dict[str, list[str]]) -> tuple[str, dict[str, Any]]:
    name = draw(st.sampled_from(sorted(TOOLS)))
    fields = list(TOOLS[name].args_model.model_fields)
    args = {f: draw(_value(f, pools)) for f in fields if draw(st.integers(0, 9)) > 0}
    if draw(st.integers(0, 19)) == 0:
        args["unexpected"] = "field"
    return name, args


def _ledger(engine: Engine) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """Per gift card: balance + drawn - refunded; per order: paid - refunded."""
    with session_factory(engine)() as s:
        cards = {
            m.id: m.balance or Decimal(0)
            for m in s.scalars(select(PaymentMethod).where(PaymentMethod.source == "gift_card"))
        }
        net: dict[str, Decimal] = defaultdict(Decimal)
        for t in s.scalars(select(PaymentTransaction)):
            sign = 1 if t.transaction_type == "payment" else -1
            net[t.order_id] += sign * t.amount
            if t.payment_method_id in cards:
                cards[t.payment_method_id] += sign * t.amount
    return cards, dict(net)


@pytest.fixture
def pools(tau2_data: dict[str, Any]) -> dict[str, list[str]]:
    return _pools(tau2_data)


@pytest.mark.slow
def test_random_tool_calls_never_raise_and_conserve_money(
    sqlite_tau2_engine: Engine, tau2_data: dict[str, Any]
) -> None:
    pools = _pools(tau2_data)
    cards_before, _ = _ledger(sqlite_tau2_engine)
    seen: dict[str, int] = defaultdict(int)

    @PROPERTY_SETTINGS
    @given(calls=st.lists(tool_calls(pools), min_size=1, max_size=6), staff=st.booleans())
    def run(calls: list[tuple[str, dict[str, Any]]], staff: bool) -> None:
        customer = None if staff else pools["user_id"][0]
        with session_factory(sqlite_tau2_engine)() as s:
            for name, args in calls:
                ctx = ToolContext(actor="property-test", customer_id=customer)
                result = call_tool(s, name, args, ctx)
                seen["ok" if result.ok else (result.code or "failed")] += 1
                if not result.ok:
                    assert 400 <= result.http_status < 500 and result.error
                    assert result.code
            s.commit()
        cards, net = _ledger(sqlite_tau2_engine)
        assert cards == cards_before, "gift-card money appeared or vanished"
        assert all(v >= 0 for v in net.values()), "an order refunded more than it was paid"

    run()
    assert seen["ok"] > 0, f"no call got through the rules: {dict(seen)}"


@PROPERTY_SETTINGS
@given(data=st.data())
def test_scoped_customer_never_reaches_another_customers_records(
    sqlite_tau2_engine: Engine, pools: dict[str, list[str]], data: st.DataObject
) -> None:
    """Read tools scoped to one customer answer 'not found' for any other customer's ids."""
    tau2_owner = pools["user_id"][0]
    with session_factory(sqlite_tau2_engine)() as s:
        order_id = data.draw(st.sampled_from(pools["order_id"]))
        result = call_tool(
            s, "get_order_details", {"order_id": order_id}, ToolContext(customer_id=tau2_owner)
        )
        if result.ok:
            assert result.data["user_id"] == tau2_owner
        else:
            assert result.http_status == 404
