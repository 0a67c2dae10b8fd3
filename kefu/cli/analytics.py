"""``kefu analytics ...`` (RFM, CLV, churn warning) and ``kefu eval clv`` (CDNOW check)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

console = Console()
analytics_app = typer.Typer(help="Customer analytics: RFM segments, lifetime value, churn.")

AsOf = Annotated[
    datetime | None,
    typer.Option(help="Compute as of this date (UTC); default now.", formats=["%Y-%m-%d"]),
]
Recompute = Annotated[bool, typer.Option(help="Recompute every customer's metrics first.")]


def _ensure_metrics(recompute: bool, as_of: datetime | None = None, horizon_days: int = 90) -> None:
    """Recompute when asked or when nothing has been computed yet."""
    from sqlalchemy import func, select

    from kefu.analytics import AnalyticsConfig, recompute_customer_metrics
    from kefu.store.db import session_scope, upgrade_schema
    from kefu.store.models import AnalyticsRun

    upgrade_schema()
    with session_scope() as session:
        if not recompute and session.scalar(select(func.count()).select_from(AnalyticsRun)):
            return
        when = as_of.replace(tzinfo=UTC) if as_of else None
        result = recompute_customer_metrics(
            session, when, AnalyticsConfig(horizon_days=horizon_days)
        )
    console.print(
        f"recomputed {result.customers} customers from {result.orders_used} orders "
        f"({result.orders_skipped_undated} undated orders skipped) in {result.seconds:.2f} s"
    )
    for note in result.notes:
        console.print(f"[yellow]{note}[/yellow]")


@analytics_app.command("recompute")
def recompute_cmd(
    as_of: AsOf = None,
    horizon_days: Annotated[int, typer.Option(min=1, help="CLV horizon in days.")] = 90,
) -> None:
    """Recompute RFM, CLV and churn risk for every customer and cache them."""
    _ensure_metrics(True, as_of, horizon_days)


@analytics_app.command("rfm")
def rfm_cmd(recompute: Recompute = False) -> None:
    """Customers per RFM segment."""
    from kefu.analytics import rfm_summary
    from kefu.store.db import session_scope

    _ensure_metrics(recompute)
    with session_scope() as session:
        summary = rfm_summary(session)
    table = Table("segment", "customers", "share", "spent", "avg recency (d)", "avg orders")
    for s in summary.segments:
        table.add_row(
            s.segment,
            str(s.customers),
            f"{s.share:.1%}",
            f"{s.total_spent:,.2f}",
            f"{s.avg_recency_days:.0f}",
            f"{s.avg_orders:.2f}",
        )
    console.print(table)
    console.print(f"{summary.total_customers} customers with dated orders, as of {summary.as_of}")


@analytics_app.command("clv")
def clv_cmd(recompute: Recompute = False, top: Annotated[int, typer.Option(min=0)] = 10) -> None:
    """CLV distribution, fitted model parameters and the most valuable customers."""
    from kefu.analytics import clv_summary
    from kefu.store.db import session_scope

    _ensure_metrics(recompute)
    with session_scope() as session:
        summary = clv_summary(session, top=top)
    console.print(f"model parameters: {summary.params}")
    console.print(
        f"{summary.customers} customers, total CLV {summary.total_clv:,.2f} over "
        f"{summary.horizon_days} days (mean {summary.mean_clv:,.2f})"
    )
    hist = Table("CLV from", "to", "customers")
    for b in summary.histogram:
        hist.add_row(f"{b.lower:,.0f}", f"{b.upper:,.0f}", str(b.customers))
    console.print(hist)
    _print_customers("top customers by CLV", summary.top)


@analytics_app.command("churn")
def churn_cmd(
    threshold: Annotated[float, typer.Option(min=0.0, max=1.0, help="p_alive below this")] = 0.5,
    limit: Annotated[int, typer.Option(min=1)] = 20,
    sort_by: Annotated[str, typer.Option(help="clv | total_spent")] = "clv",
    recompute: Recompute = False,
) -> None:
    """Churn warning list: customers probably gone, most valuable first."""
    from kefu.analytics import churn_list
    from kefu.store.db import session_scope

    if sort_by not in {"clv", "total_spent"}:
        raise typer.BadParameter("sort-by must be clv or total_spent")
    _ensure_metrics(recompute)
    with session_scope() as session:
        result = churn_list(session, threshold, limit, sort_by)  # type: ignore[arg-type]
    _print_customers(f"{result.total} customers with p_alive < {threshold}", result.customers)


@analytics_app.command("customer")
def customer_cmd(customer_id: str) -> None:
    """One customer's profile as the agent console shows it."""
    from kefu.analytics import CustomerNotFound, customer_profile
    from kefu.store.db import session_scope

    with session_scope() as session:
        try:
            profile = customer_profile(session, customer_id)
        except CustomerNotFound:
            console.print(f"[red]no customer {customer_id}[/red]")
            raise typer.Exit(1) from None
    for key, value in profile.model_dump().items():
        console.print(f"{key:>20}: {value}")


def _print_customers(title: str, rows: list) -> None:
    table = Table("customer", "segment", "orders", "spent", "p_alive", "CLV", "churn", title=title)
    for c in rows:
        table.add_row(
            c.customer_id,
            c.segment,
            str(c.order_count),
            f"{c.total_spent:,.2f}",
            "-" if c.p_alive is None else f"{c.p_alive:.2f}",
            "-" if c.clv is None else f"{c.clv:,.2f}",
            c.churn_risk,
        )
    console.print(table)


def eval_clv(
    plot: Annotated[Path, typer.Option(help="Where to save the holdout chart (PNG).")] = Path(
        "bench/out/clv_holdout.png"
    ),
) -> None:
    """Fit BG/NBD + Gamma-Gamma on CDNOW and compare with the published parameters."""
    from kefu.analytics.cdnow import holdout_check, plot_holdout, reference_check

    check = reference_check()
    table = Table(
        "parameter",
        "reference",
        "kefu",
        "relative error",
        title=f"CDNOW: BG/NBD on {check.n_customers} customers, "
        f"Gamma-Gamma on {check.n_returning} returning customers",
    )
    errors = check.relative_errors()
    for name, ref in check.reference.items():
        table.add_row(name, f"{ref:.4f}", f"{check.kefu[name]:.4f}", f"{errors[name]:.5f}")
    console.print(table)
    holdout = holdout_check()
    hold = Table("calibration repeat purchases", "customers", "actual holdout", "predicted")
    for row in holdout.table.itertuples(index=False):
        hold.add_row(
            row.frequency_bucket, str(row.customers), f"{row.actual:.3f}", f"{row.predicted:.3f}"
        )
    console.print(hold)
    console.print(
        f"holdout total: actual {holdout.total_actual:.0f}, "
        f"predicted {holdout.total_predicted:.1f} "
        f"({(holdout.total_predicted / holdout.total_actual - 1):+.1%})"
    )
    console.print(f"holdout chart: {plot_holdout(holdout, plot)}")
    typer.echo(f"cdnow max relative error: {check.max_relative_error:.4f}")


def register(app: typer.Typer, eval_app: typer.Typer, train_app: typer.Typer) -> None:
    """Add ``kefu analytics`` and ``kefu eval clv``."""
    app.add_typer(analytics_app, name="analytics")
    eval_app.command("clv")(eval_clv)
