"""Transparent order-risk rules: each adds points and says why, with the numbers behind it.

A rule's points reflect how suspicious its signal is on its own: a new account placing a
large order or a burst of orders flags by itself; a new shipping region, a payment change or
a history of returns is common among honest customers and flags only together with another
signal (a second rule or an anomalous feature mix).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kefu.risk.schemas import RiskReason


@dataclass(frozen=True)
class RiskConfig:
    """Thresholds and points; the defaults suit the tau2 retail store (orders ~$50-$10k)."""

    flag_threshold: float = 50.0
    new_account_days: float = 7.0
    high_value: float = 3000.0
    new_account_high_value_points: float = 60.0
    address_far_points: float = 35.0
    window_hours: float = 24.0
    window_max_orders: int = 3
    velocity_points: float = 55.0
    payment_change_points: float = 40.0
    payment_change_extra_points: float = 15.0
    many_returns_min: int = 3
    many_returns_points: float = 35.0
    anomaly_floor: float = 0.55
    anomaly_ceiling: float = 0.75
    anomaly_max_points: float = 40.0

    def __post_init__(self) -> None:
        if self.anomaly_ceiling <= self.anomaly_floor:
            raise ValueError("anomaly_ceiling must exceed anomaly_floor")
        if self.window_max_orders < 2 or self.many_returns_min < 1:
            raise ValueError("window_max_orders must be >= 2 and many_returns_min >= 1")


def rule_reasons(row: pd.Series, config: RiskConfig) -> list[RiskReason]:
    """Every rule that fires for one order's feature row."""
    reasons: list[RiskReason] = []
    age = row["account_age_days"]
    value = float(row["value"])
    if _finite(age) and age <= config.new_account_days and value >= config.high_value:
        reasons.append(
            _reason(
                "new_account_high_value",
                config.new_account_high_value_points,
                f"account {age:.1f} days old placed an order of {value:,.2f}",
                account_age_days=round(float(age), 2),
                order_value=round(value, 2),
                max_account_age_days=config.new_account_days,
                high_value=config.high_value,
            )
        )
    if int(row["address_new"]):
        reasons.append(
            _reason(
                "address_far_from_history",
                config.address_far_points,
                "ships to a region (country/state/postcode prefix) never used by this customer",
                region=str(row["addr_key"]),
                prior_orders=int(row["prior_orders"]),
            )
        )
    if int(row["orders_in_window"]) >= config.window_max_orders:
        reasons.append(
            _reason(
                "order_velocity",
                config.velocity_points,
                f"{int(row['orders_in_window'])} orders within {config.window_hours:g} h",
                orders_in_window=int(row["orders_in_window"]),
                window_hours=config.window_hours,
                max_orders=config.window_max_orders,
            )
        )
    if int(row["payment_changes"]) > 0:
        changes = int(row["payment_changes"])
        reasons.append(
            _reason(
                "payment_method_change",
                config.payment_change_points + (changes - 1) * config.payment_change_extra_points,
                f"payment method changed {int(row['payment_changes'])} time(s)",
                payment_changes=int(row["payment_changes"]),
            )
        )
    if int(row["prior_returns"]) >= config.many_returns_min:
        reasons.append(
            _reason(
                "many_returns",
                config.many_returns_points,
                f"customer returned {int(row['prior_returns'])} earlier orders",
                prior_returns=int(row["prior_returns"]),
                prior_orders=int(row["prior_orders"]),
                min_returns=config.many_returns_min,
            )
        )
    return reasons


def anomaly_points(anomaly: float | None, config: RiskConfig) -> float:
    """Points from the Isolation Forest score, linear between floor and ceiling."""
    if anomaly is None or not _finite(anomaly):
        return 0.0
    span = config.anomaly_ceiling - config.anomaly_floor
    share = min(max((anomaly - config.anomaly_floor) / span, 0.0), 1.0)
    return round(share * config.anomaly_max_points, 2)


def _finite(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _reason(rule_id: str, points: float, message: str, **data: Any) -> RiskReason:
    return RiskReason(rule_id=rule_id, points=points, message=message, data=data)
