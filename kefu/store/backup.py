"""Online backup and restore of the SQLite store.

Backups use SQLite's backup API, which copies a consistent snapshot while the server keeps
running (WAL readers and writers are not blocked for long). PostgreSQL deployments use
``pg_dump``/``pg_restore`` instead (see docs/operations.md).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(RuntimeError):
    """The backup or restore cannot be done as asked."""


def sqlite_path(url: str) -> Path:
    """The database file of a SQLite URL; a clear error for other databases."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        raise BackupError(
            f"{parsed.get_backend_name()} store: use pg_dump / pg_restore (see docs/operations.md)"
        )
    return Path(parsed.database)


def backup_sqlite(url: str, dest: Path) -> int:
    """Write a consistent copy of the store to ``dest``; returns its size in bytes."""
    source = sqlite_path(url)
    if not source.exists():
        raise BackupError(f"no database at {source}")
    dest = Path(dest)
    tmp = dest.with_name(dest.name + ".part")
    with sqlite3.connect(source) as src, sqlite3.connect(tmp) as out:
        src.backup(out)
    os.replace(tmp, dest)
    return dest.stat().st_size


def _check_backup(path: Path) -> None:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{path} fails SQLite's integrity check")
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a SQLite database: {exc}") from None
    if not {"alembic_version", "orders", "conversations"} <= tables:
        raise BackupError(f"{path} is not a kefu backup (tables missing)")


def restore_sqlite(url: str, backup: Path, force: bool = False) -> None:
    """Replace the store with ``backup`` (checked first). Stop the server before restoring."""
    target = sqlite_path(url)
    backup = Path(backup)
    if not backup.exists():
        raise BackupError(f"no backup at {backup}")
    _check_backup(backup)
    if target.exists() and not force:
        raise BackupError(f"{target} exists; pass --force to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".restore")
    with sqlite3.connect(backup) as src, sqlite3.connect(tmp) as out:
        src.backup(out)
    for suffix in ("-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    os.replace(tmp, target)
