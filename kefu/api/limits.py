"""Protective limits applied to every request: body size, rate, and database outages.

- Bodies over the limit get 413 before the handler runs (checked on ``Content-Length`` and
  again while reading a chunked body). Knowledge uploads have their own, larger limit.
  A JSON body that is not UTF-8 gets 422 saying so.
- A token bucket per staff key, per customer token and per client address answers 429 with
  ``Retry-After`` when exhausted. Buckets live in the worker's memory: with N workers the
  effective limit is up to N times higher (a shared store is the path for strict limits).
- A database that cannot be reached answers 503 with ``Retry-After``; the pool reconnects
  by itself (``pool_pre_ping``), so recovery needs no restart.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)


class BodyLimitMiddleware:
    """413 for request bodies over ``max_bytes`` (``upload_bytes`` under ``upload_prefix``)."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, upload_bytes: int, upload_prefix: str = "/v1/knowledge"
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_bytes = upload_bytes
        self.upload_prefix = upload_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = (
            self.upload_bytes if scope["path"].startswith(self.upload_prefix) else self.max_bytes
        )
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared < 0 or declared > limit:
                    await _too_large(scope, receive, send, limit)
                    return
        headers = scope.get("headers", [])
        is_json = any(n == b"content-type" and b"json" in v.lower() for n, v in headers)
        sized = any(n == b"content-length" for n, _ in headers)
        if scope["method"] in ("GET", "HEAD", "OPTIONS") or (sized and not is_json):
            await self.app(scope, receive, send)
            return
        # A chunked body has no declared size: read it (up to the limit) before the app does.
        # JSON bodies are read too (they are small), to refuse bytes that are not UTF-8 with
        # a clear 422 instead of a parser's generic 400.
        buffered: list[Message] = []
        seen = 0
        while True:
            message = await receive()
            buffered.append(message)
            if message["type"] != "http.request":
                break
            seen += len(message.get("body", b""))
            if seen > limit:
                await _too_large(scope, receive, send, limit)
                return
            if not message.get("more_body", False):
                break
        if is_json:
            try:
                b"".join(m.get("body", b"") for m in buffered).decode("utf-8")
            except UnicodeDecodeError as exc:
                await _not_utf8(scope, receive, send, exc.start)
                return

        async def replay() -> Message:
            return buffered.pop(0) if buffered else await receive()

        await self.app(scope, replay, send)


async def _not_utf8(scope: Scope, receive: Receive, send: Send, offset: int) -> None:
    response = JSONResponse(
        {
            "detail": f"request body is not valid UTF-8 (bad byte at offset {offset}); "
            "send JSON encoded as UTF-8"
        },
        status_code=422,
    )
    await response(scope, receive, send)


async def _too_large(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    response = JSONResponse(
        {"detail": f"request body too large (limit {limit} bytes)"}, status_code=413
    )
    await response(scope, receive, send)


class TokenBuckets:
    """Thread-safe token buckets keyed by caller identity (bounded LRU of keys)."""

    def __init__(self, rate_per_s: float, burst: int, max_keys: int = 100_000) -> None:
        self.rate = rate_per_s
        self.burst = burst
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: str, now: float | None = None) -> float:
        """0 when allowed, else the seconds to wait for the next token."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.pop(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            wait = 0.0
            if tokens >= 1:
                tokens -= 1
            else:
                wait = (1 - tokens) / self.rate
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
            return wait


def _identity(request: Request) -> list[str]:
    keys = []
    api_key = request.headers.get("x-api-key")
    if api_key:
        keys.append("key:" + hashlib.sha256(api_key.encode()).hexdigest()[:24])
    auth = request.headers.get("authorization")
    if auth:
        keys.append("tok:" + hashlib.sha256(auth.encode()).hexdigest()[:24])
    keys.append("ip:" + (request.client.host if request.client else "unknown"))
    return keys


def install_limits(app: FastAPI, settings: Any) -> None:
    """Add body limits, rate limits and the database-outage handler to ``app``."""
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        upload_bytes=settings.max_upload_bytes,
    )
    per_caller = TokenBuckets(settings.rate_limit_per_s, settings.rate_limit_burst)
    per_address = TokenBuckets(
        settings.rate_limit_per_s * settings.rate_limit_ip_factor,
        settings.rate_limit_burst * settings.rate_limit_ip_factor,
    )
    app.state.rate_limits = (per_caller, per_address)

    @app.middleware("http")
    async def rate_limit(request: Request, call_next: Any) -> Any:
        if settings.rate_limit_per_s > 0 and request.url.path.startswith("/v1/"):
            for ident in _identity(request):
                bucket = per_address if ident.startswith("ip:") else per_caller
                wait = bucket.take(ident)
                if wait > 0:
                    return JSONResponse(
                        {"detail": "rate limit exceeded, slow down"},
                        status_code=429,
                        headers={"Retry-After": str(max(1, round(wait)))},
                    )
        return await call_next(request)

    @app.exception_handler(OperationalError)
    @app.exception_handler(PoolTimeout)
    async def database_unavailable(request: Request, exc: Exception) -> JSONResponse:
        log.warning("database unavailable: %s", type(exc).__name__)
        return JSONResponse(
            {"detail": "database unavailable, try again shortly"},
            status_code=503,
            headers={"Retry-After": "2"},
        )

    @app.exception_handler(DBAPIError)
    async def database_error(request: Request, exc: DBAPIError) -> JSONResponse:
        if exc.connection_invalidated:
            return await database_unavailable(request, exc)
        raise exc
