"""``kefu serve`` and ``kefu demo``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

console = Console()


def serve(
    host: Annotated[str | None, typer.Option(help="Bind address")] = None,
    port: Annotated[int | None, typer.Option(help="Port")] = None,
    workers: Annotated[int | None, typer.Option(help="API worker processes")] = None,
) -> None:
    """Run the API and web app with uvicorn."""
    import uvicorn

    from kefu.config import get_settings
    from kefu.store.db import upgrade_schema

    settings = get_settings()
    upgrade_schema()
    uvicorn.run(
        "kefu.api.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers or settings.workers,
        log_level=settings.log_level.lower(),
    )


def demo(
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Start the server afterwards")
    ] = True,
    port: Annotated[int | None, typer.Option(help="Port")] = None,
) -> None:
    """Create the demo store (tau2 retail + a Chinese catalogue) and serve it. Idempotent."""
    from kefu.demo import load_demo

    summary = load_demo(console=console)
    for line in summary:
        console.print(line)
    if serve_after:
        serve(host=None, port=port, workers=None)


def register(app: typer.Typer, eval_app: typer.Typer, train_app: typer.Typer) -> None:
    """Add serve and demo."""
    app.command("serve")(serve)
    app.command("demo")(demo)
