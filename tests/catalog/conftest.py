"""A demo-like store: the tau2 catalogue (USD) and the Chinese demo store (CNY) side by side."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kefu.store.db import session_factory


@pytest.fixture
def demo_engine(sqlite_tau2_engine: Engine) -> Engine:
    from kefu.demo.loader import ZH_STORE
    from kefu.store.importer import import_bundle

    with session_factory(sqlite_tau2_engine)() as session:
        import_bundle(session, ZH_STORE)
        session.commit()
    return sqlite_tau2_engine


@pytest.fixture
def demo_session(demo_engine: Engine) -> Iterator[Session]:
    with session_factory(demo_engine)() as session:
        yield session
