"""What people see, in headless Chromium against a real kefu on 127.0.0.1."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.web.conftest import LiveServer
from tests.web.widget import say

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PENDING_ORDER = "#W5918442"
OWNER_EMAIL = "sofia.rossi2645@example.com"
XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


def _order(server: LiveServer, order_id: str) -> dict[str, Any]:
    resp = httpx.post(
        f"{server.url}/v1/tools/get_order_details",
        json={"order_id": order_id},
        headers={"X-API-Key": server.staff_key},
        timeout=30,
    )
    resp.raise_for_status()
    return resp.json()["data"]  # type: ignore[no-any-return]


def test_customer_cancels_order_in_widget_after_explicit_yes(
    page: Page, live_server: LiveServer, shot: Any
) -> None:
    page.goto(f"{live_server.url}/shop")
    page.locator("#kefu-launcher").click()
    chat = page.frame_locator("#kefu-frame")
    expect(chat.locator("#input")).to_be_visible()
    say(chat, f"I want to cancel my order {PENDING_ORDER}")
    say(chat, f"My email is {OWNER_EMAIL}")
    say(chat, "I no longer need it")
    yes = chat.locator(".quick button").first
    expect(yes).to_be_visible(timeout=30_000)
    # the assistant showed the action and waits: nothing has been written yet
    assert _order(live_server, PENDING_ORDER)["status"] == "pending"
    expect(chat.locator(".msg.assistant").last).to_contain_text(PENDING_ORDER)
    shot(page, "widget-cancel-confirmation")
    before = chat.locator(".msg.assistant").count()
    yes.click()
    expect(chat.locator(".msg.assistant")).to_have_count(before + 1, timeout=30_000)
    expect(chat.locator(".msg.assistant").last).to_contain_text("cancel", ignore_case=True)
    assert _order(live_server, PENDING_ORDER)["status"] == "cancelled"
    shot(page, "widget-cancelled")


def test_chinese_policy_question_shows_a_citation(
    page: Page, live_server: LiveServer, shot: Any
) -> None:
    page.goto(f"{live_server.url}/widget?lang=zh")
    say(page, "你们的退货政策是什么？")
    citation = page.locator(".citations cite").first
    expect(citation).to_be_visible(timeout=30_000)
    assert citation.inner_text().strip()
    expect(page.locator("#send")).to_have_text("发送")
    shot(page, "widget-zh-citation")


def _console(browser: Browser, server: LiveServer) -> Page:
    agent = browser.new_context().new_page()
    agent.goto(f"{server.url}/console")
    agent.locator("#key").fill(server.staff_key)
    agent.locator("#login button[type=submit]").click()
    expect(agent.locator("#app")).to_be_visible()
    return agent


def _conversation_id(page: Page) -> str:
    state = page.evaluate("window.kefuChat.state()")
    return str(state["conv"]["conversation_id"])


def test_handoff_agent_claims_replies_and_customer_sees_it(
    browser: Browser, live_server: LiveServer, shot: Any
) -> None:
    customer = browser.new_context().new_page()
    customer.goto(f"{live_server.url}/widget?lang=en")
    say(customer, "Where is my refund? I need help.")
    customer.locator("#human").click()
    expect(customer.locator(".msg.system").last).to_be_visible(timeout=30_000)
    conv_id = _conversation_id(customer)

    agent = _console(browser, live_server)
    item = agent.locator(f'.queue-item[data-conversation-id="{conv_id}"]')
    expect(item).to_be_visible(timeout=15_000)
    item.click()
    expect(agent.locator("#summary")).not_to_be_empty()
    expect(agent.locator("#brief-box")).to_be_hidden()  # no model: the rules summary alone
    agent.locator("#claim").click()
    expect(agent.locator("#conv-status")).to_contain_text("Claimed")
    agent.locator("#reply").fill("Hello, this is Mei from support. I am checking your refund now.")
    agent.locator("#reply-form button[type=submit]").click()
    expect(agent.locator("#conv-status")).to_have_text("Sent.")
    shot(agent, "console-claimed-reply")

    expect(customer.locator(".msg.agent").last).to_contain_text(
        "checking your refund", timeout=15_000
    )
    shot(customer, "widget-agent-reply")

    # a second agent cannot take the same conversation
    other = httpx.post(
        f"{live_server.url}/v1/handoffs/{conv_id}/claim",
        headers={"X-API-Key": live_server.staff_key},
        timeout=30,
    )
    assert other.status_code == 409

    # closing asks the customer for a rating, which is recorded
    agent.locator("#close").click()
    expect(agent.locator("#conv-status")).to_contain_text("Closed")
    stars = customer.locator(".csat button")
    expect(stars).to_have_count(5, timeout=15_000)
    stars.nth(4).click()
    expect(customer.locator(".csat")).to_contain_text("Thank you")
    shot(customer, "widget-csat")
    report = httpx.get(
        f"{live_server.url}/v1/analytics/support",
        headers={"X-API-Key": live_server.staff_key},
        timeout=30,
    ).json()
    assert report["csat_responses"] >= 1


def test_xss_payload_is_shown_as_text_in_widget_and_console(
    browser: Browser, live_server: LiveServer, shot: Any
) -> None:
    customer = browser.new_context().new_page()
    customer.goto(f"{live_server.url}/widget?lang=en")
    say(customer, XSS)
    expect(customer.locator(".msg.customer").last.locator(".body")).to_have_text(XSS)
    customer.locator("#human").click()
    expect(customer.locator(".msg.system").last).to_be_visible(timeout=30_000)
    conv_id = _conversation_id(customer)

    agent = _console(browser, live_server)
    # a model's brief is untrusted text too (the demo runs without a model: its answer is
    # played here by the browser, the page's rendering is what is tested)
    agent.route(
        "**/brief", lambda route: route.fulfill(json={"text": XSS, "source": "model", "note": ""})
    )
    agent.locator(f'.queue-item[data-conversation-id="{conv_id}"]').click()
    bubble = agent.locator("#transcript .msg.customer .body").first
    expect(bubble).to_have_text(XSS)
    expect(agent.locator("#brief")).to_have_text(XSS)
    assert agent.locator("#brief-box img").count() == 0
    assert agent.locator("#transcript img").count() == 0
    assert agent.locator("#queue img").count() == 0
    assert customer.evaluate("window.__xss") is None
    assert agent.evaluate("window.__xss") is None
    shot(agent, "console-xss-as-text")


def test_dashboard_renders_its_charts(page: Page, live_server: LiveServer, shot: Any) -> None:
    page.goto(f"{live_server.url}/dashboard")
    page.locator("#key").fill(live_server.staff_key)
    page.locator("#login button[type=submit]").click()
    expect(page.locator("#app")).to_be_visible()
    for chart in (
        "chart-daily",
        "chart-reasons",
        "chart-intents",
        "chart-sentiment",
        "chart-segments",
        "chart-clv",
    ):
        expect(page.locator(f"#{chart}[data-rendered=true] canvas")).to_have_count(
            1, timeout=15_000
        )
    assert page.locator("#kpi-conversations").inner_text() != "–"
    # the demo's reviews contain a burst of complaints about one product: a 舆情 alert
    expect(page.locator("#alerts tbody tr")).not_to_have_count(0, timeout=15_000)
    shot(page, "dashboard")


def test_risk_review_queue_lists_reasons_and_takes_a_decision(
    page: Page, live_server: LiveServer, shot: Any
) -> None:
    page.goto(f"{live_server.url}/console/risk")
    page.locator("#key").fill(live_server.staff_key)
    page.locator("#login button[type=submit]").click()
    rows = page.locator("#queue tbody tr[data-order-id]")
    expect(rows.first).to_be_visible(timeout=15_000)
    count = rows.count()
    first = rows.first
    order_id = first.get_attribute("data-order-id")
    assert first.locator("li").count() >= 1  # at least one explained reason
    shot(page, "risk-review-queue")
    first.get_by_role("button", name="Legitimate").click()
    expect(page.locator("#status")).to_contain_text(f"{order_id} marked legitimate")
    expect(page.locator(f'#queue tbody tr[data-order-id="{order_id}"]')).to_have_count(0)
    expect(rows).to_have_count(count - 1)
