"""Per-customer metrics from an order log: RFM, BG/NBD, Gamma-Gamma, CLV and churn risk.

Pure computation over a pandas frame (one row per order: ``customer_id``, ``placed_at``,
``value``) so the batch job, the benchmark and tests share one code path whatever the store.
Purchases on the same day count as one transaction, as in the published models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from kefu.analytics.clv import BetaGeoModel, GammaGammaModel, ModelFitError
from kefu.analytics.rfm import RfmConfig, score_rfm

DAY = np.timedelta64(1, "D")
NDArrayStr = np.ndarray[Any, np.dtype[np.object_]]


@dataclass(frozen=True)
class ChurnConfig:
    """Thresholds on probability alive; one-time buyers (always "alive" under BG/NBD) are
    judged by their recency score instead (r_score <= ``one_time_high_r`` is high risk)."""

    high_below: float = 0.3
    medium_below: float = 0.6
    one_time_high_r: int = 1
    one_time_medium_r: int = 2

    def __post_init__(self) -> None:
        if not 0 <= self.high_below <= self.medium_below <= 1:
            raise ValueError("churn thresholds must satisfy 0 <= high_below <= medium_below <= 1")


@dataclass(frozen=True)
class AnalyticsConfig:
    """Everything a recompute needs besides the data."""

    horizon_days: int = 90
    rfm: RfmConfig = field(default_factory=RfmConfig)
    churn: ChurnConfig = field(default_factory=ChurnConfig)

    def __post_init__(self) -> None:
        if self.horizon_days <= 0:
            raise ValueError("horizon_days must be positive")


@dataclass
class MetricsResult:
    """Per-customer metrics plus the fitted models (``None`` when the data cannot support one)."""

    customers: pd.DataFrame
    bgnbd: BetaGeoModel | None
    gamma_gamma: GammaGammaModel | None
    as_of: datetime
    notes: list[str] = field(default_factory=list)

    def params(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.bgnbd is not None:
            m = self.bgnbd
            out["bgnbd"] = {"r": m.r, "alpha": m.alpha, "a": m.a, "b": m.b, "n": m.n_customers}
        if self.gamma_gamma is not None:
            g = self.gamma_gamma
            out["gamma_gamma"] = {"p": g.p, "q": g.q, "v": g.v, "n": g.n_customers}
        return out


def summarise_orders(orders: pd.DataFrame, as_of: datetime) -> pd.DataFrame:
    """One row per customer with order count, spend, dates and the BG/NBD inputs (in days).

    ``orders`` needs ``customer_id``, ``placed_at`` (tz-aware) and ``value``; orders after
    ``as_of`` are ignored so a recompute "as of" a past date is reproducible.
    """
    cutoff = pd.Timestamp(as_of)
    frame = orders.loc[orders["placed_at"] <= cutoff, ["customer_id", "placed_at", "value"]]
    if frame.empty:
        return pd.DataFrame(
            columns=[
                "customer_id",
                "order_count",
                "total_spent",
                "first_order_at",
                "last_order_at",
                "recency_days",
                "frequency",
                "t_x",
                "T",
                "repeat_mean_value",
            ]
        )
    day = frame["placed_at"].dt.floor("D")
    daily = (
        frame.assign(day=day)
        .groupby(["customer_id", "day"], sort=True, observed=True)["value"]
        .sum()
        .reset_index()
    )
    per_day = daily.groupby("customer_id", sort=True, observed=True)
    first_day = per_day["day"].transform("min")
    repeat_value = daily["value"].where(daily["day"] != first_day, 0.0)
    summary = pd.DataFrame(
        {
            "n_days": per_day["day"].count(),
            "first_day": per_day["day"].min(),
            "last_day": per_day["day"].max(),
            "repeat_value": repeat_value.groupby(daily["customer_id"], observed=True).sum(),
        }
    )
    per_order = frame.groupby("customer_id", sort=True, observed=True)
    summary["order_count"] = per_order["value"].count()
    summary["total_spent"] = per_order["value"].sum()
    summary["first_order_at"] = per_order["placed_at"].min()
    summary["last_order_at"] = per_order["placed_at"].max()
    as_of_day = cutoff.floor("D")
    summary["recency_days"] = (cutoff - summary["last_order_at"]) / DAY
    summary["frequency"] = summary["n_days"] - 1
    summary["t_x"] = (summary["last_day"] - summary["first_day"]) / DAY
    summary["T"] = (as_of_day - summary["first_day"]) / DAY
    with np.errstate(divide="ignore", invalid="ignore"):
        summary["repeat_mean_value"] = np.where(
            summary["frequency"] > 0,
            summary["repeat_value"] / summary["frequency"].clip(lower=1),
            0.0,
        )
    summary = summary.drop(columns=["n_days", "first_day", "last_day", "repeat_value"])
    return summary.reset_index()


def compute_metrics(
    orders: pd.DataFrame, as_of: datetime, config: AnalyticsConfig | None = None
) -> MetricsResult:
    """RFM scores and segments, p_alive, expected purchases, CLV and churn risk per customer."""
    cfg = config or AnalyticsConfig()
    summary = summarise_orders(orders, as_of)
    notes: list[str] = []
    n = len(summary)
    rfm = score_rfm(
        summary["recency_days"].to_numpy(np.float64),
        summary["order_count"].to_numpy(np.float64),
        summary["total_spent"].to_numpy(np.float64),
        cfg.rfm,
    )
    out = pd.concat([summary.reset_index(drop=True), rfm], axis=1)
    x = out["frequency"].to_numpy(np.float64)
    t_x = out["t_x"].to_numpy(np.float64)
    big_t = out["T"].to_numpy(np.float64)
    bg: BetaGeoModel | None = None
    gg: GammaGammaModel | None = None
    try:
        bg = BetaGeoModel.fit(x, t_x, big_t)
    except ModelFitError as exc:
        notes.append(f"BG/NBD not fitted: {exc}")
    try:
        gg = GammaGammaModel.fit(x, out["repeat_mean_value"].to_numpy(np.float64))
    except ModelFitError as exc:
        notes.append(f"Gamma-Gamma not fitted: {exc}")
    if bg is not None and n:
        out["p_alive"] = bg.probability_alive(x, t_x, big_t)
        out["expected_purchases"] = bg.expected_purchases(cfg.horizon_days, x, t_x, big_t)
    else:
        out["p_alive"] = np.nan
        out["expected_purchases"] = np.nan
    mean_value = np.where(x > 0, out["repeat_mean_value"], out["total_spent"])
    if gg is not None and n:
        out["expected_order_value"] = gg.expected_mean_value(x, mean_value)
    else:
        out["expected_order_value"] = (
            out["total_spent"] / out["order_count"].clip(lower=1)
        ).astype(float)
    out["clv"] = out["expected_purchases"] * out["expected_order_value"]
    out["churn_risk"] = churn_levels(out, cfg.churn)
    return MetricsResult(out, bg, gg, as_of, notes)


def churn_levels(frame: pd.DataFrame, config: ChurnConfig) -> NDArrayStr:
    """Churn level from p_alive (repeat buyers) or the recency score (one-time buyers)."""
    p = frame["p_alive"].to_numpy(np.float64)
    r = frame["r_score"].to_numpy(np.int64)
    repeat = frame["frequency"].to_numpy(np.float64) > 0
    by_p = np.where(
        p < config.high_below, "high", np.where(p < config.medium_below, "medium", "low")
    )
    by_r = np.where(
        r <= config.one_time_high_r,
        "high",
        np.where(r <= config.one_time_medium_r, "medium", "low"),
    )
    use_p = repeat & np.isfinite(p)
    return np.where(use_p, by_p, by_r).astype(object)
