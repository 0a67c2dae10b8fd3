"""A test shop for the store backends: kefu's mirror (both databases) and, for the
webhook backend, a real HTTP shop on 127.0.0.1 in a thread."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kefu.config import get_settings
from kefu.store.db import session_factory
from kefu.stores import use_backend
from kefu.stores.signing import verify
from tests.orders.conftest import build_shop

SECRET = "shop-test-secret"


@pytest.fixture
def shop_engine(engine: Engine) -> Engine:
    with session_factory(engine)() as session:
        build_shop(session)
    return engine


@pytest.fixture
def shop(shop_engine: Engine) -> Iterator[Session]:
    with session_factory(shop_engine)() as session:
        yield session


@pytest.fixture(autouse=True)
def _no_backend_override() -> Iterator[None]:
    yield
    use_backend(None)


@dataclass
class FakeShop:
    """A custom shop's endpoint: verifies kefu's signature, applies each idempotency key
    once, and can be told to be down, slow, failing, rate-limiting or refusing."""

    mode: str = "ok"  # ok | slow | 500 | 429 | refuse | garbage
    delay_s: float = 0.0
    applied: dict[str, int] = field(default_factory=dict)
    received: list[dict[str, Any]] = field(default_factory=list)
    bad_signatures: int = 0
    server: ThreadingHTTPServer | None = None
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/kefu/writes"

    def handle(self, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if not verify(SECRET, body, headers.get("x-kefu-signature")):
            self.bad_signatures += 1
            return 401, {"reason": "bad signature"}
        payload = json.loads(body)
        self.received.append(payload)
        key = headers.get("idempotency-key", "")
        if self.mode == "500":
            return 500, {"error": "Traceback (most recent call last): boom"}
        if self.mode == "429":
            return 429, {"error": "slow down"}
        if self.mode == "refuse":
            return 422, {"status": "refused", "reason": "Order already shipped from warehouse"}
        if self.mode == "garbage":
            return 400, {"errors": [{"code": "X", "detail": {"nested": True}}]}
        if key not in self.applied:
            self.applied[key] = 0
        if self.applied[key] == 0:
            self.applied[key] = 1  # applied once, however often it is delivered
        if self.mode == "slow":
            time.sleep(self.delay_s)
        return 200, {"status": "applied", "reference": f"shop-{len(self.applied)}"}

    def start(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status, data = fake.handle(body, {k.lower(): v for k, v in self.headers.items()})
                out = json.dumps(data).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(out)))
                    self.end_headers()
                    self.wfile.write(out)
                except OSError:
                    pass  # the client gave up (timeout test)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@pytest.fixture
def fake_shop(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeShop]:
    """A running fake shop, with kefu configured to use the webhook backend against it."""
    shop = FakeShop()
    shop.start()
    monkeypatch.setenv("KEFU_STORE_BACKEND", "webhook")
    monkeypatch.setenv("KEFU_STORE_URL", shop.url)
    monkeypatch.setenv("KEFU_STORE_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("KEFU_STORE_TIMEOUT_S", "0.5")
    get_settings.cache_clear()
    yield shop
    shop.stop()


# the live Medusa v2 for tests/stores/test_medusa.py
from tests.stores.medusa_fixtures import medusa, medusa_shop, mirror  # noqa: E402, F401
