"""Store connection commands: ``kefu connect``, ``kefu sync`` and the outbox listing."""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

console = Console()
BACKENDS = ("builtin", "webhook", "medusa", "shopify", "woocommerce")


def connect(
    backend: Annotated[
        str, typer.Argument(help="builtin, webhook, medusa, shopify or woocommerce")
    ],
    url: Annotated[str, typer.Option(help="The shop's endpoint or site URL.")] = "",
    api_key: Annotated[
        str, typer.Option(help="Shopify token / WooCommerce consumer key / Medusa secret key.")
    ] = "",
    api_secret: Annotated[str, typer.Option(help="WooCommerce consumer secret.")] = "",
    webhook_secret: Annotated[
        str, typer.Option(help="Shared webhook HMAC secret (a new one when empty).")
    ] = "",
    env_file: Annotated[Path, typer.Option(help="Settings file to write.")] = Path(".env"),
) -> None:
    """Write the KEFU_STORE_* settings for a shop into the .env file and say what to set up
    at the shop (its webhook URL and secret). See docs/stores.md."""
    if backend not in BACKENDS:
        raise typer.BadParameter(f"choose one of {', '.join(BACKENDS)}")
    if backend != "builtin" and not url:
        raise typer.BadParameter("--url is required for a shop backend")
    secret = webhook_secret or secrets.token_urlsafe(32)
    values = {
        "KEFU_STORE_BACKEND": backend,
        "KEFU_STORE_URL": url,
        "KEFU_STORE_API_KEY": api_key,
        "KEFU_STORE_API_SECRET": api_secret,
        "KEFU_STORE_WEBHOOK_SECRET": secret if backend != "builtin" else "",
    }
    lines = env_file.read_text("utf-8").splitlines() if env_file.exists() else []
    kept = [ln for ln in lines if ln.split("=", 1)[0].strip() not in values]
    kept += [f"{k}={v}" for k, v in values.items() if v]
    env_file.write_text("\n".join(kept) + "\n", encoding="utf-8")
    env_file.chmod(0o600)
    console.print(f"[green]store backend set to {backend}[/green] in {env_file}")
    if backend == "medusa":
        # Medusa sends no signed webhooks without custom code: kefu follows it by sync
        console.print(
            "Medusa is followed by sync: run `kefu sync --full` once, then `kefu sync --watch` "
            "(the periodic job)."
        )
    elif backend != "builtin":
        scheme = {"webhook": "kefu"}.get(backend, backend)
        console.print(
            f"At the shop, send order and product webhooks to "
            f"https://<kefu host>/v1/store/webhooks/{scheme}, signed with the webhook secret "
            f"now in {env_file}. Then run `kefu sync --full` once."
        )


def sync(
    full: Annotated[
        bool, typer.Option("--full", help="Pull everything, not only changes.")
    ] = False,
    watch: Annotated[
        bool, typer.Option("--watch", help="Keep running (the periodic job).")
    ] = False,
    interval: Annotated[float, typer.Option(help="Seconds between passes with --watch.")] = 60.0,
) -> None:
    """Reconcile with the shop: deliver pending outbox writes, then pull changes webhooks
    missed into kefu's mirror."""
    from kefu.store.db import get_engine
    from kefu.stores.sync import sync_once

    engine = get_engine()
    while True:
        report = sync_once(engine, full=full)
        out = report.outbox
        console.print(
            f"outbox: {out.applied} delivered, {out.refused} refused, {out.retrying} retrying, "
            f"{out.failed} failed; mirror: {report.applied} applied, {report.unchanged} "
            f"unchanged, {len(report.errors)} errors"
        )
        for error in report.errors[:20]:
            console.print(f"  [red]{error}[/red]")
        if not watch:
            if report.errors or out.failed:
                raise typer.Exit(1)
            return
        full = False
        time.sleep(interval)


def outbox(
    status: Annotated[str, typer.Option(help="pending, delivered, refused or failed")] = "pending",
) -> None:
    """List outbox writes in one status (failed ones need a person)."""
    from sqlalchemy import select

    from kefu.store.db import get_engine, session_factory
    from kefu.stores.models import OutboxMessage

    table = Table("key", "operation", "target", "attempts", "next attempt", "last error")
    with session_factory(get_engine())() as session:
        rows = session.scalars(
            select(OutboxMessage).where(OutboxMessage.status == status).order_by(OutboxMessage.id)
        )
        for row in rows:
            table.add_row(
                row.idempotency_key,
                row.operation,
                row.target_id,
                str(row.attempts),
                row.next_attempt_at.isoformat(timespec="seconds"),
                (row.last_error or "")[:60],
            )
    console.print(table)


def register(app: typer.Typer, eval_app: typer.Typer, train_app: typer.Typer) -> None:
    app.command("connect")(connect)
    app.command("sync")(sync)
    app.command("outbox")(outbox)
