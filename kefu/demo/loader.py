"""Build the demo store. Safe to run repeatedly: each step checks what is already there."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from pathlib import Path

from rich.console import Console
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kefu import clock
from kefu.config import get_settings
from kefu.store.db import session_scope, upgrade_schema
from kefu.store.importer import import_bundle
from kefu.store.models import Customer, Order, Product
from kefu.store.tau2 import import_tau2, load_db_json

DATA = Path(__file__).resolve().parent / "data"
KNOWLEDGE = Path(__file__).resolve().parent / "knowledge"
ZH_STORE = DATA / "zh_store.json"
REVIEWS = DATA / "reviews.json"
TAU2_SAMPLE_PRODUCT = "9523456873"
ZH_SAMPLE_PRODUCT = "8800000001"


def demo_now() -> datetime:
    """The moment the demo's dates are counted back from: now (kefu's clock), to the hour.

    Dates are relative to when the demo is loaded, so its recent orders, the review burst
    behind the 舆情 alert and the support history are recent on whatever day it is loaded.
    """
    return clock.now().replace(minute=0, second=0, microsecond=0)


def _unit(key: str) -> float:
    """A stable pseudo-random number in [0, 1) from ``key`` (same on every machine)."""
    return int(hashlib.sha256(key.encode()).hexdigest()[:12], 16) / 16**12


def assign_demo_dates(session: Session, now: datetime | None = None) -> int:
    """Give undated (tau2) customers and orders plausible, reproducible dates.

    tau2 has no timestamps; analytics need them. Sign-up is 6-30 months back; orders follow
    sign-up, pending ones within the last two weeks, processed ones within the last two.
    About half of the customers whose orders are all finished (delivered, cancelled,
    returned) stopped buying 11-14 months ago, so churn warnings have someone to warn about.
    """
    now = now or demo_now()
    orders = list(session.scalars(select(Order).where(Order.placed_at.is_(None))))
    finished = {"delivered", "cancelled", "return requested", "exchange requested"}
    by_customer: dict[str, list[Order]] = {}
    for order in orders:
        by_customer.setdefault(order.customer_id, []).append(order)
    for cid, own in by_customer.items():
        lapsed = all(o.status in finished for o in own) and _unit("lapsed:" + cid) < 0.5
        start = now - timedelta(days=180 + 720 * _unit("signup:" + cid))
        end = now - timedelta(days=14)
        if lapsed:  # bought for a while, then nothing for about a year
            start = now - timedelta(days=720 + 360 * _unit("signup:" + cid))
            end = now - timedelta(days=420 + 120 * _unit("lapsed:" + cid))
        customer = session.get(Customer, cid)
        if customer is not None:
            customer.created_at = start
        span = max((end - start).days, 1)
        for order in own:
            if order.status.startswith("pending"):
                placed = now - timedelta(days=14 * _unit("o:" + order.id), hours=1)
            elif order.status == "processed":
                placed = now - timedelta(days=3 + 11 * _unit("o:" + order.id))
            else:
                placed = start + timedelta(days=span * _unit("o:" + order.id))
            order.placed_at = max(placed, start + timedelta(hours=1))
    return len(orders)


def demo_admin_key(session: Session) -> str:
    """The demo's admin key: created once, kept in ``data_dir/demo-admin-key.txt``."""
    from kefu.auth.keys import Role, authenticate_key, create_key

    path = get_settings().data_dir / "demo-admin-key.txt"
    if path.exists():
        secret = path.read_text().strip()
        if authenticate_key(session, secret) is not None:
            return secret
    secret = create_key(session, f"demo-admin-{secrets.token_hex(2)}", Role.ADMIN)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(secret + "\n")
    path.chmod(0o600)
    return secret


def load_demo(
    console: Console | None = None, tau2_path: Path | None = None, with_history: bool = True
) -> list[str]:
    """Create the schema and load every demo dataset that is missing; returns summary lines."""
    console = console or Console(stderr=True)
    settings = get_settings()
    now = demo_now()
    upgrade_schema()
    lines: list[str] = []
    tau2_db = tau2_path or settings.tau2_dir / "db.json"
    with session_scope() as session:
        if session.get(Product, TAU2_SAMPLE_PRODUCT) is None:
            if tau2_db.exists():
                with console.status("importing the tau2 retail store"):
                    counts = import_tau2(session, load_db_json(tau2_db))
                lines.append(
                    f"tau2 retail: {counts['users']} customers, {counts['orders']} orders, "
                    f"{counts['products']} products"
                )
            else:
                lines.append(
                    f"tau2 retail data not found at {tau2_db}; skipped (set KEFU_TAU2_DIR)"
                )
        else:
            lines.append("tau2 retail: already loaded")
        if session.get(Product, ZH_SAMPLE_PRODUCT) is None:
            counts = import_bundle(session, ZH_STORE)
            lines.append(
                f"中文演示店铺: {counts['customers']} 位顾客, {counts['orders']} 个订单, "
                f"{counts['products']} 个商品"
            )
        else:
            lines.append("中文演示店铺: already loaded")
        dated = assign_demo_dates(session, now)
        if dated:
            lines.append(f"assigned demo dates to {dated} orders")
        total = session.scalar(select(func.count()).select_from(Order))
        lines.append(f"store now has {total} orders")
        key = demo_admin_key(session)
    lines.extend(load_demo_knowledge(settings.tau2_dir / "policy.md"))
    lines.extend(load_demo_reviews(now))
    lines.extend(load_demo_analytics(now))
    if with_history:
        from kefu.demo.history import load_demo_history

        lines.extend(load_demo_history(now, _unit))
    lines.append(f"staff console key (admin): {key}")
    lines.append(f"open http://{settings.host}:{settings.port}/ (API docs at /docs)")
    return lines


def load_demo_knowledge(policy: Path | None = None) -> list[str]:
    """Ingest the demo FAQ/policy documents and the catalogue (unchanged ones are skipped)."""
    from kefu.knowledge import IngestReport, get_knowledge_base

    kb = get_knowledge_base()
    paths: list[Path] = [KNOWLEDGE]
    if policy is not None and policy.exists():
        paths.append(policy)
    docs = kb.ingest_paths(paths)
    catalog = kb.ingest_catalog()

    def _summary(report: IngestReport) -> str:
        counts = [f"{report.count(s)} {s}" for s in ("added", "updated", "unchanged", "error")]
        return ", ".join(c for c in counts if not c.startswith("0 ")) or "nothing to do"

    return [f"knowledge base: documents {_summary(docs)}; catalogue {_summary(catalog)}"]


def load_demo_analytics(now: datetime | None = None) -> list[str]:
    """Customer metrics (RFM, CLV, churn) and order risk scores for the console and dashboard."""
    from kefu.analytics import recompute_customer_metrics
    from kefu.risk import score_all_orders

    with session_scope() as session:
        metrics = recompute_customer_metrics(session, as_of=now or demo_now())
        risk = score_all_orders(session)
    return [
        f"customer analytics: {metrics.customers} customers scored in {metrics.seconds:.1f} s",
        f"order risk: {risk.flagged} of {risk.orders} orders flagged for review",
    ]


def load_demo_reviews(now: datetime | None = None) -> list[str]:
    """Product reviews for the sentiment trends and alerts (only into a store without any)."""
    import json

    from kefu.reviews.service import ingest_review
    from kefu.store.models import Review

    with session_scope() as session:
        if session.scalar(select(func.count()).select_from(Review)):
            return ["reviews: already loaded"]
        records = json.loads(REVIEWS.read_text(encoding="utf-8"))["reviews"]
        now = now or demo_now()
        for n, rec in enumerate(records):
            when = now - timedelta(days=rec["days_ago"], hours=int(24 * _unit(f"review:{n}")))
            ingest_review(
                session,
                rec["product_id"],
                rec["body"],
                rec["rating"],
                language=rec["language"],
                created_at=when,
            )
    return [f"reviews: {len(records)} analysed"]
