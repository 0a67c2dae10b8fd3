"""A live Medusa v2 for the store-backend tests.

``make test`` starts Medusa (scripts/start-medusa.sh) and passes ``KEFU_TEST_MEDUSA_URL``,
``KEFU_TEST_MEDUSA_API_KEY`` and ``KEFU_TEST_MEDUSA_PID``. Without them the fixture starts
Medusa itself when node, npm and PostgreSQL (``KEFU_TEST_PG_URL``) are there, and stops it at
the end. In CI (``CI`` set) a Medusa that cannot be had is a failure; elsewhere the tests
are skipped with the reason.

The tau2 slice (20 customers, every order status) is seeded once and only read; each write
test works on fresh copies of tau2 orders, made at Medusa and in kefu's mirror under a new
id, so the tests can run again on the same Medusa database.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kefu.store.db import session_factory
from kefu.stores import use_backend
from kefu.stores.medusa import MedusaBackend
from kefu.stores.medusa_client import MedusaAdmin
from kefu.stores.medusa_seed import (
    ShopSetup,
    create_order,
    ensure_customer,
    ensure_setup,
    product_variants,
    seed,
    slice_of,
    unavailable,
)
from kefu.stores.mirror import StoreEventIn, apply_event

ROOT = Path(__file__).resolve().parents[2]
TAU2_DB = ROOT.parent / "shared" / "tau2-retail" / "db.json"
SLICE = 20


@dataclass
class MedusaShop:
    url: str
    api_key: str
    pid: int | None
    admin: MedusaAdmin
    setup: ShopSetup
    data: dict[str, Any]
    variants: dict[str, str]
    users: list[dict[str, Any]]
    seeded: dict[str, int]

    def backend(self, timeout_s: float = 30.0, url: str | None = None) -> MedusaBackend:
        return MedusaBackend(url or self.url, self.api_key, timeout_s=timeout_s)

    def fresh_order(
        self, session: Session, status: str, where: Any = None, **changes: Any
    ) -> tuple[str, str]:
        """A copy of a tau2 order of ``status`` (first one ``where`` accepts) at Medusa and
        in the mirror under a new id; returns (kefu id, Medusa id)."""
        for order in self.data["orders"].values():
            if order["status"] == status and (where is None or where(order)):
                break
        else:  # pragma: no cover - the data has every status
            raise LookupError(status)
        return self.copy_order(session, order, **changes)

    def copy_order(
        self, session: Session, order: dict[str, Any], **changes: Any
    ) -> tuple[str, str]:
        """A copy of this tau2 order at Medusa and in the mirror under a new id."""
        kefu_id = f"#M{uuid.uuid4().hex[:10]}"
        record = {**order, **changes, "order_id": kefu_id}
        medusa_id = self.copy_at_medusa(record)
        event = StoreEventIn(
            id=f"test:{kefu_id}",
            topic="order.created",
            version=1,
            data={
                "order_id": kefu_id,
                "user_id": record["user_id"],
                "status": record["status"],
                "address": record["address"],
                "items": record["items"],
                "fulfillments": record["fulfillments"],
                "payment_history": record["payment_history"],
            },
        )
        apply_event(session, event, source="test")
        session.commit()
        return kefu_id, medusa_id

    def copy_at_medusa(self, record: dict[str, Any]) -> str:
        """This tau2 order record created at Medusa (under ``record["order_id"]``), brought
        to its status; returns the Medusa order id. kefu's mirror is not touched."""
        user = self.data["users"][record["user_id"]]
        for item in record["items"]:
            if item["product_id"] not in self.seeded_products:
                from kefu.stores.medusa_seed import ensure_product

                ensure_product(
                    self.admin, self.setup, self.data["products"][item["product_id"]], self.variants
                )
                self.seeded_products.add(item["product_id"])
        customer_id = ensure_customer(self.admin, user)
        return create_order(
            self.admin,
            self.setup,
            record,
            customer_id,
            user["email"],
            self.variants,
            kefu_id=record["order_id"],
            tracked=unavailable(self.data),
        )

    @property
    def seeded_products(self) -> set[str]:
        if not hasattr(self, "_products"):
            self._products = {
                p["product_id"]
                for p in self.data["products"].values()
                if all(v["item_id"] in self.variants for v in p["variants"].values())
            }
        return self._products


def _money(history: list[dict[str, Any]], kind: str) -> float:
    return round(sum(t["amount"] for t in history if t["transaction_type"] == kind), 2)


def effects(record: dict[str, Any]) -> dict[str, Any]:
    """What a write changes on an order, in a tau2 record: status, item ids, shipping
    address, money paid and refunded (compared between Medusa and kefu's mirror)."""
    return {
        "status": record["status"],
        "items": sorted(i["item_id"] for i in record["items"]),
        "address": record["address"],
        "paid": _money(record["payment_history"], "payment"),
        "refunded": _money(record["payment_history"], "refund"),
    }


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"Medusa is required in CI: {reason}")
    pytest.skip(reason)


def _parse(output: str) -> dict[str, str]:
    return dict(
        line.split("=", 1) for line in output.splitlines() if line.startswith("KEFU_TEST_MEDUSA_")
    )


@pytest.fixture(scope="session")
def medusa_shop() -> Iterator[MedusaShop]:
    """The live, seeded Medusa (see the module docstring)."""
    env = {k: v for k, v in os.environ.items() if k.startswith("KEFU_TEST_MEDUSA_")}
    started = False
    if not env.get("KEFU_TEST_MEDUSA_URL"):
        if not (shutil.which("node") and shutil.which("npm")):
            _unavailable("Medusa tests need node and npm (make test starts Medusa)")
        if not os.environ.get("KEFU_TEST_PG_URL"):
            _unavailable("Medusa tests need PostgreSQL: set KEFU_TEST_PG_URL or use make test")
        run = subprocess.run(
            [str(ROOT / "scripts" / "start-medusa.sh"), os.environ["KEFU_TEST_PG_URL"]],
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        if run.returncode != 0:
            _unavailable(f"scripts/start-medusa.sh failed: {run.stderr.strip()[-500:]}")
        env = _parse(run.stdout)
        started = True
    url, key = env["KEFU_TEST_MEDUSA_URL"], env["KEFU_TEST_MEDUSA_API_KEY"]
    pid = int(env["KEFU_TEST_MEDUSA_PID"]) if env.get("KEFU_TEST_MEDUSA_PID") else None
    admin = MedusaAdmin(url, key, timeout_s=120)
    data = json.loads(TAU2_DB.read_text("utf-8"))
    try:
        counts = seed(admin, data, SLICE)
        setup = ensure_setup(admin)
        yield MedusaShop(
            url=url,
            api_key=key,
            pid=pid,
            admin=admin,
            setup=setup,
            data=data,
            variants=product_variants(admin),
            users=slice_of(data, SLICE),
            seeded=counts,
        )
    finally:
        if started:
            subprocess.run([str(ROOT / "scripts" / "stop-medusa.sh")], check=False, timeout=60)


@pytest.fixture
def mirror(sqlite_tau2_engine: Engine) -> Iterator[Session]:
    """kefu's mirror: the whole tau2 store (the slice at Medusa is part of it)."""
    with session_factory(sqlite_tau2_engine)() as session:
        yield session


@pytest.fixture
def medusa(medusa_shop: MedusaShop) -> Iterator[MedusaShop]:
    """The live Medusa installed as kefu's store backend for one test."""
    use_backend(medusa_shop.backend())
    yield medusa_shop
    use_backend(None)
