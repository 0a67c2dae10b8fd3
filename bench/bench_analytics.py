"""Customer analytics full recompute at scale: 100k customers / 1M orders (synthetic).

The order log is generated directly as a DataFrame (seeded: each customer buys at a
Gamma-distributed rate until a geometric dropout, values log-normal), then the same
``compute_metrics`` the batch job runs does RFM, BG/NBD + Gamma-Gamma fits, predictions and
churn levels. Loading from the database is timed separately on a smaller SQLite store
(20k orders through ``load_orders``) and scaled linearly, since writing 1M order rows here
would itself take minutes on 2 shared cores.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kefu.analytics.metrics import compute_metrics  # noqa: E402

AS_OF = datetime(2026, 1, 1, tzinfo=UTC)
OUT = ROOT / "bench" / "out"


def synthetic_orders(n_customers: int, n_orders: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rate = rng.gamma(0.8, 1.0, size=n_customers)
    counts = rng.poisson(rate / rate.mean() * (n_orders / n_customers - 1)) + 1
    counts = np.maximum(1, np.round(counts * n_orders / counts.sum())).astype(int)
    customer = np.repeat(np.arange(n_customers), counts)[:n_orders]
    first = rng.uniform(30, 730, size=n_customers)  # days before as_of
    life = first * rng.beta(2, 1, size=n_customers)  # active span
    offset = rng.uniform(0, 1, size=len(customer)) * life[customer]
    days_ago = first[customer] - offset
    placed = pd.Timestamp(AS_OF) - pd.to_timedelta(days_ago, unit="D")
    value = np.round(rng.lognormal(4.0, 0.8, size=len(customer)), 2)
    return pd.DataFrame(
        {"customer_id": [f"c{i}" for i in customer], "placed_at": placed, "value": value}
    )


def db_load_seconds(n_orders: int = 20_000) -> tuple[float, int]:
    from sqlalchemy import insert

    from kefu.analytics.service import load_orders
    from kefu.store.db import make_engine, session_factory, upgrade_schema
    from kefu.store.models import Customer, Order, PaymentTransaction

    orders = synthetic_orders(n_orders // 10, n_orders, seed=1)
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade_schema(engine)
        now = datetime.now(UTC)
        with session_factory(engine)() as s:
            s.execute(insert(Customer), [
                {"id": c, "first_name": "A", "last_name": "B", "email": f"{c}@x", "created_at": now}
                for c in orders["customer_id"].unique()
            ])  # fmt: skip
            s.execute(insert(Order), [
                {"id": f"#O{i}", "customer_id": c, "status": "delivered",
                 "placed_at": t.floor("us").to_pydatetime(), "updated_at": now, "version": 1}
                for i, (c, t) in enumerate(zip(orders["customer_id"], orders["placed_at"], strict=True))
            ])  # fmt: skip
            s.execute(insert(PaymentTransaction), [
                {"order_id": f"#O{i}", "transaction_type": "payment", "amount": v,
                 "payment_method_id": "pm", "created_at": now}
                for i, v in enumerate(orders["value"])
            ])  # fmt: skip
            s.commit()
            start = time.perf_counter()
            frame, _ = load_orders(s)
            took = time.perf_counter() - start
        engine.dispose()
    return took, len(frame)


def cdnow_lines() -> list[str]:
    """The CDNOW reference fit and the calibration/holdout check with its plot."""
    from kefu.analytics.cdnow import holdout_check, plot_holdout, reference_check

    ref = reference_check()
    errors = ref.relative_errors()
    rows = [f"| {k} | {ref.reference[k]:.4f} | {ref.kefu[k]:.4f} | {errors[k]:.4%} |" for k in ref.reference]
    hold = holdout_check()
    plot_holdout(hold, OUT / "clv_holdout.png")
    return [
        "### CDNOW reference fit (`kefu eval clv`)",
        "",
        f"BG/NBD on {ref.n_customers:,} customers, Gamma-Gamma on {ref.n_returning} returning customers.",
        "",
        "| parameter | published | kefu | relative error |",
        "|---|---:|---:|---:|",
        *rows,
        "",
        f"cdnow max relative error: {ref.max_relative_error:.4f}",
        "",
        f"Calibration/holdout (39 + 39 weeks): predicted {hold.total_predicted:,.0f} repeat purchases "
        f"in the holdout vs {hold.total_actual:,.0f} actual.",
        "",
        "![predicted vs actual holdout purchases by calibration frequency](clv_holdout.png)",
        "",
    ]


def main() -> None:
    n_customers, n_orders = 100_000, 1_000_000
    t0 = time.perf_counter()
    orders = synthetic_orders(n_customers, n_orders)
    gen = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = compute_metrics(orders, AS_OF)
    compute = time.perf_counter() - t0
    seg = result.customers["segment"].value_counts()
    load_s, load_n = db_load_seconds()
    per_million = load_s / load_n * 1_000_000
    bg = result.bgnbd
    machine = f"{os.cpu_count()} cores, Python {platform.python_version()}"
    lines = [
        "## analytics (customer RFM / CLV / churn recompute)",
        "",
        f"Command: `.venv/bin/python bench/bench_analytics.py` on {machine} "
        "(shared with other jobs), OPENBLAS_NUM_THREADS=1.",
        "",
        f"- synthetic order log: {len(result.customers):,} customers, {len(orders):,} orders "
        f"(generated in {gen:.1f} s)",
        f"- **full recompute (RFM + BG/NBD fit + Gamma-Gamma fit + p_alive, 90-day CLV, churn): "
        f"{compute:.1f} s** (target < 60 s)",
        f"- loading orders from SQLite via `load_orders`: {load_s:.2f} s for {load_n:,} orders "
        f"(≈ {per_million:.0f} s per million orders, linear extrapolation)",
        f"- BG/NBD fit: r={bg.r:.3f}, alpha={bg.alpha:.2f}, a={bg.a:.3f}, b={bg.b:.3f}"
        if bg
        else "- BG/NBD not fitted",
        f"- segments: {', '.join(f'{k} {v:,}' for k, v in seg.items())}",
        "",
    ]
    lines += cdnow_lines()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "analytics.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
