"""The same assistant conversations on the built-in store and on a live Medusa v2.

Every scripted conversation of the assistant's suite (``kefu/assistant/eval/conversations``)
whose writes touch only the seeded customers and their orders is played twice through the
real engine (``kefu.assistant``, via ``kefu/assistant/eval/harness.py``): once on the
built-in store, once with Medusa as the store backend. Each run must pass the script's own
checks (write tools and arguments, the changed orders and users and their fields, handoff,
replies); both runs must leave the same records in kefu's mirror, say the same replies and
fail the same checks; and what Medusa holds afterwards must be what the mirror holds
(status, items, address, money paid and refunded; a customer's default address). A script
that fails its own checks on the built-in store too (the assistant's, not the store's,
doing) is reported as xfail with those failures, after the parity checks have passed.

The seeded orders at Medusa are only read by the other tests, so for each conversation its
orders are created afresh at Medusa (from tau2's data, under new ids) and the backend is
told that the conversation's order ids are those copies. Any other order id is refused by
the backend, so a conversation that reaches an unexpected order fails instead of changing
the seeded slice. A customer's default address is restored at Medusa after the run.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from kefu.assistant.eval.harness import Script, Suite, load_scripts
from kefu.orders.errors import ShopRefused
from kefu.stores import use_backend
from kefu.stores.base import Operation, WriteRequest
from kefu.stores.medusa import MedusaBackend
from kefu.stores.medusa_seed import slice_of
from tests.stores.medusa_fixtures import SLICE, TAU2_DB, MedusaShop, effects

pytestmark = pytest.mark.slow


def _scripts() -> list[Script]:
    """The suite's conversations that write, and only to the seeded customers' records."""
    if not TAU2_DB.exists():
        return []
    import json

    data = json.loads(TAU2_DB.read_text("utf-8"))
    users = slice_of(data, SLICE)
    seeded = {u["user_id"] for u in users} | {o for u in users for o in u["orders"]}
    chosen = []
    for script in load_scripts():
        db = script.expect.get("db") or {}
        touched = set(db.get("orders", {})) | set(db.get("users", {}))
        if script.expect.get("writes") and touched and touched <= seeded:
            chosen.append(script)
    return chosen


SCRIPTS = _scripts()


def test_the_selection_covers_the_write_tools() -> None:
    tools = {w["name"] for s in SCRIPTS for w in s.expect["writes"]}
    assert len(SCRIPTS) >= 10
    assert {
        "cancel_pending_order",
        "modify_pending_order_address",
        "return_delivered_order_items",
        "modify_user_address",
    } <= tools
    assert {s.language for s in SCRIPTS} == {"en", "zh"}


class CopiedOrders(MedusaBackend):
    """Medusa with the conversation's order ids mapped to fresh copies; others refused."""

    def __init__(self, shop: MedusaShop, copies: dict[str, str]) -> None:
        super().__init__(shop.url, shop.api_key, timeout_s=30.0)
        self.copies = dict(copies)
        self._orders.update(copies)

    def medusa_order_id(self, order_id: str, language: str = "en") -> str:
        if order_id.startswith("order_"):
            return order_id
        if order_id not in self.copies:
            raise ShopRefused(f"order {order_id} was not prepared for this test", language)
        return self.copies[order_id]


@pytest.fixture(scope="module")
def suite() -> Iterator[Suite]:
    use_backend(None)
    yield Suite()


@pytest.mark.parametrize("script", [pytest.param(s, id=s.id) for s in SCRIPTS])
def test_conversation_has_the_same_outcome_on_builtin_and_medusa(
    medusa_shop: MedusaShop, suite: Suite, script: Script
) -> None:
    db = script.expect.get("db") or {}
    order_ids, user_ids = sorted(db.get("orders", {})), sorted(db.get("users", {}))

    use_backend(None)
    builtin = suite.run(script)

    copies = {
        o: medusa_shop.copy_at_medusa(
            {**medusa_shop.data["orders"][o], "order_id": f"#C{uuid.uuid4().hex[:10]}"}
        )
        for o in order_ids
    }
    backend = CopiedOrders(medusa_shop, copies)
    use_backend(backend)
    addresses: dict[str, Any] = {}
    try:
        at_medusa = suite.run(script)
        for user_id in user_ids:
            customer = medusa_shop.backend().customer(None, user_id)  # type: ignore[arg-type]
            addresses[user_id] = customer and customer["address"]
    finally:
        use_backend(None)
        for user_id in user_ids:  # the seeded customer as tau2 has it, for the next run
            backend.change_default_address(
                None,  # type: ignore[arg-type]
                WriteRequest(
                    operation=Operation.CHANGE_DEFAULT_ADDRESS,
                    target_id=user_id,
                    arguments=medusa_shop.data["users"][user_id]["address"],
                    idempotency_key=f"restore-{uuid.uuid4().hex}",
                ),
            )
    assert at_medusa.failures == builtin.failures, at_medusa.transcript
    assert at_medusa.final == builtin.final
    assert [r for _, r in at_medusa.transcript] == [r for _, r in builtin.transcript]

    shop = medusa_shop.backend()
    for order_id, medusa_id in copies.items():
        record = shop.order(None, medusa_id)  # type: ignore[arg-type]
        assert record is not None
        assert effects(record) == effects(at_medusa.final["orders"][order_id]), order_id
    for user_id in user_ids:  # read back before the restore
        assert addresses[user_id] == at_medusa.final["users"][user_id]["address"], user_id
    if builtin.failures:  # the same on both stores (checked above), but not the script's due
        pytest.xfail(f"fails on the built-in store too: {builtin.failures}")
