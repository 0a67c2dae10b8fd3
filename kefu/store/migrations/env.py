"""Alembic environment: runs on the connection kefu hands over (or the configured URL)."""

from alembic import context

from kefu.store.db import get_engine
from kefu.store.models import Base

target_metadata = Base.metadata


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        with get_engine().begin() as conn:
            _migrate(conn)
    else:
        _migrate(connection)


def _migrate(connection):  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
