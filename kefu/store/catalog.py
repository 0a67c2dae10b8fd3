"""Read-only catalogue queries shared by the API, the assistant and the knowledge base."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from kefu.store.models import Product


class VariantOut(BaseModel):
    """A purchasable variant as shown to customers."""

    variant_id: str
    options: dict[str, str]
    price: Decimal
    available: bool


class ProductOut(BaseModel):
    """A product with its variants and price range."""

    product_id: str
    name: str
    name_zh: str | None
    name_en: str | None
    category: str | None
    description: str | None
    min_price: Decimal
    max_price: Decimal
    variants: list[VariantOut]


def product_out(product: Product) -> ProductOut:
    """The public view of a product."""
    prices = [v.price for v in product.variants] or [Decimal("0")]
    return ProductOut(
        product_id=product.id,
        name=product.name,
        name_zh=product.name_zh,
        name_en=product.name_en,
        category=product.category,
        description=product.description,
        min_price=min(prices),
        max_price=max(prices),
        variants=[
            VariantOut(
                variant_id=v.id, options=dict(v.options), price=v.price, available=v.available
            )
            for v in product.variants
        ],
    )


def get_product(session: Session, product_id: str) -> ProductOut | None:
    """One product by id, or None."""
    product = session.scalar(
        select(Product).where(Product.id == product_id).options(selectinload(Product.variants))
    )
    return product_out(product) if product else None


def list_products(
    session: Session,
    query: str | None = None,
    category: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[ProductOut]:
    """Products in store order, optionally filtered by a name substring or category."""
    stmt = (
        select(Product)
        .options(selectinload(Product.variants))
        .order_by(Product.position, Product.id)
    )
    if query:
        like = f"%{query}%"
        stmt = stmt.where(
            or_(Product.name.ilike(like), Product.name_zh.ilike(like), Product.name_en.ilike(like))
        )
    if category:
        stmt = stmt.where(Product.category == category)
    return [product_out(p) for p in session.scalars(stmt.limit(limit).offset(offset))]
