"""Streamed model wording in the widget: real headless Chromium, a real ``kefu demo`` with
KEFU_LLM_ROLE=converse, and a scripted OpenAI-compatible server that streams slowly."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.conftest import TAU2_DIR
from tests.llm.openai_server import ChatServer
from tests.web.conftest import LiveServer, _free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FIRST = "Thanks for your message!"
STREAMING = re.compile(r"\bstreaming\b")


def _slow_parrot(body: dict[str, Any]) -> str:
    """Each template line, after a checked first sentence and a 5 s pause in the stream."""
    prompt = body["messages"][-1]["content"]
    reference = prompt.split('<data label="reply">\n', 1)[1].split("\n</data>", 1)[0]
    lines = reference.splitlines()
    number, _, text = lines[0].partition(". ")
    out = [f"{number}. {FIRST} <<pause:5>> {text}"]
    out += lines[1:]
    return "\n".join(out)


@pytest.fixture(scope="module")
def slow_model() -> Iterator[ChatServer]:
    with ChatServer() as server:
        server.responder = _slow_parrot
        yield server


@pytest.fixture(scope="module")
def converse_server(
    tmp_path_factory: pytest.TempPathFactory, slow_model: ChatServer
) -> Iterator[LiveServer]:
    data_dir = tmp_path_factory.mktemp("converse")
    port = _free_port()
    env = {
        **os.environ,
        "KEFU_DATA_DIR": str(data_dir),
        "KEFU_TAU2_DIR": str(TAU2_DIR),
        "KEFU_LLM_BACKEND": "openai",
        "KEFU_LLM_BASE_URL": slow_model.base_url,
        "KEFU_LLM_MODEL": "scripted",
        "KEFU_LLM_ROLE": "converse",
        "KEFU_LLM_WORDING_TIMEOUT_S": "30",
        "KEFU_LLM_MAX_RETRIES": "0",
        "KEFU_LOG_LEVEL": "WARNING",
    }
    env.pop("KEFU_DATABASE_URL", None)
    log = (data_dir / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "kefu.cli.main", "demo", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 900  # a loaded 2-core machine warms the demo up slowly
    while time.time() < deadline:
        if proc.poll() is not None:
            raise AssertionError(
                "kefu demo exited: " + (data_dir / "server.log").read_text()[-3000:]
            )
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.5)
    else:
        proc.kill()
        raise AssertionError("kefu demo did not come up in time")
    key = (data_dir / "demo-admin-key.txt").read_text().strip()
    try:
        yield LiveServer(url=url, staff_key=key, data_dir=data_dir)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def test_streamed_tokens_appear_before_the_reply_is_complete(
    page: Page, converse_server: LiveServer, slow_model: ChatServer, shot: Any
) -> None:
    page.goto(f"{converse_server.url}/shop")
    page.locator("#kefu-launcher").click()
    chat = page.frame_locator("#kefu-frame")
    expect(chat.locator("#input")).to_be_visible()
    # the input shows before the widget's conversation is open, and a message sent before
    # that is dropped: wait for the conversation (the server built its assistant at start-up)
    frame = page.locator("#kefu-frame").element_handle().content_frame()
    assert frame is not None
    opened = time.monotonic()
    frame.wait_for_function("() => !!(window.kefuChat && window.kefuChat.state().conv)")
    assert time.monotonic() - opened < 10, "opening the conversation took over 10 s"
    assert not slow_model.requests, "the demo history (or the start-up) called the model"
    replies = chat.locator(".msg.assistant")
    before = replies.count()
    chat.locator("#input").fill("Hello")
    chat.locator("#send").click()
    expect(replies).to_have_count(before + 1, timeout=30_000)
    body = replies.last.locator(".body")
    # the model's first (checked) sentence is on screen while the model is still generating
    expect(body).to_contain_text(FIRST, timeout=180_000)
    partial = body.inner_text()
    assert "How can I help" not in partial, partial
    expect(body).to_have_class(STREAMING)
    shot(page, "widget-streaming-partial")
    # then the rest, and the structured reply ends the stream
    expect(body).to_contain_text("How can I help", timeout=30_000)
    expect(body).not_to_have_class(STREAMING, timeout=30_000)
    final = body.inner_text()
    assert final.startswith(FIRST)
    shot(page, "widget-streaming-done")
    assert slow_model.requests, "the wording went to the model server"
