"""``kefu risk ...`` (score, batch, review queue) and ``kefu eval risk`` (injection check)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

console = Console()
risk_app = typer.Typer(help="Order risk flags and the review queue.", no_args_is_help=True)


def _print_assessment(a: object) -> None:
    from kefu.risk import RiskAssessment

    assert isinstance(a, RiskAssessment)
    state = "[red]FLAGGED[/red]" if a.flagged else "ok"
    console.print(f"{a.order_id} ({a.customer_id}): score {a.score:.1f} / {a.threshold:g} {state}")
    for r in a.reasons:
        console.print(f"  +{r.points:5.1f}  {r.rule_id}: {r.message}  {r.data}")
    if a.review_outcome:
        console.print(f"  reviewed by {a.reviewed_by} at {a.reviewed_at}: {a.review_outcome}")


@risk_app.command("score")
def score_cmd(order_id: str) -> None:
    """Score one order now (rules + the saved anomaly model) and store the result."""
    from kefu.risk import OrderNotFound, score_order
    from kefu.store.db import session_scope, upgrade_schema

    upgrade_schema()
    try:
        with session_scope() as session:
            assessment = score_order(session, order_id)
    except OrderNotFound:
        console.print(f"[red]no order {order_id}[/red]")
        raise typer.Exit(1) from None
    _print_assessment(assessment)


@risk_app.command("batch")
def batch_cmd() -> None:
    """Retrain the anomaly model and rescore every order."""
    from kefu.risk import score_all_orders
    from kefu.store.db import session_scope, upgrade_schema

    upgrade_schema()
    with session_scope() as session:
        result = score_all_orders(session)
    console.print(
        f"scored {result.orders} orders in {result.seconds:.1f} s: {result.flagged} flagged; "
        f"rule hits {result.by_rule}"
    )


@risk_app.command("queue")
def queue_cmd(
    limit: Annotated[int, typer.Option(min=1)] = 20,
    include_reviewed: Annotated[bool, typer.Option(help="Show reviewed orders too.")] = False,
) -> None:
    """Flagged orders waiting for review, highest score first."""
    from kefu.risk import review_queue
    from kefu.store.db import session_scope

    with session_scope() as session:
        rows = review_queue(session, True, None if include_reviewed else False, limit)
    table = Table("order", "customer", "score", "reasons", "review")
    for a in rows:
        table.add_row(
            a.order_id,
            a.customer_id or "",
            f"{a.score:.1f}",
            ", ".join(r.rule_id for r in a.reasons),
            a.review_outcome or "",
        )
    console.print(table)


@risk_app.command("review")
def review_cmd(
    order_id: str,
    outcome: Annotated[str, typer.Argument(help="legitimate | fraud | needs_follow_up")],
    note: Annotated[str | None, typer.Option()] = None,
    reviewer: Annotated[str, typer.Option()] = "cli",
) -> None:
    """Record a review decision for a scored order."""
    from kefu.risk import OrderNotFound, mark_reviewed
    from kefu.store.db import session_scope

    if outcome not in {"legitimate", "fraud", "needs_follow_up"}:
        raise typer.BadParameter("outcome must be legitimate, fraud or needs_follow_up")
    try:
        with session_scope() as session:
            a = mark_reviewed(session, order_id, reviewer, outcome, note)  # type: ignore[arg-type]
    except OrderNotFound:
        console.print(f"[red]no order {order_id}[/red]")
        raise typer.Exit(1) from None
    _print_assessment(a)


def eval_risk(
    per_type: Annotated[int, typer.Option(min=1, help="Injected orders per anomaly type.")] = 20,
    seed: Annotated[int, typer.Option()] = 7,
    tau2_db: Annotated[Path | None, typer.Option(help="tau2 retail db.json")] = None,
) -> None:
    """Inject labelled anomalies into a copy of tau2 and report precision/recall."""
    from kefu.config import get_settings
    from kefu.risk.evaluation import evaluate_risk

    path = tau2_db or get_settings().tau2_dir / "db.json"
    result = evaluate_risk(path, per_type=per_type, seed=seed)
    console.print(
        "No public labelled e-commerce fraud data was available here: anomalies are injected "
        "into a seeded copy of the tau2 retail orders and labelled; all other orders count as "
        "normal."
    )
    table = Table(
        "injected type", "orders", "flagged", "recall", title=f"at threshold {result.threshold:g}"
    )
    for kind, stat in result.per_type.items():
        table.add_row(
            kind, str(int(stat["injected"])), str(int(stat["flagged"])), f"{stat['recall']:.2f}"
        )
    console.print(table)
    rules = Table("rule", "fired", "on injected orders", "rule precision")
    for rule, stat in sorted(result.by_rule_precision.items()):
        rules.add_row(
            rule, str(int(stat["fired"])), str(int(stat["on_injected"])), f"{stat['precision']:.2f}"
        )
    console.print(rules)
    typer.echo(
        f"overall: precision {result.precision:.3f}, recall {result.recall:.3f} "
        f"({result.true_positives} TP, {result.false_positives} FP on {result.normal_orders} "
        f"normal orders, {result.false_negatives} FN)"
    )


def register(app: typer.Typer, eval_app: typer.Typer, train_app: typer.Typer) -> None:
    """Add ``kefu risk`` and ``kefu eval risk``."""
    app.add_typer(risk_app, name="risk")
    eval_app.command("risk")(eval_risk)
