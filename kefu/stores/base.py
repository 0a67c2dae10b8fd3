"""The store-backend interface: the reads and writes kefu's order tools need from a shop.

kefu keeps a mirror of the shop in its own database; the order tools read the mirror and
check the store policy there. A write the policy allows is then handed to the backend
*inside the same transaction*: the built-in backend has nothing more to do (the mirror is
the store), a remote backend calls the shop or records the write in the outbox. A refusal
from the shop raises :class:`~kefu.orders.errors.ShopRefused` and the transaction rolls
back, so kefu's mirror never claims what the shop refused.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from kefu.stores.mirror import StoreEventIn

Record = dict[str, Any]


class WriteState(StrEnum):
    """What the customer may be told about a write."""

    DONE = "done"  # the shop (or kefu, the built-in store) applied it
    REQUESTED = "requested"  # queued for the shop; it will confirm or refuse later


class Operation(StrEnum):
    """The writes a backend implements; the values are kefu's tool names."""

    CANCEL = "cancel_pending_order"
    CHANGE_ADDRESS = "modify_pending_order_address"
    CHANGE_PAYMENT = "modify_pending_order_payment"
    CHANGE_ITEMS = "modify_pending_order_items"
    RETURN = "return_delivered_order_items"
    EXCHANGE = "exchange_delivered_order_items"
    CHANGE_DEFAULT_ADDRESS = "modify_user_address"


@dataclass(frozen=True)
class WriteRequest:
    """One confirmed write, as the shop receives it.

    ``idempotency_key`` is always set (kefu makes one when the caller gave none) and is
    passed to the shop wherever its API accepts one, so a retry never applies twice.
    ``record`` is kefu's mirror record after the change: what kefu expects the shop to hold.
    """

    operation: Operation
    target_id: str
    arguments: dict[str, Any]
    idempotency_key: str
    record: Record | None = None
    conversation_id: str | None = None
    customer_id: str | None = None
    language: str = "en"


@dataclass(frozen=True)
class WriteOutcome:
    state: WriteState
    shop_reference: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


class StoreBackend(ABC):
    """One shop platform. Reads return tau2-shaped records (``kefu.store.tau2``)."""

    name: str = "abstract"
    #: operations the platform has no API for (documented in docs/stores.md)
    unsupported: frozenset[Operation] = frozenset()

    # ------------------------------------------------------------------ reads
    @abstractmethod
    def customer_by_email(self, session: Session, email: str) -> Record | None: ...

    @abstractmethod
    def customer_by_name_zip(
        self, session: Session, first_name: str, last_name: str, zip: str
    ) -> Record | None: ...

    @abstractmethod
    def customer(self, session: Session, customer_id: str) -> Record | None: ...

    @abstractmethod
    def customer_orders(self, session: Session, customer_id: str) -> list[Record]: ...

    @abstractmethod
    def order(self, session: Session, order_id: str) -> Record | None:
        """The order with items, variants, payments and fulfilments (with tracking)."""

    @abstractmethod
    def products(self, session: Session) -> list[Record]:
        """Every product with its variants and their availability."""

    def changes(self, since: datetime | None) -> Iterable[StoreEventIn]:
        """Orders and products changed at the shop since ``since``, as mirror events, for
        ``kefu sync`` to catch what webhooks missed. Mirror-only backends have none."""
        return []

    # ------------------------------------------------------------------ writes
    def cancel_order(self, session: Session, request: WriteRequest) -> WriteOutcome:
        return self.send(session, request)

    def change_address(self, session: Session, request: WriteRequest) -> WriteOutcome:
        return self.send(session, request)

    def change_payment(self, session: Session, request: WriteRequest) -> WriteOutcome:
        return self.send(session, request)

    def change_items(self, session: Session, request: WriteRequest) -> WriteOutcome:
        return self.send(session, request)

    def return_items(self, session: Session, request: WriteRequest) -> WriteOutcome:
        return self.send(session, request)

    def exchange_items(self, session: Session, request: WriteRequest) -> WriteOutcome:
        return self.send(session, request)

    def change_default_address(self, session: Session, request: WriteRequest) -> WriteOutcome:
        return self.send(session, request)

    @abstractmethod
    def send(self, session: Session, request: WriteRequest) -> WriteOutcome:
        """The platform's generic way to carry a write (one per backend)."""

    def apply(self, session: Session, request: WriteRequest) -> WriteOutcome:
        """Carry a confirmed write to the shop; called inside the turn's transaction."""
        handlers: dict[Operation, Callable[[Session, WriteRequest], WriteOutcome]] = {
            Operation.CANCEL: self.cancel_order,
            Operation.CHANGE_ADDRESS: self.change_address,
            Operation.CHANGE_PAYMENT: self.change_payment,
            Operation.CHANGE_ITEMS: self.change_items,
            Operation.RETURN: self.return_items,
            Operation.EXCHANGE: self.exchange_items,
            Operation.CHANGE_DEFAULT_ADDRESS: self.change_default_address,
        }
        return handlers[request.operation](session, request)
