"""The store's later answer to a queued write reaches the open widget, in headless Chromium
against a real kefu demo: once a turn tells the widget that the shop owes this conversation
an answer (``store_pending``), the widget polls, and the notice written by the outbox when
the shop confirms (``kefu.stores.outbox.settle``, the code ``kefu sync`` runs) appears as a
"Store update", apart from the assistant's replies."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from kefu.store.models import utcnow
from kefu.stores.models import OutboxMessage
from kefu.stores.outbox import Delivery, settle
from tests.web.conftest import LiveServer
from tests.web.widget import say

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_store_confirmation_arrives_in_the_open_widget(
    browser: Browser, live_server: LiveServer, shot: Any
) -> None:
    page = browser.new_context().new_page()
    page.goto(f"{live_server.url}/widget?lang=en")
    say(page, "hello")
    cid = page.evaluate("window.kefuChat.state().conv.conversation_id")
    assert cid
    engine = create_engine(f"sqlite:///{live_server.data_dir / 'kefu.db'}")
    key = f"browser-notice-{cid}"
    try:
        with Session(engine) as s, s.begin():  # a write queued for the shop by this chat
            s.add(
                OutboxMessage(
                    idempotency_key=key,
                    backend="webhook",
                    operation="cancel_pending_order",
                    target_id="#W0000001",
                    conversation_id=cid,
                    payload={"language": "en"},
                )
            )
        say(page, "thanks")  # the turn's sync tells the widget the store owes an answer
        page.wait_for_function("window.kefuChat.state().storePending > 0", timeout=10_000)
        expect(page.locator(".msg.store")).to_have_count(0)
        with Session(engine) as s, s.begin():  # the shop confirms; the outbox posts it
            row = s.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == key))
            assert row is not None
            settle(s, row, Delivery(outcome="applied", response={"status": "applied"}), utcnow())
        notice = page.locator(".msg.store")
        expect(notice).to_have_count(1, timeout=15_000)  # polled, not typed for
        expect(notice).to_contain_text("#W0000001")
        expect(notice).to_contain_text("confirmed")
        expect(notice.locator(".who")).to_have_text("Store update")
        expect(page.locator(".msg.assistant")).to_have_count(2)  # the notice is not a reply
        page.wait_for_function("window.kefuChat.state().storePending === 0", timeout=10_000)
        shot(page, "widget-store-notice")
    finally:
        engine.dispose()
