"""Talking to the chat widget in the browser tests."""

from __future__ import annotations

from playwright.sync_api import FrameLocator, Page, expect


def say(chat: FrameLocator | Page, text: str) -> str:
    """Send one message, wait until the widget says the turn is over (``<body
    data-turn="idle">``, after the whole streamed reply), and return the reply's text."""
    replies = chat.locator(".msg.assistant")
    before = replies.count()
    chat.locator("#input").fill(text)
    chat.locator("#send").click()
    expect(replies).to_have_count(before + 1, timeout=30_000)
    expect(chat.locator("body")).to_have_attribute("data-turn", "idle", timeout=30_000)
    return replies.last.locator(".body").inner_text()
