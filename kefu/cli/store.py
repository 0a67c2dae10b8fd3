"""Database, import/export and API-key commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

console = Console()
import_app = typer.Typer(help="Load data into the store.", no_args_is_help=True)
export_app = typer.Typer(help="Write store data out.", no_args_is_help=True)
db_app = typer.Typer(help="Schema management.", no_args_is_help=True)
keys_app = typer.Typer(help="Staff API keys.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Create or migrate the schema (Alembic)."""
    from kefu.store.db import upgrade_schema

    upgrade_schema(revision=revision)
    console.print(f"schema at {revision}")


@import_app.command("tau2")
def import_tau2_cmd(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="tau2 retail db.json")],
    replace: Annotated[bool, typer.Option(help="Delete existing store data first.")] = False,
) -> None:
    """Import the tau2-bench retail store (products, users, orders) losslessly."""
    from kefu.cli._progress import progress_bar
    from kefu.store.db import session_scope, upgrade_schema
    from kefu.store.tau2 import clear_store, import_tau2, load_db_json

    upgrade_schema()
    data = load_db_json(path)
    total = sum(len(data[k]) for k in ("products", "users", "orders"))
    with progress_bar() as bar, session_scope() as session:
        task = bar.add_task("importing tau2 store", total=total)
        if replace:
            clear_store(session)
            session.flush()
        counts = import_tau2(session, data, progress=lambda n: bar.advance(task, n))
    console.print(
        f"imported {counts['products']} products, {counts['users']} customers, "
        f"{counts['orders']} orders"
    )


@import_app.command("catalog")
def import_catalog_cmd(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV or JSON file")],
    kind: Annotated[str, typer.Option(help="products | customers | orders")] = "products",
) -> None:
    """Import a store's own products, customers or orders (CSV/JSON); all rows or none."""
    from kefu.store.db import session_scope, upgrade_schema
    from kefu.store.importer import ImportFailed, import_file

    upgrade_schema()
    try:
        with session_scope() as session:
            count = import_file(session, path, kind)
    except ImportFailed as exc:
        console.print(
            f"[red]import failed: {len(exc.errors)} bad row(s); nothing was imported[/red]"
        )
        for err in exc.errors[:50]:
            console.print(f"  row {err.row}: {err.reason}")
        raise typer.Exit(1) from None
    console.print(f"imported {count} {kind}")


@export_app.command("tau2")
def export_tau2_cmd(out: Annotated[Path, typer.Argument(help="Output JSON path")]) -> None:
    """Write the store in tau2 retail db.json record form."""
    from kefu.store.db import session_scope
    from kefu.store.tau2 import export_tau2

    with session_scope() as session:
        data = export_tau2(session)
    out.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    console.print(f"wrote {len(data['users'])} users, {len(data['orders'])} orders to {out}")


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Argument(help="Who or what uses the key")],
    role: Annotated[str, typer.Option(help="agent | admin")] = "agent",
) -> None:
    """Create a staff API key and print it once (only its hash is stored)."""
    from kefu.auth.keys import Role, create_key
    from kefu.store.db import session_scope, upgrade_schema

    upgrade_schema()
    with session_scope() as session:
        secret = create_key(session, name, Role(role))
    typer.echo(secret)


@keys_app.command("list")
def keys_list() -> None:
    """List staff API keys (prefix only)."""
    from sqlalchemy import select

    from kefu.store.db import session_scope
    from kefu.store.models import ApiKey

    table = Table("id", "name", "role", "prefix", "created", "revoked")
    with session_scope() as session:
        for key in session.scalars(select(ApiKey).order_by(ApiKey.id)):
            table.add_row(
                str(key.id),
                key.name,
                key.role,
                key.prefix,
                str(key.created_at),
                str(key.revoked_at or ""),
            )
    console.print(table)


@keys_app.command("revoke")
def keys_revoke(key_id: int) -> None:
    """Revoke a staff API key."""
    from kefu.auth.keys import revoke_key
    from kefu.store.db import session_scope

    with session_scope() as session:
        ok = revoke_key(session, key_id)
    if not ok:
        console.print(f"[red]no active key {key_id}[/red]")
        raise typer.Exit(1)
    console.print(f"revoked key {key_id}")


def backup(out: Annotated[Path, typer.Argument(help="Backup file to write")]) -> None:
    """Write a consistent online backup of the SQLite store (PostgreSQL: use pg_dump)."""
    from kefu.config import get_settings
    from kefu.store.backup import BackupError, backup_sqlite

    try:
        size = backup_sqlite(get_settings().resolved_database_url(), out)
    except BackupError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    console.print(f"backup written to {out} ({size / 1e6:.1f} MB)")


def restore(
    path: Annotated[Path, typer.Argument(help="Backup file made by kefu backup")],
    force: Annotated[bool, typer.Option(help="Replace an existing database")] = False,
) -> None:
    """Restore the SQLite store from a backup (stop the server first)."""
    from kefu.config import get_settings
    from kefu.store.backup import BackupError, restore_sqlite
    from kefu.store.db import reset_engines, upgrade_schema

    try:
        restore_sqlite(get_settings().resolved_database_url(), path, force=force)
    except BackupError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    reset_engines()
    upgrade_schema()
    console.print(f"restored from {path}")


def register(app: typer.Typer, eval_app: typer.Typer, train_app: typer.Typer) -> None:
    """Add the store command groups."""
    app.add_typer(db_app, name="db")
    app.add_typer(import_app, name="import")
    app.add_typer(export_app, name="export")
    app.add_typer(keys_app, name="keys")
    app.command("backup")(backup)
    app.command("restore")(restore)
