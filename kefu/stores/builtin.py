"""The built-in backend: kefu's own database is the store (the default; ``make demo``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.store.lookup import email_matches, name_zip_matches
from kefu.store.models import Customer, Order, Product
from kefu.store.tau2 import order_record, product_record, user_record
from kefu.stores.base import Record, StoreBackend, WriteOutcome, WriteRequest, WriteState


class BuiltinBackend(StoreBackend):
    """Reads and writes kefu's tables directly; a write is done once the turn commits."""

    name = "builtin"

    def customer_by_email(self, session: Session, email: str) -> Record | None:
        row = session.scalars(
            select(Customer).where(*email_matches(email)).order_by(Customer.position)
        ).first()
        return user_record(row) if row else None

    def customer_by_name_zip(
        self, session: Session, first_name: str, last_name: str, zip: str
    ) -> Record | None:
        row = session.scalars(
            select(Customer)
            .where(*name_zip_matches(first_name, last_name, zip))
            .order_by(Customer.position)
        ).first()
        return user_record(row) if row else None

    def customer(self, session: Session, customer_id: str) -> Record | None:
        row = session.get(Customer, customer_id)
        return user_record(row) if row is not None and row.deleted_at is None else None

    def customer_orders(self, session: Session, customer_id: str) -> list[Record]:
        rows = session.scalars(
            select(Order).where(Order.customer_id == customer_id).order_by(Order.customer_position)
        )
        return [order_record(o, with_optional=True) for o in rows]

    def order(self, session: Session, order_id: str) -> Record | None:
        row = session.get(Order, order_id)
        return order_record(row, with_optional=True) if row else None

    def products(self, session: Session) -> list[Record]:
        return [product_record(p) for p in session.scalars(select(Product).order_by(Product.id))]

    def send(self, session: Session, request: WriteRequest) -> WriteOutcome:
        return WriteOutcome(WriteState.DONE)  # the tool already changed the store itself
