"""Enumerate the app's HTTP routes (including those of included routers) with their methods."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute


def _walk(routes: list[Any], prefix: str) -> Iterator[tuple[str, str]]:
    for route in routes:
        if isinstance(route, APIRoute):
            for method in sorted((route.methods or set()) - {"HEAD"}):
                yield method, prefix + route.path
        elif hasattr(route, "original_router"):  # FastAPI's lazily included router
            context = getattr(route, "include_context", None)
            yield from _walk(route.original_router.routes, prefix + getattr(context, "prefix", ""))
        elif hasattr(route, "routes"):
            yield from _walk(list(route.routes), prefix + getattr(route, "path", ""))


def api_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path) under ``/v1``, sorted and without duplicates."""
    return sorted({(m, p) for m, p in _walk(list(app.routes), "") if p.startswith("/v1")})
