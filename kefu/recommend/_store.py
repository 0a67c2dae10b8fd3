"""Interactions and offers read from the store (orders, events, variants)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

import numpy as np
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from scipy import sparse
from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.store.models import CustomerEvent, Order, OrderItem, Product, Variant


@lru_cache(maxsize=1)
def recommend_settings() -> RecommendSettings:
    """Process-wide recommender settings (tests clear the cache to change them)."""
    return RecommendSettings()


class RecommendSettings(BaseSettings):
    """Knobs of the recommender (environment prefix ``KEFU_RECOMMEND_``)."""

    model_config = SettingsConfigDict(env_prefix="KEFU_RECOMMEND_", env_file=".env", extra="ignore")

    model: str = Field(default="hybrid", description="Recommender trained from the store.")
    cf: str = Field(default="ease", description="Collaborative part of the hybrid.")
    use_content: bool = Field(default=True, description="Blend in product-text similarity.")
    repeat_categories: list[str] = Field(
        default_factory=list,
        description="Categories bought repeatedly (consumables): bought products stay eligible.",
    )
    purchase_weight: float = 1.0
    cancelled_weight: float = 0.5
    cart_weight: float = 0.5
    view_weight: float = 0.2
    max_k: int = 100


CANCELLED = "cancelled"


def event_weight(settings: RecommendSettings, event_type: str) -> float:
    """How much one event says about a customer's taste (searches say nothing per product)."""
    return {
        "purchase": settings.purchase_weight,
        "cart": settings.cart_weight,
        "view": settings.view_weight,
    }.get(event_type, 0.0)


@dataclass
class History:
    """One customer's products, with what they bought (as opposed to only looked at)."""

    weights: dict[str, float] = field(default_factory=dict)
    bought: set[str] = field(default_factory=set)

    def add(self, product_id: str, weight: float, bought: bool) -> None:
        if weight <= 0:
            return
        self.weights[product_id] = self.weights.get(product_id, 0.0) + weight
        if bought:
            self.bought.add(product_id)


@dataclass
class StoreData:
    """Everything training needs: ids, the interaction matrix, product texts."""

    customer_ids: list[str]
    product_ids: list[str]
    matrix: sparse.csr_matrix
    product_texts: list[str]
    product_names: list[str]


def product_text(product: Product) -> str:
    """The text a product is embedded from (both languages where the store has them)."""
    parts = [product.name, product.name_zh or "", product.category or "", product.description or ""]
    return ". ".join(p for p in parts if p)[:1000]


def load_histories(
    session: Session,
    *,
    customer_ids: Collection[str] | None = None,
    skip_orders: Collection[str] = (),
    settings: RecommendSettings | None = None,
) -> dict[str, History]:
    """Histories per customer from order items and events (all customers, or the given ones)."""
    settings = settings or recommend_settings()
    histories: dict[str, History] = defaultdict(History)
    orders = select(Order.customer_id, Order.status, OrderItem.product_id, Order.id).join(
        OrderItem, OrderItem.order_id == Order.id
    )
    events = select(
        CustomerEvent.customer_id, CustomerEvent.event_type, CustomerEvent.product_id
    ).where(CustomerEvent.customer_id.is_not(None), CustomerEvent.product_id.is_not(None))
    if customer_ids is not None:
        ids = list(customer_ids)
        orders = orders.where(Order.customer_id.in_(ids))
        events = events.where(CustomerEvent.customer_id.in_(ids))
    skip = set(skip_orders)
    held_out: set[str] = set()
    if skip:
        rows = session.execute(select(Order.customer_id).where(Order.id.in_(list(skip))))
        held_out = {r[0] for r in rows}
    for order_customer, status, product_id, order_id in session.execute(orders):
        if order_id in skip:
            continue
        cancelled = (status or "").lower() == CANCELLED
        weight = settings.cancelled_weight if cancelled else settings.purchase_weight
        histories[order_customer].add(product_id, weight, bought=not cancelled)
    for event_customer, event_type, event_product in session.execute(events):
        if event_customer is None or event_product is None or event_customer in held_out:
            continue  # events carry no date order we trust relative to the held-out purchase
        bought = event_type == "purchase"
        histories[event_customer].add(
            event_product, event_weight(settings, event_type), bought=bought
        )
    return dict(histories)


def load_store_data(
    session: Session,
    *,
    skip_orders: Collection[str] = (),
    settings: RecommendSettings | None = None,
) -> StoreData:
    """The customers x products matrix of the whole store (every product is a column)."""
    products = list(session.scalars(select(Product).order_by(Product.position, Product.id)))
    product_index = {p.id: i for i, p in enumerate(products)}
    histories = load_histories(session, skip_orders=skip_orders, settings=settings)
    customer_ids = sorted(histories)
    rows, cols, vals = [], [], []
    for row, customer_id in enumerate(customer_ids):
        for product_id, weight in histories[customer_id].weights.items():
            col = product_index.get(product_id)
            if col is not None:
                rows.append(row)
                cols.append(col)
                vals.append(weight)
    matrix = sparse.csr_matrix(
        (np.asarray(vals, dtype=np.float32), (rows, cols)), shape=(len(customer_ids), len(products))
    )
    return StoreData(
        customer_ids=customer_ids,
        product_ids=[p.id for p in products],
        matrix=matrix,
        product_texts=[product_text(p) for p in products],
        product_names=[p.name for p in products],
    )


@dataclass(frozen=True)
class Offer:
    """A product we can actually sell now: its chosen variant and price."""

    product_id: str
    name: str
    name_zh: str | None
    category: str | None
    variant_id: str
    price: Decimal


def load_offers(
    session: Session,
    product_ids: Iterable[str],
    *,
    category: str | None = None,
    min_price: Decimal | None = None,
    max_price: Decimal | None = None,
) -> dict[str, Offer]:
    """The cheapest available in-range variant of each product that passes the filters.

    Products with no such variant are absent, so they are never recommended.
    """
    ids = list(dict.fromkeys(product_ids))
    if not ids:
        return {}
    query = (
        select(
            Product.id, Product.name, Product.name_zh, Product.category, Variant.id, Variant.price
        )
        .join(Variant, Variant.product_id == Product.id)
        .where(Variant.available.is_(True), Product.id.in_(ids))
    )
    if category is not None:
        query = query.where(Product.category == category)
    if min_price is not None:
        query = query.where(Variant.price >= min_price)
    if max_price is not None:
        query = query.where(Variant.price <= max_price)
    offers: dict[str, Offer] = {}
    for pid, name, name_zh, cat, vid, price in session.execute(query):
        best = offers.get(pid)
        if best is None or (price, vid) < (best.price, best.variant_id):
            offers[pid] = Offer(pid, name, name_zh, cat, vid, Decimal(price))
    return offers
