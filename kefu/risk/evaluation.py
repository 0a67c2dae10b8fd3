"""Honest evaluation of the risk flags by injecting labelled anomalies into tau2 orders.

No public labelled e-commerce fraud data set was available here (only PyPI, Debian and npm
registries are reachable), so the check is synthetic: a copy of the tau2 retail store gets
seeded dates, then a known number of orders of each anomaly type are injected and labelled;
every other order counts as normal (including tau2's own oddities, which therefore show up
as false positives). Recall per type says whether each pattern is caught at the flag
threshold; precision says how much of the queue is injected anomalies.
"""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.risk.rules import RiskConfig
from kefu.risk.service import score_all_orders
from kefu.store.models import (
    AuditLog,
    Customer,
    Order,
    OrderItem,
    OrderRisk,
    PaymentMethod,
    PaymentTransaction,
    Variant,
)

ANOMALY_TYPES = (
    "new_account_high_value",
    "address_far_from_history",
    "order_velocity",
    "payment_method_change",
    "many_returns",
)
NOW = datetime(2026, 6, 1, tzinfo=UTC)


@dataclass
class RiskEvaluation:
    """Counts at the flag threshold, per injected type and overall."""

    threshold: float
    per_type: dict[str, dict[str, float]]
    true_positives: int
    false_positives: int
    false_negatives: int
    normal_orders: int
    by_rule_precision: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else 0.0

    @property
    def recall(self) -> float:
        labelled = self.true_positives + self.false_negatives
        return self.true_positives / labelled if labelled else 0.0


@dataclass(frozen=True)
class _Scored:
    flagged: bool
    rules: list[str]


def assign_dates(session: Session, rng: random.Random, now: datetime = NOW) -> None:
    """Seeded account creation dates and order times (tau2 has none)."""
    for customer in session.scalars(select(Customer).order_by(Customer.id)):
        created = now - timedelta(days=rng.uniform(60, 720))
        customer.created_at = created
        span = (now - created).total_seconds()
        times = sorted(rng.uniform(3 * 86400, span) for _ in customer.orders)
        for order, offset in zip(customer.orders, times, strict=True):
            order.placed_at = created + timedelta(seconds=offset)
    session.flush()


class _Injector:
    """Adds labelled anomalies of each type to a dated tau2 store."""

    def __init__(self, session: Session, rng: random.Random, config: RiskConfig) -> None:
        self.s = session
        self.rng = rng
        self.cfg = config
        self.labels: dict[str, str] = {}
        self.counter = 0
        self.variants = list(session.scalars(select(Variant).order_by(Variant.id)))
        self.customers = list(session.scalars(select(Customer).order_by(Customer.id)))
        self.used: set[str] = set()

    def _fresh_customer_with_orders(self, min_orders: int) -> Customer:
        pool = [c for c in self.customers if c.id not in self.used and len(c.orders) >= min_orders]
        customer = self.rng.choice(pool)
        self.used.add(customer.id)
        return customer

    def _new_order(
        self, customer: Customer, placed_at: datetime, n_items: int, expensive: bool = False
    ) -> Order:
        self.counter += 1
        order = Order(
            id=f"#X{self.counter:07d}",
            customer_id=customer.id,
            status="pending",
            address1=customer.address1,
            address2=customer.address2,
            city=customer.city,
            state=customer.state,
            country=customer.country,
            zip=customer.zip,
            placed_at=placed_at,
            customer_position=len(customer.orders) + self.counter,
        )
        pool = (
            sorted(self.variants, key=lambda v: v.price, reverse=True)[:60]
            if expensive
            else self.variants
        )
        total = Decimal("0")
        for pos in range(n_items):
            v = self.rng.choice(pool)
            order.items.append(
                OrderItem(
                    position=pos, product_id=v.product_id, variant_id=v.id, name=v.id, price=v.price
                )
            )
            total += v.price
        method = customer.payment_methods[0].id if customer.payment_methods else "credit_card_x"
        order.payments.append(
            PaymentTransaction(
                position=0, transaction_type="payment", amount=total, payment_method_id=method
            )
        )
        self.s.add(order)
        return order

    def new_account_high_value(self) -> None:
        self.counter += 1
        created = NOW - timedelta(days=self.rng.uniform(5, 60))
        customer = Customer(
            id=f"new_customer_{self.counter}",
            first_name="New",
            last_name=f"Account{self.counter}",
            email=f"new{self.counter}@example.com",
            created_at=created,
            address1="1 Main St",
            city="Austin",
            state="TX",
            country="USA",
            zip="78701",
        )
        customer.payment_methods.append(
            PaymentMethod(id=f"credit_card_new{self.counter}", source="credit_card")
        )
        self.s.add(customer)
        self.s.flush()
        placed = created + timedelta(days=self.rng.uniform(0.05, self.cfg.new_account_days * 0.9))
        order = self._new_order(customer, placed, n_items=self.rng.randint(3, 5), expensive=True)
        self.labels[order.id] = "new_account_high_value"

    def address_far(self) -> None:
        customer = self._fresh_customer_with_orders(2)
        order = max(customer.orders, key=lambda o: o.placed_at or NOW)
        other = self.rng.choice([c for c in self.customers if c.state != customer.state])
        order.address1, order.city, order.state, order.zip = (
            other.address1,
            other.city,
            other.state,
            other.zip,
        )
        self.labels[order.id] = "address_far_from_history"

    def velocity(self) -> None:
        customer = self._fresh_customer_with_orders(1)
        start = NOW - timedelta(days=self.rng.uniform(2, 200))
        for _ in range(self.cfg.window_max_orders):
            placed = start + timedelta(hours=self.rng.uniform(0, self.cfg.window_hours * 0.8))
            order = self._new_order(customer, placed, n_items=self.rng.randint(1, 2))
            self.labels[order.id] = "order_velocity"

    def payment_change(self) -> None:
        customer = self._fresh_customer_with_orders(1)
        pending = [
            o for o in customer.orders if o.status.startswith("pending") and o.id not in self.labels
        ]
        if not pending:
            order = self._new_order(customer, NOW - timedelta(days=self.rng.uniform(1, 30)), 2)
        else:
            order = self.rng.choice(pending)
        for _ in range(self.rng.randint(1, 2)):
            self.counter += 1
            self.s.add(
                AuditLog(
                    actor="assistant",
                    action="modify_pending_order_payment",
                    target_type="order",
                    target_id=order.id,
                    idempotency_key=f"eval-{self.counter}",
                )
            )
        self.labels[order.id] = "payment_method_change"

    def many_returns(self) -> None:
        customer = self._fresh_customer_with_orders(1)
        first = min((o.placed_at for o in customer.orders if o.placed_at), default=NOW)
        earlier = []
        for i in range(self.cfg.many_returns_min):
            placed = first - timedelta(days=10 * (i + 1))
            returned = self._new_order(customer, placed, n_items=1)
            returned.status = "return requested"
            returned.return_items = [returned.items[0].variant_id]
            earlier.append(returned)
        # every order the serial returner places after those returns is of this type
        for order in customer.orders:
            if order.id not in self.labels and order not in earlier:
                self.labels[order.id] = "many_returns"


def evaluate_risk(
    tau2_db: Path, per_type: int = 20, seed: int = 7, config: RiskConfig | None = None
) -> RiskEvaluation:
    """Build a throwaway SQLite copy of tau2, inject anomalies, score all, count."""
    from kefu.store.db import make_engine, session_factory, upgrade_schema
    from kefu.store.tau2 import import_tau2, load_db_json

    cfg = config or RiskConfig()
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'risk-eval.db'}")
        upgrade_schema(engine)
        with session_factory(engine)() as session:
            import_tau2(session, load_db_json(tau2_db))
            session.flush()
            assign_dates(session, rng)
            injector = _Injector(session, rng, cfg)
            for _ in range(per_type):
                injector.new_account_high_value()
                injector.address_far()
                injector.velocity()
                injector.payment_change()
                injector.many_returns()
            session.flush()
            score_all_orders(session, cfg, model_path=Path(tmp) / "model.joblib")
            rows = {
                r.order_id: _Scored(r.flagged, [x["rule_id"] for x in r.reasons or []])
                for r in session.scalars(select(OrderRisk))
            }
            session.rollback()
        engine.dispose()
    return _count(rows, injector.labels, cfg)


def _count(rows: dict[str, _Scored], labels: dict[str, str], cfg: RiskConfig) -> RiskEvaluation:
    per_type: dict[str, dict[str, float]] = {}
    for kind in ANOMALY_TYPES:
        ids = [o for o, t in labels.items() if t == kind]
        caught = sum(rows[o].flagged for o in ids)
        per_type[kind] = {
            "injected": len(ids),
            "flagged": caught,
            "recall": caught / len(ids) if ids else 0.0,
        }
    tp = sum(rows[o].flagged for o in labels)
    fp = sum(r.flagged for o, r in rows.items() if o not in labels)
    rule_stats: dict[str, dict[str, float]] = {}
    for order_id, row in rows.items():
        for rule_id in row.rules:
            stat = rule_stats.setdefault(rule_id, {"fired": 0, "on_injected": 0})
            stat["fired"] += 1
            stat["on_injected"] += order_id in labels
    for stat in rule_stats.values():
        stat["precision"] = stat["on_injected"] / stat["fired"] if stat["fired"] else 0.0
    return RiskEvaluation(
        threshold=cfg.flag_threshold,
        per_type=per_type,
        true_positives=tp,
        false_positives=fp,
        false_negatives=len(labels) - tp,
        normal_orders=len(rows) - len(labels),
        by_rule_precision=rule_stats,
    )
