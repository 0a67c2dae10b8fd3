"""The store database: catalogue, customers, orders and the support desk."""

from kefu.store.db import get_engine, session_scope, upgrade_schema

__all__ = ["get_engine", "session_scope", "upgrade_schema"]
