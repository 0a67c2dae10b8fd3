"""A template demo store on SQLite (the tau2 store and the Chinese catalogue, as `kefu demo`
loads them), copied fresh for each scripted conversation."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import Engine

from kefu.config import get_settings
from kefu.store.db import checkpoint_sqlite, make_engine, session_factory, upgrade_schema


def build_template(path: Path) -> Path:
    """Create (once) a migrated SQLite store loaded with the tau2 data and the zh catalogue."""
    if path.exists():
        return path
    from kefu.store.tau2 import import_tau2, load_db_json

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{tmp}")
    upgrade_schema(engine)
    with session_factory(engine)() as session:
        import_tau2(session, load_db_json(get_settings().tau2_dir / "db.json"))
        from kefu.demo.loader import ZH_STORE
        from kefu.store.importer import import_bundle

        import_bundle(session, ZH_STORE)  # the zh shop's products (CNY), as in the demo
        session.commit()
    _add_knowledge(engine, path.parent)
    checkpoint_sqlite(engine)
    engine.dispose()
    tmp.rename(path)
    return path


def fresh_store(template: Path, target: Path) -> Engine:
    """A copy of the template as a new engine (each conversation starts from the same data)."""
    shutil.copyfile(template, target)
    return make_engine(f"sqlite:///{target}")


def _add_knowledge(engine: Engine, workdir: Path) -> None:
    """The demo's FAQ and the tau2 policy, as the demo store has them (for policy questions)."""
    from kefu.demo.loader import KNOWLEDGE
    from kefu.knowledge import KnowledgeBase

    policy = get_settings().tau2_dir / "policy.md"
    kb = KnowledgeBase(engine, workdir / "template-kb")
    report = kb.ingest_paths([KNOWLEDGE, *([policy] if policy.exists() else [])])
    if not report.ok:
        raise RuntimeError(f"demo knowledge failed to ingest: {report.errors}")
