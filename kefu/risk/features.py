"""Order features for risk rules and the anomaly model, computed for many orders at once.

"History" is everything the store knew about the customer apart from the order itself:
their saved address and their other orders. Orders are put in time order by ``placed_at``,
then by the customer's own order sequence when a date is missing, so undated stores (tau2)
still get address, return and payment signals; only the time-window rule needs dates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from kefu.store.models import AuditLog, Customer, Order, OrderItem, PaymentTransaction

PAYMENT_CHANGE_ACTION = "modify_pending_order_payment"
CANCELLED = "cancelled"

#: Features fed to the anomaly model (numeric, all defined for undated orders too).
MODEL_FEATURES = (
    "log_value",
    "item_count",
    "log_account_age_days",
    "orders_in_window",
    "payment_changes",
    "prior_returns",
    "address_new",
    "prior_orders",
)


def address_key(country: str, state: str, zip_code: str) -> str:
    """Coarse location: country, state and the first three characters of the postcode."""
    return f"{country.strip().upper()}|{state.strip().upper()}|{zip_code.strip()[:3]}"


def _is_return(status: pd.Series, return_items: pd.Series) -> pd.Series:
    return status.str.lower().str.contains("return", na=False) | return_items.notna()


def load_order_frame(session: Session, customer_ids: list[str] | None = None) -> pd.DataFrame:
    """Raw per-order columns (value = payments minus refunds, else item total)."""
    net = func.sum(
        case(
            (PaymentTransaction.transaction_type == "refund", -PaymentTransaction.amount),
            else_=PaymentTransaction.amount,
        )
    )
    methods = func.count(
        func.distinct(
            case(
                (
                    PaymentTransaction.transaction_type == "payment",
                    PaymentTransaction.payment_method_id,
                )
            )
        )
    )
    pay = (
        select(PaymentTransaction.order_id, net.label("net"), methods.label("pay_methods"))
        .group_by(PaymentTransaction.order_id)
        .subquery()
    )
    items = (
        select(
            OrderItem.order_id,
            func.sum(OrderItem.price).label("item_total"),
            func.count().label("item_count"),
        )
        .group_by(OrderItem.order_id)
        .subquery()
    )
    audits = (
        select(AuditLog.target_id, func.count().label("audit_changes"))
        .where(AuditLog.action == PAYMENT_CHANGE_ACTION)
        .group_by(AuditLog.target_id)
        .subquery()
    )
    query = (
        select(
            Order.id,
            Order.customer_id,
            Order.status,
            Order.placed_at,
            Order.customer_position,
            Order.country,
            Order.state,
            Order.zip,
            Order.return_items,
            Customer.created_at.label("customer_created_at"),
            Customer.country.label("home_country"),
            Customer.state.label("home_state"),
            Customer.zip.label("home_zip"),
            pay.c.net,
            pay.c.pay_methods,
            items.c.item_total,
            items.c.item_count,
            audits.c.audit_changes,
        )
        .join(Customer, Customer.id == Order.customer_id)
        .outerjoin(pay, pay.c.order_id == Order.id)
        .outerjoin(items, items.c.order_id == Order.id)
        .outerjoin(audits, audits.c.target_id == Order.id)
    )
    if customer_ids is not None:
        query = query.where(Order.customer_id.in_(customer_ids))
    rows = session.execute(query).all()
    columns = [
        "order_id", "customer_id", "status", "placed_at", "customer_position", "country", "state",
        "zip", "return_items", "customer_created_at", "home_country", "home_state", "home_zip",
        "net", "pay_methods", "item_total", "item_count", "audit_changes",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def order_features(raw: pd.DataFrame, window_hours: float = 24.0) -> pd.DataFrame:
    """Feature frame indexed by order id (see :data:`MODEL_FEATURES` and the rule inputs).

    ``orders_in_window`` counts the customer's orders within ``window_hours`` before or after
    the order (itself included): in batch a whole burst is flagged, at creation time only the
    earlier orders exist.
    """
    f = raw.copy()
    f["placed_at"] = pd.to_datetime(f["placed_at"], utc=True)
    f["customer_created_at"] = pd.to_datetime(f["customer_created_at"], utc=True)
    item_total = pd.to_numeric(f["item_total"], errors="coerce").fillna(0.0)
    f["value"] = pd.to_numeric(f["net"], errors="coerce").fillna(item_total).astype(float)
    f["item_count"] = pd.to_numeric(f["item_count"], errors="coerce").fillna(0).astype(int)
    f["payment_changes"] = (
        pd.to_numeric(f["audit_changes"], errors="coerce").fillna(0)
        + (pd.to_numeric(f["pay_methods"], errors="coerce").fillna(1) - 1).clip(lower=0)
    ).astype(int)
    f["is_return"] = _is_return(f["status"].astype(str), f["return_items"]).astype(int)
    f["account_age_days"] = (f["placed_at"] - f["customer_created_at"]) / pd.Timedelta(days=1)

    f = f.sort_values(
        ["customer_id", "placed_at", "customer_position", "order_id"], na_position="last"
    ).reset_index(drop=True)
    by_customer = f.groupby("customer_id", sort=False)
    f["prior_orders"] = by_customer.cumcount()
    f["prior_returns"] = by_customer["is_return"].cumsum() - f["is_return"]
    f["addr_key"] = [
        address_key(c or "", s or "", z or "")
        for c, s, z in zip(f["country"], f["state"], f["zip"], strict=True)
    ]
    home = [
        address_key(c or "", s or "", z or "")
        for c, s, z in zip(f["home_country"], f["home_state"], f["home_zip"], strict=True)
    ]
    first_use = f.groupby(["customer_id", "addr_key"], sort=False).cumcount() == 0
    f["address_new"] = (first_use & (f["addr_key"] != np.asarray(home, dtype=object))).astype(int)
    f["orders_in_window"] = _window_counts(f, window_hours)

    f["log_value"] = np.log1p(f["value"].clip(lower=0))
    f["log_account_age_days"] = np.log1p(f["account_age_days"].clip(lower=0))
    return f.set_index("order_id")


def _window_counts(f: pd.DataFrame, window_hours: float) -> NDArrayInt:
    """Orders of the same customer within +-window of each dated order (0 when undated)."""
    counts = np.zeros(len(f), dtype=np.int64)
    dated = f["placed_at"].notna().to_numpy()
    if not dated.any():
        return counts
    codes = pd.factorize(f["customer_id"])[0].astype(np.int64)
    epoch = pd.Timestamp(0, tz="UTC")
    seconds = ((f["placed_at"] - epoch) // pd.Timedelta(seconds=1)).fillna(0).to_numpy(np.int64)
    window = int(window_hours * 3600)
    # one sorted key per (customer, time) so a single searchsorted covers every customer
    key = codes[dated] * 10**11 + seconds[dated]
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    lo = np.searchsorted(sorted_key, sorted_key - window, side="left")
    hi = np.searchsorted(sorted_key, sorted_key + window, side="right")
    dated_counts = np.empty(len(key), dtype=np.int64)
    dated_counts[order] = hi - lo
    counts[dated] = dated_counts
    return counts


NDArrayInt = np.ndarray[tuple[int], np.dtype[np.int64]]
