"""Engine, sessions and schema migrations for SQLite (default) and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from kefu.config import get_settings


def _configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, a busy timeout, and real transactions (BEGIN emitted by us).

    pysqlite defers BEGIN until the first write, so two sessions could both decide to write
    from the same snapshot; emitting BEGIN ourselves makes every session a real transaction
    and lets the order version check catch racing writes. Connections of a
    :func:`writer_engine` begin with ``BEGIN IMMEDIATE`` instead (see there).
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(IMMEDIATE_OPTION)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def writer_engine(engine: Engine) -> Engine:
    """The same engine, but its SQLite transactions take the write lock when they begin.

    For read-then-write units such as an assistant turn: a deferred SQLite transaction that
    read first and writes after another writer committed fails at once with "database is
    locked" (SQLITE_BUSY_SNAPSHOT), whatever the busy timeout; ``BEGIN IMMEDIATE`` makes
    concurrent turns queue on the busy timeout instead. Keep such transactions short, and do
    not open a second writing session inside one (it would wait for the first). No effect on
    PostgreSQL, where row locks and the version check do this job.
    """
    return engine.execution_options(**{IMMEDIATE_OPTION: True})


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """Create an engine for ``url`` (default: the configured store)."""
    settings = get_settings()
    url = url or settings.resolved_database_url()
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            echo=settings.db_echo,
            connect_args={"check_same_thread": False, "timeout": 30},
            **kwargs,
        )
        _configure_sqlite(engine)
    else:
        engine = create_engine(
            url,
            echo=settings.db_echo,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_pool_size,
            pool_pre_ping=True,
            **kwargs,
        )
    return engine


_ENGINES: dict[str, Engine] = {}
IMMEDIATE_OPTION = "kefu_sqlite_immediate"


def get_engine(url: str | None = None) -> Engine:
    """Process-wide engine per URL (one connection pool per process)."""
    url = url or get_settings().resolved_database_url()
    if url not in _ENGINES:
        _ENGINES[url] = make_engine(url)
    return _ENGINES[url]


def session_factory(engine: Engine | None = None) -> sessionmaker[Session]:
    """A sessionmaker bound to ``engine`` (default: the configured store)."""
    return sessionmaker(bind=engine or get_engine(), expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error."""
    session = session_factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def upgrade_schema(engine: Engine | None = None, revision: str = "head") -> None:
    """Bring the database schema to ``revision`` with Alembic."""
    from alembic import command
    from alembic.config import Config

    engine = engine or get_engine()
    cfg = Config()
    cfg.set_main_option("script_location", "kefu.store:migrations")
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def checkpoint_sqlite(engine: Engine) -> None:
    """Fold the WAL into the main file so the file alone can be copied (no transaction open)."""
    raw = engine.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]
    finally:
        raw.close()


def reset_engines() -> None:
    """Dispose cached engines (after settings change, in tests and forked workers)."""
    for engine in _ENGINES.values():
        engine.dispose()
    _ENGINES.clear()
