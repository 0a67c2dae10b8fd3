"""Public catalogue: products and their variants (no credentials needed)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from kefu.api.deps import SessionDep
from kefu.store.catalog import ProductOut, get_product, list_products

router = APIRouter(prefix="/v1/products", tags=["catalogue"])


@router.get("", response_model=list[ProductOut])
def products(
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    category: Annotated[str | None, Query(max_length=120)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[ProductOut]:
    """List products, filtered by name substring or category."""
    return list_products(session, q, category, limit, offset)


@router.get("/{product_id}", response_model=ProductOut)
def product(product_id: str, session: SessionDep) -> ProductOut:
    """One product with its variants."""
    found = get_product(session, product_id)
    if found is None:
        raise HTTPException(404, "product not found")
    return found
