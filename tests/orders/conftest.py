"""A small, explicit shop for order-service tests (real database, both backends).

Alice and Bob each have saved payment methods; Alice's orders cover every status a rule
depends on. Prices are chosen so every money check has an obvious expected value.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kefu.store.db import session_factory
from kefu.store.models import (
    Customer,
    Fulfillment,
    Order,
    OrderItem,
    PaymentMethod,
    PaymentTransaction,
    Product,
    Variant,
    utcnow,
)

SHIRT = {
    "v-red-s": ("10.00", True),
    "v-red-m": ("12.50", True),
    "v-blue-s": ("30.00", True),
    "v-gold": ("99.00", False),
}
MUG = {"m-white": ("8.00", True), "m-black": ("9.00", True)}


def _product(pid: str, name: str, variants: dict[str, tuple[str, bool]]) -> Product:
    product = Product(id=pid, name=name, category=name)
    for pos, (vid, (price, available)) in enumerate(variants.items()):
        product.variants.append(
            Variant(
                id=vid,
                options={"variant": vid},
                price=Decimal(price),
                available=available,
                position=pos,
            )
        )
    return product


def _customer(
    cid: str, first: str, email: str, zip_code: str, methods: list[tuple[str, str, str | None]]
) -> Customer:
    customer = Customer(
        id=cid,
        first_name=first,
        last_name="Tester",
        email=email,
        zip=zip_code,
        address1="1 Main St",
        city="Springfield",
        state="IL",
        country="USA",
    )
    for pos, (mid, source, balance) in enumerate(methods):
        customer.payment_methods.append(
            PaymentMethod(
                id=mid, source=source, balance=Decimal(balance) if balance else None, position=pos
            )
        )
    return customer


def _order(
    oid: str, cid: str, status: str, items: list[str], payments: list[tuple[str, str]]
) -> Order:
    prices = {**SHIRT, **MUG}
    order = Order(
        id=oid,
        customer_id=cid,
        status=status,
        address1="1 Main St",
        city="Springfield",
        state="IL",
        country="USA",
        zip="62701",
    )
    for pos, vid in enumerate(items):
        product_id, name = ("p-shirt", "T-Shirt") if vid in SHIRT else ("p-mug", "Mug")
        order.items.append(
            OrderItem(
                product_id=product_id,
                variant_id=vid,
                name=name,
                position=pos,
                price=Decimal(prices[vid][0]),
                options={"variant": vid},
            )
        )
    for pos, (method, amount) in enumerate(payments):
        order.payments.append(
            PaymentTransaction(
                transaction_type="payment",
                amount=Decimal(amount),
                payment_method_id=method,
                position=pos,
            )
        )
    return order


def build_shop(session: Session) -> None:
    """Products, two customers and Alice's orders in every interesting state."""
    session.add_all([_product("p-shirt", "T-Shirt", SHIRT), _product("p-mug", "Mug", MUG)])
    session.add_all(
        [
            _customer(
                "alice_1",
                "Alice",
                "Alice@Example.com",
                "10001",
                [
                    ("cc_alice", "credit_card", None),
                    ("gc_alice", "gift_card", "15.00"),
                    ("pp_alice", "paypal", None),
                ],
            ),
            _customer(
                "bob_2",
                "Bob",
                "bob@example.com",
                "20002",
                [("cc_bob", "credit_card", None), ("gc_bob", "gift_card", "500.00")],
            ),
        ]
    )
    session.flush()
    delivered = _order(
        "#A-delivered", "alice_1", "delivered", ["v-red-s", "m-black"], [("cc_alice", "19.00")]
    )
    delivered.fulfillments.append(
        Fulfillment(
            tracking_ids=["TRK123"],
            item_ids=["v-red-s", "m-black"],
            carrier="UPS",
            shipped_at=utcnow() - timedelta(days=5),
            delivered_at=utcnow() - timedelta(days=3),
        )
    )
    session.add_all(
        [
            _order(
                "#A-pending",
                "alice_1",
                "pending",
                ["v-red-s", "v-red-s", "m-white"],
                [("cc_alice", "28.00")],
            ),
            _order("#A-pending-gc", "alice_1", "pending", ["m-white"], [("gc_alice", "8.00")]),
            _order("#A-pending-m", "alice_1", "pending", ["v-red-m"], [("cc_alice", "12.50")]),
            _order("#A-pending-2", "alice_1", "pending", ["m-black"], [("pp_alice", "9.00")]),
            _order(
                "#A-odd",
                "alice_1",
                "pending",
                ["m-white"],
                [("gc_alice", "5.00"), ("pp_ghost", "3.00")],
            ),
            delivered,
            _order("#A-processed", "alice_1", "processed", ["m-white"], [("cc_alice", "8.00")]),
            _order(
                "#A-modified",
                "alice_1",
                "pending (item modified)",
                ["m-white"],
                [("cc_alice", "8.00"), ("cc_alice", "1.00")],
            ),
            _order("#B-pending", "bob_2", "pending", ["v-red-m"], [("cc_bob", "12.50")]),
            _order("#B-delivered", "bob_2", "delivered", ["m-white"], [("cc_bob", "8.00")]),
        ]
    )
    session.commit()


@pytest.fixture
def shop_engine(engine: Engine) -> Engine:
    """An engine on a fresh store holding the test shop (SQLite and PostgreSQL)."""
    with session_factory(engine)() as session:
        build_shop(session)
    return engine


@pytest.fixture
def shop(shop_engine: Engine) -> Iterator[Session]:
    """A session on the test shop."""
    with session_factory(shop_engine)() as session:
        yield session
