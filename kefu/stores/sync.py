"""``kefu sync``: deliver what the outbox owes the shop, then pull what webhooks missed.

Pulled changes go through the same :func:`~kefu.stores.mirror.apply_event` as webhooks, so
a change seen twice (webhook and sync) is applied once and an older one never wins. The
cursor (the newest change time seen) is kept per backend in ``store_entity_versions``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine

from kefu.store.db import session_factory, write_gate
from kefu.store.models import utcnow
from kefu.stores import StoreBackend, get_store_backend
from kefu.stores.mirror import MirrorError, apply_event
from kefu.stores.models import EntityVersion
from kefu.stores.outbox import DeliveryReport, deliver_due

log = logging.getLogger(__name__)

#: re-read this far before the cursor, so a change committed late at the shop is not missed
OVERLAP = timedelta(minutes=5)


@dataclass
class SyncReport:
    outbox: DeliveryReport
    applied: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def sync_once(
    engine: Engine, backend: StoreBackend | None = None, *, full: bool = False
) -> SyncReport:
    """One reconcile pass (the periodic job runs this every interval)."""
    store = backend or get_store_backend()
    report = SyncReport(outbox=deliver_due(engine))
    started = utcnow()
    with session_factory(engine)() as session:
        cursor = session.get(EntityVersion, ("cursor", store.name))
        since = None if full or cursor is None else datetime.fromisoformat(cursor.version)
    for event in store.changes(since - OVERLAP if since else None):
        with session_factory(engine)() as session, write_gate(engine):
            try:
                result = apply_event(session, event, source=f"sync:{store.name}")
                session.commit()
            except MirrorError as exc:
                session.rollback()
                report.errors.append(str(exc))
                continue
        if result.outcome == "applied":
            report.applied += 1
        else:
            report.unchanged += 1
    with session_factory(engine)() as session, write_gate(engine):
        row = session.get(EntityVersion, ("cursor", store.name))
        if row is None:
            session.add(
                EntityVersion(
                    entity_type="cursor", entity_id=store.name, version=started.isoformat()
                )
            )
        else:
            row.version = started.isoformat()
        session.commit()
    return report
