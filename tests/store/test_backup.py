"""kefu backup / restore round-trips the SQLite store and refuses bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from kefu.cli.main import app
from kefu.store.db import reset_engines, session_factory
from kefu.store.models import Order

runner = CliRunner()


def test_backup_then_restore_brings_back_the_data(
    sqlite_tau2_engine: Engine, tmp_path: Path
) -> None:
    backup = tmp_path / "b.db"
    result = runner.invoke(app, ["backup", str(backup)])
    assert result.exit_code == 0, result.output
    with session_factory(sqlite_tau2_engine)() as s:
        order = s.get(Order, "#W2611340")
        assert order is not None
        order.status = "cancelled"
        s.commit()
    reset_engines()
    assert runner.invoke(app, ["restore", str(backup)]).exit_code == 1  # exists, no --force
    result = runner.invoke(app, ["restore", str(backup), "--force"])
    assert result.exit_code == 0, result.output
    from kefu.store.db import get_engine

    with session_factory(get_engine())() as s:
        assert s.get(Order, "#W2611340").status == "processed"  # type: ignore[union-attr]


def test_restore_rejects_files_that_are_not_kefu_backups(
    sqlite_tau2_engine: Engine, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    result = runner.invoke(app, ["restore", str(junk), "--force"])
    assert result.exit_code == 1 and "not a SQLite database" in " ".join(result.output.split())


def test_backup_of_postgres_points_to_pg_dump(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("KEFU_DATABASE_URL", "postgresql+psycopg://u:p@127.0.0.1/db")
    from kefu.config import get_settings

    get_settings.cache_clear()
    result = runner.invoke(app, ["backup", str(tmp_path / "x")])
    assert result.exit_code == 1 and "pg_dump" in " ".join(result.output.split())
