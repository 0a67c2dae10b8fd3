"""Recommendations over HTTP: "for you" lists (staff), "similar" and "also bought" (public).

Per-customer lists reveal what a customer bought, so they need a staff key; customers reach
their own through the assistant. Product-to-product lists only use the public catalogue.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from kefu.api.deps import AgentDep, SessionDep
from kefu.recommend import Recommendation, also_bought, recommend_for_customer, similar_products

router = APIRouter(tags=["recommendations"])

K = Annotated[int, Query(ge=1, le=100, description="How many products to return.")]
Category = Annotated[str | None, Query(max_length=120, description="Only this category.")]
Price = Annotated[Decimal | None, Query(ge=0, max_digits=12, decimal_places=2)]


def _run(call: Callable[[], list[Recommendation]]) -> list[Recommendation]:
    try:
        return call()
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None


@router.get("/v1/recommendations", response_model=list[Recommendation])
def for_customer(
    session: SessionDep,
    _staff: AgentDep,
    customer_id: Annotated[str, Query(min_length=1, max_length=64)],
    k: K = 10,
    category: Category = None,
    min_price: Price = None,
    max_price: Price = None,
) -> list[Recommendation]:
    """Personal picks for a customer (popular products for unknown or new customers)."""
    return _run(
        lambda: recommend_for_customer(
            session, customer_id, k, category=category, min_price=min_price, max_price=max_price
        )
    )


@router.get("/v1/products/{product_id}/similar", response_model=list[Recommendation])
def similar(
    product_id: str,
    session: SessionDep,
    k: K = 10,
    category: Category = None,
    min_price: Price = None,
    max_price: Price = None,
) -> list[Recommendation]:
    """Products similar to this one (popular products if it is unknown)."""
    return _run(
        lambda: similar_products(
            session, product_id, k, category=category, min_price=min_price, max_price=max_price
        )
    )


@router.get("/v1/products/{product_id}/also-bought", response_model=list[Recommendation])
def bought_together(
    product_id: str,
    session: SessionDep,
    k: K = 10,
    category: Category = None,
    min_price: Price = None,
    max_price: Price = None,
) -> list[Recommendation]:
    """Customers who bought this product also bought these."""
    return _run(
        lambda: also_bought(
            session, product_id, k, category=category, min_price=min_price, max_price=max_price
        )
    )
