"""Record lookups shared by the tools: customer scoping and row locks in one place."""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.orm import Session, selectinload

from kefu.orders.context import ToolContext
from kefu.orders.errors import (
    OrderNotFound,
    PaymentMethodNotFound,
    ProductNotFound,
    UserNotFound,
    VariantNotFound,
)
from kefu.store.models import Customer, Order, PaymentMethod, Product, Variant


def take_write_lock(session: Session) -> None:
    """Serialise writers on SQLite before anything is read.

    SQLite has no row locks; a no-op UPDATE as the transaction's first statement takes the
    database write lock (waiting out the busy timeout), so the checks that follow read the
    state no other writer can change until we commit. PostgreSQL uses row locks instead.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("UPDATE orders SET version = version WHERE 0 = 1"))


def get_order(session: Session, ctx: ToolContext, order_id: str, *, lock: bool = False) -> Order:
    """The order, fresh from the database and row-locked when ``lock``; else OrderNotFound."""
    query = (
        select(Order)
        .where(Order.id == order_id)
        .options(
            selectinload(Order.items),
            selectinload(Order.payments),
            selectinload(Order.fulfillments),
        )
    )
    if lock:
        query = query.with_for_update(of=Order).execution_options(populate_existing=True)
    order = session.scalar(query)
    if order is None or not ctx.can_see(order.customer_id):
        raise OrderNotFound()
    return order


def get_customer(
    session: Session, ctx: ToolContext, user_id: str, *, lock: bool = False
) -> Customer:
    """The customer (not deleted), row-locked when ``lock``; else UserNotFound."""
    if not ctx.can_see(user_id):
        raise UserNotFound()
    query = select(Customer).where(Customer.id == user_id, Customer.deleted_at.is_(None))
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    customer = session.scalar(query)
    if customer is None:
        raise UserNotFound()
    return customer


def get_payment_method(
    session: Session, customer_id: str, method_id: str, *, lock: bool = False
) -> PaymentMethod:
    """A payment method of ``customer_id`` (locked for balance changes when ``lock``)."""
    query = select(PaymentMethod).where(
        PaymentMethod.id == method_id, PaymentMethod.customer_id == customer_id
    )
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    method = session.scalar(query)
    if method is None:
        raise PaymentMethodNotFound()
    return method


def get_product(session: Session, product_id: str) -> Product:
    """A catalogue product; the catalogue is public, so no customer scoping."""
    product = session.get(Product, product_id)
    if product is None:
        raise ProductNotFound()
    return product


def get_variant(session: Session, product_id: str, variant_id: str) -> Variant:
    """A variant of one given product (ProductNotFound / VariantNotFound otherwise)."""
    get_product(session, product_id)
    variant = session.get(Variant, variant_id)
    if variant is None or variant.product_id != product_id:
        raise VariantNotFound()
    return variant


def is_gift_card(method: PaymentMethod) -> bool:
    """Gift cards are the only methods with a balance the store itself moves."""
    return method.source == "gift_card" and method.balance is not None
