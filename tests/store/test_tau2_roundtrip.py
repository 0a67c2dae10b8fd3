"""The tau2 retail store survives import and export unchanged, on both databases."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kefu.store.models import Customer, Order, PaymentMethod, Product, Variant
from kefu.store.tau2 import export_tau2


def test_tau2_import_has_every_record(tau2_session: Session) -> None:
    count = lambda model: tau2_session.scalar(select(func.count()).select_from(model))  # noqa: E731
    assert count(Customer) == 500
    assert count(Order) == 1000
    assert count(Product) == 50
    assert count(Variant) == 591


def test_tau2_round_trip_is_identical(tau2_session: Session, tau2_data: dict[str, Any]) -> None:
    exported = export_tau2(tau2_session)
    assert exported == tau2_data
    # same key order and number formatting too, so a diff of the two files is empty
    assert json.dumps(exported, sort_keys=False) == json.dumps(tau2_data, sort_keys=False)


def test_money_is_exact_decimal(tau2_session: Session) -> None:
    card = tau2_session.scalars(
        select(PaymentMethod).where(PaymentMethod.balance.is_not(None))
    ).first()
    assert card is not None and isinstance(card.balance, Decimal)
    total = tau2_session.scalar(select(func.sum(Variant.price)))
    assert isinstance(total, Decimal) and total == total.quantize(Decimal("0.01"))


def test_timestamps_are_timezone_aware(tau2_engine: Engine, tau2_session: Session) -> None:
    order = tau2_session.get(Order, "#W2611340")
    assert order is not None
    assert order.updated_at.tzinfo is not None
    assert tau2_engine.dialect.name in {"sqlite", "postgresql"}


def test_writer_engine_queues_sqlite_writers_instead_of_failing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A read-then-write transaction on a writer engine takes the lock up front: a second
    writer waits for it (here it gives up quickly), and no stale snapshot ever writes."""
    import sqlite3

    import pytest

    from kefu.store.db import make_engine, upgrade_schema, writer_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    upgrade_schema(engine)
    with writer_engine(engine).connect() as conn:
        conn.exec_driver_sql("SELECT count(*) FROM orders").scalar()  # a read, lock already held
        raw = engine.raw_connection()
        try:
            raw.driver_connection.execute("PRAGMA busy_timeout=100")  # type: ignore[union-attr]
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                raw.driver_connection.execute("BEGIN IMMEDIATE")  # type: ignore[union-attr]
        finally:
            raw.close()
    with engine.connect() as conn:  # a plain (deferred) transaction reads alongside
        assert conn.exec_driver_sql("SELECT count(*) FROM orders").scalar() == 0
    engine.dispose()
