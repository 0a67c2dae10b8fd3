"""Engine, sessions and schema migrations for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
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


class WriteGate:
    """Queues SQLite write transactions: one writer at a time, waiters woken at once.

    SQLite lets one writer in and makes the others poll (its busy handler sleeps up to
    100 ms between tries), so under many concurrent turns the database sits idle while
    every waiter sleeps, and a writer can starve past the busy timeout. The gate orders
    writers before they reach SQLite: threads of this process queue on a lock, API worker
    processes on an advisory ``flock`` of ``<database>.writegate`` (released by the kernel
    if a process dies, so kill -9 leaves nothing stuck). Re-entrant within a thread: a write
    tool called inside an assistant turn that already holds it just goes on.
    """

    def __init__(self, lock_path: Path | None) -> None:
        self._lock = threading.RLock()
        self._depth = 0  # only touched by the thread holding ``_lock``
        self._path = lock_path
        self._fd: int | None = None
        self._fd_pid = 0

    def _file(self) -> int | None:
        if self._path is None:
            return None
        if self._fd is None or self._fd_pid != os.getpid():  # a forked worker opens its own
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            self._fd_pid = os.getpid()
        return self._fd

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Hold the gate for one write unit (a transaction, or a turn of several)."""
        import fcntl

        with self._lock:
            self._depth += 1
            fd = self._file() if self._depth == 1 else None
            try:
                if fd is not None:
                    fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                if fd is not None:
                    fcntl.flock(fd, fcntl.LOCK_UN)
                self._depth -= 1


_GATES: dict[str, WriteGate] = {}
_GATES_LOCK = threading.Lock()


def write_gate(bind: Any) -> AbstractContextManager[None]:
    """Hold while writing through ``bind`` (an engine, connection or session's bind).

    SQLite: the :class:`WriteGate` of that database file. PostgreSQL: nothing to do (row
    locks and the version check serialise writers there).
    """
    engine = getattr(bind, "engine", bind)
    url = engine.url
    if url.get_backend_name() != "sqlite":
        return nullcontext()
    key = url.render_as_string(hide_password=True)
    with _GATES_LOCK:
        gate = _GATES.get(key)
        if gate is None:
            database = url.database or ""
            on_disk = database not in ("", ":memory:") and not database.startswith("file:")
            gate = _GATES[key] = WriteGate(Path(database + ".writegate") if on_disk else None)
    return gate.hold()


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
