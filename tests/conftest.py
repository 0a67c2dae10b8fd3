"""Shared fixtures: real SQLite and PostgreSQL stores, empty or loaded with tau2 retail.

A template database is built once per run (schema via Alembic, optionally the tau2 store);
each test gets a fresh copy: a file copy for SQLite, ``CREATE DATABASE ... TEMPLATE`` for
PostgreSQL. PostgreSQL tests need ``KEFU_TEST_PG_URL`` (``make test`` starts a server and
sets it); outside CI they are skipped without it, in CI its absence is an error.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from kefu.config import get_settings
from kefu.store.db import (
    checkpoint_sqlite,
    make_engine,
    reset_engines,
    session_factory,
    upgrade_schema,
)

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
TAU2_DIR = SHARED / "tau2-retail"
TAU2_DB = TAU2_DIR / "db.json"
PG_URL = os.environ.get("KEFU_TEST_PG_URL", "")
BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test runs with its own data dir and default settings."""
    monkeypatch.setenv("KEFU_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("KEFU_DATABASE_URL", raising=False)
    monkeypatch.setenv("KEFU_WARM_UP", "0")  # models load on first use in tests
    get_settings.cache_clear()
    yield
    reset_engines()
    get_settings.cache_clear()


def _require_pg() -> str:
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("KEFU_TEST_PG_URL is not set in CI: PostgreSQL tests must run")
        pytest.skip("PostgreSQL not configured (set KEFU_TEST_PG_URL or use make test)")
    return PG_URL


def _load_tau2(engine: Engine) -> None:
    from kefu.store.tau2 import import_tau2, load_db_json

    with session_factory(engine)() as session:
        import_tau2(session, load_db_json(TAU2_DB))
        session.commit()


class _Templates:
    """Template databases built lazily, once per test run."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.sqlite: dict[str, Path] = {}
        self.pg: dict[str, str] = {}

    def sqlite_template(self, kind: str) -> Path:
        if kind not in self.sqlite:
            path = self.workdir / f"template-{kind}.db"
            engine = make_engine(f"sqlite:///{path}")
            upgrade_schema(engine)
            if kind == "tau2":
                _load_tau2(engine)
            checkpoint_sqlite(engine)
            engine.dispose()
            self.sqlite[kind] = path
        return self.sqlite[kind]

    def pg_template(self, kind: str) -> str:
        if kind not in self.pg:
            name = f"kefu_tpl_{kind}_{os.getpid()}"
            _pg_admin(f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
            url = make_url(_require_pg()).set(database=name).render_as_string(hide_password=False)
            engine = make_engine(url)
            upgrade_schema(engine)
            if kind == "tau2":
                _load_tau2(engine)
            engine.dispose()
            self.pg[kind] = name
        return self.pg[kind]

    def drop_all(self) -> None:
        for name in self.pg.values():
            _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_admin(*statements: str) -> None:
    admin = create_engine(_require_pg(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for stmt in statements:
            conn.execute(text(stmt))
    admin.dispose()


@pytest.fixture(scope="session")
def _templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Templates]:
    templates = _Templates(tmp_path_factory.mktemp("templates"))
    yield templates
    if templates.pg:
        templates.drop_all()


def _fresh_url(templates: _Templates, backend: str, kind: str, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        path = tmp_path / f"kefu-{kind}.db"
        shutil.copyfile(templates.sqlite_template(kind), path)
        yield f"sqlite:///{path}"
        return
    template = templates.pg_template(kind)
    name = f"kefu_t_{uuid.uuid4().hex[:12]}"
    _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield make_url(_require_pg()).set(database=name).render_as_string(hide_password=False)
    finally:
        reset_engines()
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _engine_for(url: str, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """Point the settings at ``url`` too, so code that opens its own engine sees this store."""
    monkeypatch.setenv("KEFU_DATABASE_URL", url)
    get_settings.cache_clear()
    reset_engines()
    from kefu.store.db import get_engine

    return get_engine(url)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Each test using a store runs once on SQLite and once on PostgreSQL."""
    if request.param == "postgres":
        _require_pg()
    return str(request.param)


@pytest.fixture
def store_url(_templates: _Templates, backend: str, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh, empty, migrated store."""
    yield from _fresh_url(_templates, backend, "empty", tmp_path)


@pytest.fixture
def tau2_url(_templates: _Templates, backend: str, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh store loaded with the tau2 retail data."""
    yield from _fresh_url(_templates, backend, "tau2", tmp_path)


@pytest.fixture
def engine(store_url: str, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """Engine on a fresh, empty store (both backends)."""
    return _engine_for(store_url, monkeypatch)


@pytest.fixture
def tau2_engine(tau2_url: str, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """Engine on a fresh tau2 store (both backends)."""
    return _engine_for(tau2_url, monkeypatch)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on an empty store."""
    with session_factory(engine)() as s:
        yield s


@pytest.fixture
def tau2_session(tau2_engine: Engine) -> Iterator[Session]:
    """A session on a tau2 store."""
    with session_factory(tau2_engine)() as s:
        yield s


@pytest.fixture
def sqlite_tau2_engine(
    _templates: _Templates, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Engine:
    """A tau2 store on SQLite only, for tests whose subject is not the database."""
    url = next(_fresh_url(_templates, "sqlite", "tau2", tmp_path))
    return _engine_for(url, monkeypatch)


@pytest.fixture(scope="session")
def tau2_data() -> dict:  # type: ignore[type-arg]
    """The reference tau2 retail db.json, parsed."""
    from kefu.store.tau2 import load_db_json

    return load_db_json(TAU2_DB)


@pytest.fixture(scope="session")
def local_llm() -> Any:
    """The real 0.5B model (Qwen2.5-Coder via llama.cpp), loaded once for the whole run.

    ``make test`` builds llama-cpp-python and fetches the model (``make llm``): in CI its
    absence fails the run; elsewhere the tests that need it are skipped.
    """
    from kefu.llm.local import LocalLlama
    from kefu.llm.models import ModelError, get_spec, model_path, verify

    spec = get_spec("0.5b")
    path = model_path(spec.name)
    try:
        import llama_cpp  # noqa: F401

        verify(spec, path, full=False)
    except (ImportError, ModelError) as exc:
        if os.environ.get("CI"):
            pytest.fail(f"the local model must be available in CI (make llm): {exc}")
        pytest.skip(f"local model not available (run `make llm`): {exc}")
    return LocalLlama(path, n_ctx=2048, name=spec.name)


@pytest.fixture(scope="session")
def local_model(local_llm: Any) -> Any:
    """The same model under the name the assistant and attack tests use."""
    return local_llm
