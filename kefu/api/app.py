"""Application factory. Every module in :mod:`kefu.api.routes` that defines ``router`` is
mounted, so a capability adds its HTTP surface by adding one file."""

from __future__ import annotations

import importlib
import logging
import pkgutil
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Engine

import kefu
from kefu.api import routes
from kefu.api.limits import install_limits
from kefu.config import get_settings
from kefu.logs import setup_logging
from kefu.store.db import get_engine

log = logging.getLogger(__name__)


def warm_up() -> None:
    """Load the encoder and the intent model (training it on first use) before traffic."""
    from kefu.nlu import get_intent_classifier

    started = time.perf_counter()
    get_intent_classifier()
    log.info("language models ready in %.1f s", time.perf_counter() - started)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    from kefu.assistant.flows import load_store_flows

    load_store_flows()  # a bad KEFU_STORE_FLOWS file stops the server here, with the reason
    if app.state.settings.warm_up:
        await run_in_threadpool(warm_up)
        # the conversation assistant with its configured model, so the first chat does not
        # pay for building it (kefu demo plays its history without the model)
        from kefu.assistant.service import warm_assistant

        await run_in_threadpool(warm_assistant, app.state.engine)
    yield


def create_app(engine: Engine | None = None) -> FastAPI:
    """Build the app bound to ``engine`` (default: the configured store)."""
    settings = get_settings()
    setup_logging(settings.log_level, settings.log_json)
    app = FastAPI(
        title="kefu",
        version=kefu.__version__,
        description="Self-hosted AI customer service for online stores (中文 / English).",
        lifespan=_lifespan,
    )
    app.state.engine = engine or get_engine()
    app.state.settings = settings
    install_limits(app, settings)
    for info in sorted(pkgutil.iter_modules(routes.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{routes.__name__}.{info.name}")
        router = getattr(module, "router", None)
        if router is not None:
            app.include_router(router)
    return app
