"""Knowledge-base commands: ``kefu ingest``, ``kefu search``, ``kefu eval retrieval``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

console = Console()


def _progress_callback(bar):  # type: ignore[no-untyped-def]
    tasks: dict[str, int] = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
        bar.update(tasks[stage], completed=done, total=total)

    return update


def ingest_cmd(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or folders (md, html, txt, pdf, csv, json)")
    ] = None,
    catalog: Annotated[
        bool, typer.Option("--catalog", help="Also index the product catalogue")
    ] = False,
) -> None:
    """Add or update store documents; unchanged files are skipped, bad files reported."""
    from kefu.cli._progress import progress_bar
    from kefu.knowledge import get_knowledge_base
    from kefu.store.db import upgrade_schema

    if not paths and not catalog:
        console.print("[red]give at least one PATH or --catalog[/red]")
        raise typer.Exit(2)
    upgrade_schema()
    kb = get_knowledge_base()
    results = []
    with progress_bar() as bar:
        callback = _progress_callback(bar)
        if paths:
            results += kb.ingest_paths(paths, progress=callback).results
        if catalog:
            results += kb.ingest_catalog(progress=callback).results
    counts = {
        s: sum(1 for r in results if r.status == s)
        for s in ("added", "updated", "unchanged", "error")
    }
    for r in results:
        if r.status == "error":
            console.print(f"[red]error[/red] {r.source}: {r.reason}")
        elif r.status != "unchanged" and not r.source.startswith("catalog:"):
            console.print(f"{r.status} {r.name} ({r.chunks} chunks) [dim]{r.source}[/dim]")
    console.print(", ".join(f"{n} {s}" for s, n in counts.items()))
    if counts["error"]:
        raise typer.Exit(1)


def search_cmd(
    query: Annotated[str, typer.Argument(help="Question, in Chinese or English")],
    k: Annotated[int, typer.Option("--k", help="How many chunks")] = 5,
    mode: Annotated[str, typer.Option(help="hybrid | bm25 | dense")] = "hybrid",
    language: Annotated[str | None, typer.Option(help="Only chunks in zh or en")] = None,
    doc_type: Annotated[
        str | None, typer.Option(help="faq | policy | page | product | document")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output")] = False,
) -> None:
    """Show the top chunks for QUERY with document, section and score."""
    from kefu.knowledge import get_knowledge_base

    if mode not in ("hybrid", "bm25", "dense"):
        console.print("[red]--mode must be hybrid, bm25 or dense[/red]")
        raise typer.Exit(2)
    kb = get_knowledge_base()
    hits = kb.search(query, k=k, mode=mode, language=language, doc_type=doc_type)  # type: ignore[arg-type]
    if as_json:
        out = {
            "query": query,
            "confident": kb.is_confident(hits),
            "hits": [
                {
                    "chunk_id": h.chunk_id,
                    "source": h.source,
                    "name": h.name,
                    "title": h.title,
                    "section": h.section,
                    "citation": h.citation,
                    "score": round(h.score, 6),
                    "cosine": round(h.dense_score, 4),
                    "bm25": round(h.bm25_score, 4),
                    "language": h.language,
                    "doc_type": h.doc_type,
                    "text": h.text,
                }
                for h in hits
            ],
        }
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    if not hits:
        console.print("no matching chunks (is anything ingested? try `kefu ingest PATH`)")
        raise typer.Exit(1)
    table = Table("#", "document", "section", "score", "cosine", "text", show_lines=True)
    for n, h in enumerate(hits, 1):
        snippet = h.text if len(h.text) <= 160 else h.text[:157] + "…"
        table.add_row(
            str(n), h.source, h.section, f"{h.score:.4f}", f"{h.dense_score:.3f}", snippet
        )
    console.print(table)
    if not kb.is_confident(hits):
        console.print(
            f"[yellow]low confidence: best cosine below {kb.settings.min_confidence}[/yellow]"
        )


def eval_retrieval_cmd(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print metrics as JSON before the summary line")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List hybrid misses")] = False,
    threads: Annotated[int, typer.Option(help="Encoder threads (1 is fastest per query)")] = 1,
) -> None:
    """Recall@1/@5 and MRR of BM25, dense and hybrid on the project's labelled question set."""
    import tempfile

    from kefu.cli._progress import progress_bar
    from kefu.knowledge.evaluation import (
        build_eval_knowledge_base,
        evaluate,
        load_eval_set,
        summary,
    )
    from kefu.nlu.encoder import UseEncoder

    evalset = load_eval_set()
    with tempfile.TemporaryDirectory(prefix="kefu-eval-") as tmp:
        with console.status(
            "building the evaluation store (tau2 + demo catalogue, demo documents, policy)"
        ):
            kb = build_eval_knowledge_base(Path(tmp), encoder=UseEncoder(threads=threads))
        with progress_bar() as bar:
            task = bar.add_task(
                "questions", total=len(evalset.questions) + len(evalset.unanswerable)
            )
            report = evaluate(kb, evalset, progress=lambda n, _t: bar.update(task, completed=n))
        misses = []
        if verbose:
            for i, q in enumerate(report.questions):
                rank = report.modes["hybrid"].ranks[i]
                if rank is None or rank > 5:
                    top = [h.key for h in kb.search(q.query, k=3)]
                    misses.append((q.query, rank, top))
        kb.close()
    metrics = summary(report)
    if as_json:
        typer.echo(json.dumps(metrics, ensure_ascii=False, indent=2))
    else:
        table = Table("subset", "n", "retriever", "recall@1", "recall@5", "MRR")
        for name, row in metrics.items():
            if not isinstance(row, dict):
                continue
            for m in ("bm25", "dense", "hybrid"):
                cells = [f"{row[m][x]:.3f}" for x in ("recall@1", "recall@5", "mrr")]
                first = m == "bm25"
                table.add_row(name if first else "", str(row["n"]) if first else "", m, *cells)
        console.print(table)
        thr = Table(
            "min cosine", "answerable kept", "unanswerable rejected", title="confidence threshold"
        )
        for t, kept, rejected in report.threshold_table():
            thr.add_row(f"{t:.2f}", f"{kept:.3f}", f"{rejected:.3f}")
        console.print(thr)
        if report.missing_labels:
            console.print(f"[red]labels with no chunk: {report.missing_labels}[/red]")
        for query, rank, top in misses:
            console.print(f"miss (rank {rank}): {query} → {top}")
    typer.echo(
        f"hybrid recall@5: {metrics['all']['hybrid']['recall@5']:.3f} "
        f"cross-language recall@5: {metrics['cross-language']['hybrid']['recall@5']:.3f}"
    )


def register(app: typer.Typer, eval_app: typer.Typer, train_app: typer.Typer) -> None:
    """Add ``ingest``, ``search`` and ``eval retrieval``."""
    app.command("ingest")(ingest_cmd)
    app.command("search")(search_cmd)
    eval_app.command("retrieval")(eval_retrieval_cmd)
