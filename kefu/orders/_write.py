"""The envelope around every write tool: one transaction, locks, audit and idempotency.

Tools hold only their business rules; this module makes each of them atomic (commit or
roll back as one), serialised against racing writers (row locks on PostgreSQL, the write
lock on SQLite, the order's version column as a backstop), recorded in the audit log with
actor and conversation, and exactly-once under retries with the same idempotency key.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import logging
import uuid
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kefu.orders._access import get_customer, get_order, take_write_lock
from kefu.orders.context import ToolContext
from kefu.orders.errors import ConcurrentUpdate, IdempotencyConflict, OrderError
from kefu.store.db import write_gate
from kefu.store.models import AuditLog, Conversation
from kefu.store.tau2 import order_record, user_record
from kefu.stores import Operation, WriteRequest, WriteState, get_store_backend

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")
Snapshot = Callable[[Session, ToolContext, str], dict[str, Any]]


def _order_snapshot(session: Session, ctx: ToolContext, target_id: str) -> dict[str, Any]:
    return order_record(get_order(session, ctx, target_id, lock=True), with_optional=True)


def _customer_snapshot(session: Session, ctx: ToolContext, target_id: str) -> dict[str, Any]:
    return user_record(get_customer(session, ctx, target_id, lock=True))


_SNAPSHOTS: dict[str, Snapshot] = {"order": _order_snapshot, "customer": _customer_snapshot}


def write_tool(
    target_type: str, target_arg: str | None
) -> Callable[
    [Callable[Concatenate[Session, ToolContext, P], R]],
    Callable[Concatenate[Session, ToolContext, P], R],
]:
    """Wrap a write tool; ``target_arg`` names the argument holding the record it changes."""

    def decorate(
        fn: Callable[Concatenate[Session, ToolContext, P], R],
    ) -> Callable[Concatenate[Session, ToolContext, P], R]:
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def wrapper(session: Session, ctx: ToolContext, /, *args: P.args, **kwargs: P.kwargs) -> R:
            bound = signature.bind(session, ctx, *args, **kwargs)
            arguments = {k: v for k, v in bound.arguments.items() if k not in ("session", "ctx")}
            target_id = str(
                arguments.get(target_arg, "") if target_arg else ctx.conversation_id or ""
            )
            with write_gate(session.get_bind()):  # SQLite: queue behind other writers
                return _run(
                    session,
                    ctx,
                    fn.__name__,
                    target_type,
                    target_id,
                    arguments,
                    lambda: fn(session, ctx, *args, **kwargs),
                )

        wrapper.__kefu_write__ = True  # type: ignore[attr-defined]
        return wrapper

    return decorate


def _run(
    session: Session,
    ctx: ToolContext,
    action: str,
    target_type: str,
    target_id: str,
    arguments: dict[str, Any],
    body: Callable[[], R],
) -> R:
    if session.in_transaction():
        session.commit()  # start from a clean transaction so locks come first
    key = _scoped_key(ctx)
    try:
        take_write_lock(session)
        if key:
            _lock_key(session, key)
            recorded = _recorded(session, key, action, arguments)
            if recorded is not None:
                session.commit()
                return recorded
        snapshot = _SNAPSHOTS.get(target_type)
        before = snapshot(session, ctx, target_id) if snapshot else None
        data = body()
        session.flush()
        after = snapshot(session, ctx, target_id) if snapshot else None
        data = _carry_to_shop(session, ctx, action, target_id, arguments, key, after, data)
        session.add(
            AuditLog(
                actor=ctx.actor,
                conversation_id=ctx.conversation_id,
                action=action,
                target_type=target_type,
                target_id=target_id[:64],
                idempotency_key=key,
                arguments=arguments,
                before=before,
                after=after,
                result={"ok": True, "data": data},
            )
        )
        session.flush()
        session.commit()
        return data
    except OrderError as exc:
        session.rollback()
        _audit_failure(session, ctx, action, target_type, target_id, arguments, exc)
        raise
    except IntegrityError:
        session.rollback()
        if key:
            recorded = _recorded(session, key, action, arguments)
            session.rollback()
            if recorded is not None:
                return recorded  # a concurrent retry with the same key won; its result stands
        raise
    except (StaleDataError, DBAPIError) as exc:
        session.rollback()
        if isinstance(exc, DBAPIError) and not _is_contention(exc):
            raise
        conflict = ConcurrentUpdate()
        _audit_failure(session, ctx, action, target_type, target_id, arguments, conflict)
        raise conflict from exc
    except BaseException:
        session.rollback()
        raise


_STORE_SAYS = {
    ("en", WriteState.DONE): "Done: the store has confirmed the change.",
    ("en", WriteState.REQUESTED): "Requested: the store will confirm the change shortly; "
    "you will get a message here when it does.",
    ("zh", WriteState.DONE): "已完成：商店已确认此更改。",
    ("zh", WriteState.REQUESTED): "已提交：商店稍后会确认此更改，确认后会在这里通知您。",
}


def _carry_to_shop(
    session: Session,
    ctx: ToolContext,
    action: str,
    target_id: str,
    arguments: dict[str, Any],
    key: str | None,
    after: dict[str, Any] | None,
    data: R,
) -> R:
    """Hand the write, already checked against the policy and applied to the mirror, to
    the store backend inside this transaction; a refusal raises and rolls everything back.

    The built-in backend returns the tool's data unchanged; a remote one adds whether the
    shop confirmed (``done``) or will confirm later (``requested``), in the customer's words.
    """
    try:
        operation = Operation(action)
    except ValueError:
        return data  # not a shop operation (handoff)
    backend = get_store_backend()
    language = _language(session, ctx)
    request = WriteRequest(
        operation=operation,
        target_id=target_id,
        arguments=arguments,
        idempotency_key=key or f"kefu-{uuid.uuid4().hex}",
        record=after,
        conversation_id=ctx.conversation_id,
        customer_id=ctx.customer_id,
        language=language or "en",
    )
    outcome = backend.apply(session, request)
    if backend.name == "builtin" or not isinstance(data, dict):
        return data
    told = {
        "store_confirmation": outcome.state.value,
        "store_message": _STORE_SAYS[(language or "en", outcome.state)],
    }
    return {**data, **told}  # type: ignore[return-value]


def _language(session: Session, ctx: ToolContext) -> str:
    """The customer's language for what the shop's answer says: the context's, else the
    conversation's (the assistant's calls name the conversation), else English."""
    if ctx.language in ("zh", "en"):
        return str(ctx.language)
    if ctx.conversation_id:
        conversation = session.get(Conversation, ctx.conversation_id)
        if conversation is not None and conversation.language in ("zh", "en"):
            return str(conversation.language)
    return "en"


def _lock_key(session: Session, key: str) -> None:
    """On PostgreSQL, make a retry with the same key wait for the first attempt to finish,
    so it returns the recorded result instead of re-checking rules against the new state.
    (SQLite writers are already serialised.)"""
    if session.get_bind().dialect.name == "postgresql":
        lock = text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))")
        session.execute(lock, {"key": key})


def _scoped_key(ctx: ToolContext) -> str | None:
    """The stored key: per customer scope, so one customer's key never replays another's."""
    if not ctx.idempotency_key:
        return None
    key = f"{ctx.customer_id}:{ctx.idempotency_key}" if ctx.customer_id else ctx.idempotency_key
    return key if len(key) <= 128 else hashlib.sha256(key.encode()).hexdigest()


def _recorded(session: Session, key: str, action: str, arguments: dict[str, Any]) -> Any:
    """The data recorded for ``key``, or None if the key is new; reuse elsewhere is refused."""
    row = session.scalar(select(AuditLog).where(AuditLog.idempotency_key == key))
    if row is None:
        return None
    if row.action != action or row.arguments != arguments:
        raise IdempotencyConflict()
    return (row.result or {}).get("data")


def _is_contention(exc: DBAPIError) -> bool:
    """Lock timeouts, deadlocks and serialisation failures: the caller may simply retry."""
    text = str(exc.orig).lower()
    return any(
        marker in text
        for marker in (
            "database is locked",
            "deadlock detected",
            "could not serialize",
            "lock timeout",
        )
    )


def _audit_failure(
    session: Session,
    ctx: ToolContext,
    action: str,
    target_type: str,
    target_id: str,
    arguments: dict[str, Any],
    exc: OrderError,
) -> None:
    """Record a refused write too (who tried what); never without the caller's error."""
    try:
        session.add(
            AuditLog(
                actor=ctx.actor,
                conversation_id=ctx.conversation_id,
                action=action,
                target_type=target_type,
                target_id=target_id[:64],
                arguments=arguments,
                result={"ok": False, "code": exc.code, "error": exc.message},
            )
        )
        session.commit()
    except SQLAlchemyError:
        session.rollback()
        log.warning("could not record the refused %s in the audit log", action, exc_info=True)
