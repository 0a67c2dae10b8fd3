"""Shoppers in the widget, in headless Chromium against a real kefu demo on 127.0.0.1:
a Chinese shopper follows up on "那个" and sees a ¥ price; an English shopper compares two
variants. Expected prices come from kefu/demo/data/zh_store.json and the tau2 db.json."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.web.conftest import LiveServer
from tests.web.widget import say

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_zh_shopper_under_a_price_then_that_one_in_yuan(
    browser: Browser, live_server: LiveServer, shot: Any
) -> None:
    page = browser.new_context().new_page()
    page.goto(f"{live_server.url}/widget?lang=zh")
    first = say(page, "有没有200元以下的耳机")
    # the Chinese store's earbuds: ¥199 is the only variant under ¥200
    assert "¥199" in first and "$" not in first
    expect(page.locator(".product-card").last).to_contain_text("无线蓝牙耳机")
    expect(page.locator(".product-card").last).to_contain_text("¥199")  # the card's currency
    second = say(page, "那个多少钱")
    assert "¥199" in second and "$" not in second
    assert "邮箱" not in first + second and "邮编" not in first + second
    shot(page, "widget-zh-shopper-that-one")


def test_en_shopper_compares_two_variants(
    browser: Browser, live_server: LiveServer, shot: Any
) -> None:
    page = browser.new_context().new_page()
    page.goto(f"{live_server.url}/widget?lang=en")
    reply = say(page, "which is cheaper, the over-ear or the in-ear headphones?")
    # cheapest in-stock of each: in-ear 7184044281 $344.55, over-ear 7493556126 $346.97
    assert "$344.55" in reply and "$346.97" in reply
    assert "$2.42" in reply and "in-ear" in reply and "over-ear" in reply
    expect(page.locator(".product-card")).to_have_count(2)
    follow = say(page, "is the in-ear one in stock?")
    assert "in stock" in follow and "$344.55" in follow
    shot(page, "widget-en-shopper-compare")
