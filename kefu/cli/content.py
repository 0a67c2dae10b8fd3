"""Product copy commands: one product, or the whole catalogue with progress."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console()
content_app = typer.Typer(help="Grounded product copy (zh/en).", no_args_is_help=True)

LangOpt = Annotated[str, typer.Option("--lang", help="zh | en")]
KindOpt = Annotated[
    str, typer.Option("--kind", help="description | selling_points | title | marketing")
]
LlmOpt = Annotated[bool, typer.Option("--llm/--no-llm", help="Use the configured model if any.")]


def _model(use: bool) -> object | None:
    if not use:
        return None
    from kefu.llm import get_llm

    return get_llm()


@content_app.command("describe")
def describe_cmd(
    product_id: str, lang: LangOpt = "en", kind: KindOpt = "description", llm: LlmOpt = True
) -> None:
    """Copy for one product, checked against its real attributes."""
    from kefu.content import ContentError, describe_product_id
    from kefu.store.db import session_scope

    with session_scope() as session:
        try:
            copy = describe_product_id(session, product_id, lang, kind, _model(llm))
        except ContentError as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(2)
    print(copy.text)
    removed = [v.claim for v in copy.violations_fixed]
    console.print(f"[dim]source: {copy.source}; removed claims: {removed}[/dim]")


@content_app.command("catalog")
def catalog_cmd(
    out: Annotated[Path, typer.Option(help="JSON Lines file to write")] = Path("copy.jsonl"),
    lang: LangOpt = "en",
    kind: KindOpt = "description",
    llm: LlmOpt = True,
) -> None:
    """Copy for every product in the catalogue (one JSON line each)."""
    from sqlalchemy import func, select

    from kefu.cli._progress import progress_bar
    from kefu.content import describe_catalog
    from kefu.store.db import session_scope
    from kefu.store.models import Product

    with session_scope() as session, progress_bar() as bar:
        task = bar.add_task(
            f"writing {kind} ({lang})", total=session.scalar(select(func.count(Product.id))) or 0
        )
        copies = describe_catalog(
            session, lang, kind, _model(llm), progress=lambda n: bar.advance(task, n)
        )
    with out.open("w", encoding="utf-8") as fh:
        for pid, copy in copies.items():
            row = {
                "product_id": pid,
                "lang": lang,
                "kind": kind,
                "source": copy.source,
                "text": copy.text,
                "removed_claims": [v.claim for v in copy.violations_fixed],
            }
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    console.print(f"wrote {len(copies)} products to {out}")


def register(app: typer.Typer, eval_app: typer.Typer, train_app: typer.Typer) -> None:
    app.add_typer(content_app, name="content")
