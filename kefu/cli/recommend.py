"""``kefu train recommend`` and ``kefu eval recommend``: thin adapters over kefu.recommend."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from kefu.recommend.evaluate import ModelResult

console = Console() if sys.stdout.isatty() else Console(width=130)


def _table(title: str, results: list[ModelResult]) -> Table:
    from kefu.recommend.evaluate import METRIC_COLUMNS

    table = Table(title=title)
    table.add_column("model")
    for column in METRIC_COLUMNS:
        table.add_column(column, justify="right")
    table.add_column("train s", justify="right")
    best = max(results, key=lambda r: r.metrics["ndcg@10"]).model if results else ""
    for r in results:
        style = "bold green" if r.model == best else None
        cells = [f"{r.metrics[c]:.3f}" for c in METRIC_COLUMNS]
        table.add_row(r.model, *cells, f"{r.train_seconds:.2f}", style=style)
    return table


def train_recommend(
    model: Annotated[
        str | None, typer.Option(help="Recommender (default: settings, hybrid)")
    ] = None,
) -> None:
    """Train the recommender from the store's orders and events and save a new version."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from kefu.cli._progress import progress_bar
    from kefu.recommend import model_root, recommend_settings, reload_recommender, train_from_store
    from kefu.store.db import session_scope, upgrade_schema

    settings = recommend_settings()
    if model:
        settings = settings.model_copy(update={"model": model})
    upgrade_schema()
    try:
        with progress_bar() as bar, session_scope() as session:
            task = bar.add_task(f"training {settings.model}", total=100)
            trained = train_from_store(
                session, settings=settings, progress=lambda f: bar.update(task, completed=f * 100)
            )
            bar.update(task, completed=100)
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    path = trained.save(model_root())
    reload_recommender()
    console.print(
        f"trained {trained.recommender.name} on {len(trained.customer_ids)} customers x "
        f"{len(trained.product_ids)} products ({trained.matrix.nnz} interactions)"
    )
    console.print(f"version {trained.version} saved to {path}")


def _store_engine_for_eval() -> tuple[Engine, str]:
    """The configured store if it has orders, else the tau2 demo data in a temporary SQLite."""
    import tempfile

    from sqlalchemy import func, select

    from kefu.config import get_settings
    from kefu.store.db import make_engine, session_factory, upgrade_schema
    from kefu.store.models import Order

    engine = make_engine()
    try:
        with session_factory(engine)() as session:
            if (session.scalar(select(func.count()).select_from(Order)) or 0) > 0:
                return engine, "configured store"
    except Exception:  # a missing or unmigrated store: fall back to the tau2 data
        pass
    from kefu.store.tau2 import import_tau2, load_db_json

    path = Path(tempfile.mkdtemp(prefix="kefu-rec-")) / "tau2.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_schema(engine)
    with session_factory(engine)() as session:
        import_tau2(session, load_db_json(get_settings().tau2_dir / "db.json"))
        session.commit()
    return engine, "tau2 retail data (temporary SQLite)"


def eval_recommend(
    dataset: Annotated[str, typer.Option(help="movielens | store | all")] = "all",
    models: Annotated[str, typer.Option(help="Comma-separated models")] = "",
    cache_dir: Annotated[
        Path, typer.Option(help="Where MovieLens is downloaded (git-ignored)")
    ] = Path(".cache"),
) -> None:
    """Compare every recommender on MovieLens-100k (and the store); ends with the best line."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from kefu.recommend.evaluate import (
        DEFAULT_MODELS,
        STORE_MODELS,
        best_line,
        compare_models,
        leave_last_purchase_out,
        load_movielens_100k,
    )
    from kefu.store.db import session_factory

    if dataset not in {"movielens", "store", "all"}:
        console.print(f"[red]unknown dataset {dataset!r}: choose movielens, store or all[/red]")
        raise typer.Exit(2)
    chosen = [m.strip() for m in models.split(",") if m.strip()]
    if dataset in {"store", "all"}:
        engine, label = _store_engine_for_eval()
        with (
            console.status("leave-last-purchase-out on the store"),
            session_factory(engine)() as session,
        ):
            results, n = leave_last_purchase_out(session, chosen or STORE_MODELS)
        console.print(
            _table(f"Store ({label}): leave-last-purchase-out, {n} customers, top-10", results)
        )
    if dataset in {"movielens", "all"}:
        with console.status("loading MovieLens-100k") as status:
            data = load_movielens_100k(cache_dir)
            results = compare_models(
                data, chosen or DEFAULT_MODELS, on_model=lambda m: status.update(f"model {m}")
            )
        console.print(
            _table(
                f"MovieLens-100k: {len(data.users)} interactions, {data.n_users} users, "
                f"{data.n_items} items; 75/25 stratified split (seed 42), top-10, seen removed",
                results,
            )
        )
        console.print(
            "MAP = summed precision-at-hit / number of relevant test items (Recommenders' map)"
        )
        console.print(best_line(results))


def register(app: typer.Typer, eval_app: typer.Typer, train_app: typer.Typer) -> None:
    """Add the recommendation commands."""
    train_app.command("recommend")(train_recommend)
    eval_app.command("recommend")(eval_recommend)
