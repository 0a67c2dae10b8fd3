"""Turn latency the Medusa backend adds to kefu's write tools (p50/p95 per tool).

    .venv/bin/python scripts/bench-medusa.py [--runs 8]

Needs KEFU_TEST_MEDUSA_URL and KEFU_TEST_MEDUSA_API_KEY (scripts/start-medusa.sh prints
them) and a seeded shop (the Medusa tests seed it). For each write tool it times
``kefu.orders.call_tool`` on fresh copies of tau2 orders, once with the built-in store and
once with Medusa as the backend (copies are made outside the timing), and prints a
Markdown table for bench/report.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kefu.orders import ToolContext, call_tool  # noqa: E402
from kefu.store.db import make_engine, session_factory, upgrade_schema  # noqa: E402
from kefu.store.tau2 import import_tau2  # noqa: E402
from kefu.stores import use_backend  # noqa: E402
from kefu.stores.medusa import MedusaBackend  # noqa: E402
from kefu.stores.medusa_client import MedusaAdmin  # noqa: E402
from kefu.stores.medusa_seed import (  # noqa: E402
    create_order,
    ensure_customer,
    ensure_product,
    ensure_setup,
    product_variants,
    unavailable,
)
from kefu.stores.mirror import StoreEventIn, apply_event  # noqa: E402

ADDRESS = {"address1": "1 Bench St", "address2": "", "city": "Austin", "state": "TX"}
ADDRESS |= {"country": "USA", "zip": "73301"}


def _swap(data: dict[str, Any], item: dict[str, Any]) -> str | None:
    for v in data["products"][item["product_id"]]["variants"].values():
        if v["available"] and v["item_id"] != item["item_id"]:
            return str(v["item_id"])
    return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=8)
    args = parser.parse_args()
    url, key = os.environ["KEFU_TEST_MEDUSA_URL"], os.environ["KEFU_TEST_MEDUSA_API_KEY"]
    data = json.loads((ROOT.parent / "shared" / "tau2-retail" / "db.json").read_text("utf-8"))
    admin = MedusaAdmin(url, key, timeout_s=120)
    setup = ensure_setup(admin)
    variants = product_variants(admin)
    tracked = unavailable(data)
    db = Path(tempfile.mkdtemp()) / "bench.db"
    engine = make_engine(f"sqlite:///{db}")
    upgrade_schema(engine)
    with session_factory(engine)() as session:
        import_tau2(session, data)
        session.commit()
    medusa = MedusaBackend(url, key, timeout_s=30)

    def copy(session: Any, order: dict[str, Any], at_medusa: bool) -> str:
        kefu_id = f"#B{uuid.uuid4().hex[:10]}"
        if at_medusa:
            user = data["users"][order["user_id"]]
            for item in order["items"]:
                ensure_product(admin, setup, data["products"][item["product_id"]], variants)
            customer = ensure_customer(admin, user)
            create_order(admin, setup, order, customer, user["email"], variants, kefu_id, tracked)
        fields = ("user_id", "status", "address", "items", "fulfillments", "payment_history")
        event = StoreEventIn(
            id=f"bench:{kefu_id}",
            topic="order.created",
            version=1,
            data={"order_id": kefu_id, **{k: order[k] for k in fields}},
        )
        apply_event(session, event, source="bench")
        session.commit()
        return kefu_id

    def pick(status: str, need_swap: bool = False) -> list[dict[str, Any]]:
        return [
            o
            for o in data["orders"].values()
            if o["status"] == status
            and (not need_swap or _swap(data, o["items"][0]))
            and not o["payment_history"][0]["payment_method_id"].startswith("gift_card")
        ][: args.runs]

    def call_args(tool: str, order_id: str, order: dict[str, Any]) -> dict[str, Any]:
        method = order["payment_history"][0]["payment_method_id"]
        first = order["items"][0]
        return {
            "cancel_pending_order": {"order_id": order_id, "reason": "no longer needed"},
            "modify_pending_order_address": {"order_id": order_id, **ADDRESS},
            "modify_pending_order_items": {
                "order_id": order_id,
                "item_ids": [first["item_id"]],
                "new_item_ids": [_swap(data, first)],
                "payment_method_id": method,
            },
            "return_delivered_order_items": {
                "order_id": order_id,
                "item_ids": [first["item_id"]],
                "payment_method_id": method,
            },
            "exchange_delivered_order_items": {
                "order_id": order_id,
                "item_ids": [first["item_id"]],
                "new_item_ids": [_swap(data, first)],
                "payment_method_id": method,
            },
        }[tool]

    tools = [
        ("cancel_pending_order", "pending", False),
        ("modify_pending_order_address", "pending", False),
        ("modify_pending_order_items", "pending", True),
        ("return_delivered_order_items", "delivered", False),
        ("exchange_delivered_order_items", "delivered", True),
    ]
    rows = []
    with session_factory(engine)() as session:
        for tool, status, swap in tools:
            timings: dict[str, list[float]] = {"builtin": [], "medusa": []}
            for order in pick(status, swap):
                for kind in ("builtin", "medusa"):
                    order_id = copy(session, order, kind == "medusa")
                    use_backend(medusa if kind == "medusa" else None)
                    ctx = ToolContext(actor="bench", customer_id=order["user_id"])
                    started = time.perf_counter()
                    result = call_tool(session, tool, call_args(tool, order_id, order), ctx)
                    timings[kind].append((time.perf_counter() - started) * 1000)
                    if not result.ok:
                        raise SystemExit(f"{tool} on {kind}: {result.error}")
            use_backend(None)
            rows.append((tool, timings))
    print("| tool | runs | built-in p50 / p95 ms | Medusa p50 / p95 ms | added p50 ms |")
    print("|---|---|---|---|---|")
    for tool, t in rows:
        b, m = sorted(t["builtin"]), sorted(t["medusa"])

        def p(xs: list[float], q: float) -> float:
            return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))]

        print(
            f"| `{tool}` | {len(m)} | {p(b, 0.5):.0f} / {p(b, 0.95):.0f} | "
            f"{p(m, 0.5):.0f} / {p(m, 0.95):.0f} | "
            f"{p(m, 0.5) - p(b, 0.5):.0f} |"
        )


if __name__ == "__main__":
    main()
