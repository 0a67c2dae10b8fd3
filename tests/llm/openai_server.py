"""A small OpenAI-compatible chat server for tests, run for real on 127.0.0.1.

It streams Server-Sent Events like the OpenAI API and can be told, request by request, to
fail (HTTP 500), hang, or answer from a real kefu model, so the HTTP backend's timeouts,
retries, circuit breaker and streaming are exercised over a real socket.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse

from kefu.llm.base import LanguageModel

_BREAK = "\x00break"
_PAUSE = re.compile(r"<<pause:([\d.]+)>>")


class ChatServer:
    """Serves ``POST /v1/chat/completions``; ``script`` lists behaviours for the next requests."""

    def __init__(self, model: LanguageModel | None = None) -> None:
        self.model = model
        self.script: list[str] = []  # "ok" | "500" | "hang" | "badjson" | "break"; empty: "ok"
        self.hang_s = 5.0
        self.json_reply = '{"ok": true}'
        self.text_reply: str | None = None  # a fixed answer to plain chat requests
        self.text_replies: list[str] = []  # answers for the next plain chat requests, in turn
        self.responder: Callable[[dict[str, Any]], str] | None = None  # answer from the request
        self.word_delay_s = 0.0  # pause before each streamed word; "<<pause:S>>" in a text too
        self.on_request: Callable[[dict[str, Any]], None] | None = None  # runs before answering
        self.requests: list[dict[str, Any]] = []
        self.app = FastAPI()
        self.app.post("/v1/chat/completions")(self._chat)
        self._server: uvicorn.Server | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    async def _chat(self, request: Request) -> Any:
        body = await request.json()
        self.requests.append(body)
        if self.on_request is not None:
            await asyncio.to_thread(self.on_request, body)
        behaviour = self.script.pop(0) if self.script else "ok"
        if behaviour == "500":
            return JSONResponse({"error": {"message": "boom"}}, status_code=500)
        if behaviour == "hang":
            await asyncio.sleep(self.hang_s)
        content = await asyncio.to_thread(self._content, body, behaviour)
        words = [w + " " for w in content.split(" ")]
        words[-1] = words[-1][:-1]
        if behaviour == "break":
            words = [*words[: max(1, len(words) // 2)], _BREAK]
        prompt_tokens = sum(len(m["content"].split()) for m in body["messages"])
        if not body.get("stream"):
            return {
                "id": "t",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body["model"],
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": _PAUSE.sub("", content)},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": len(words),
                    "total_tokens": prompt_tokens + len(words),
                },
            }
        include_usage = (body.get("stream_options") or {}).get("include_usage", False)
        return StreamingResponse(
            self._sse(body["model"], words, prompt_tokens, include_usage, self.word_delay_s),
            media_type="text/event-stream",
        )

    def _content(self, body: dict[str, Any], behaviour: str) -> str:
        if behaviour == "badjson":
            return "not json at all"
        schema = self._schema(body.get("response_format"))
        if self.model is not None:
            messages = body["messages"]
            if schema is not None:
                return json.dumps(self.model.json(messages, schema, max_tokens=body["max_tokens"]))
            return self.model.chat(messages, max_tokens=body["max_tokens"]).text
        if schema is not None:
            return self.json_reply
        if self.text_replies:
            return self.text_replies.pop(0)
        if self.responder is not None:
            return self.responder(body)
        if self.text_reply is not None:
            return self.text_reply
        return "echo: " + body["messages"][-1]["content"]

    @staticmethod
    def _schema(response_format: dict[str, Any] | None) -> dict[str, Any] | None:
        if not response_format:
            return None
        if response_format.get("type") == "json_schema":
            schema: dict[str, Any] = response_format["json_schema"]["schema"]
            return schema
        return response_format.get("schema") or {"type": "object"}

    @staticmethod
    def _sse(
        model: str, words: list[str], prompt_tokens: int, include_usage: bool, delay_s: float = 0.0
    ) -> Iterator[str]:
        def event(choices: list[dict[str, Any]], usage: dict[str, int] | None = None) -> str:
            chunk = {
                "id": "t",
                "object": "chat.completion.chunk",
                "created": int(time.time()),
                "model": model,
                "choices": choices,
                "usage": usage,
            }
            return f"data: {json.dumps(chunk)}\n\n"

        for word in words:
            if word == _BREAK:
                raise RuntimeError("stream broken on purpose")  # the connection drops mid-stream
            pause = _PAUSE.search(word)
            if pause:
                time.sleep(float(pause.group(1)))
                word = _PAUSE.sub("", word)
                if not word:
                    continue
            if delay_s:
                time.sleep(delay_s)
            yield event([{"index": 0, "delta": {"content": word}, "finish_reason": None}])
        yield event([{"index": 0, "delta": {}, "finish_reason": "stop"}])
        if include_usage:
            total = prompt_tokens + len(words)
            usage = {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": len(words),
                "total_tokens": total,
            }
            yield event([], usage)
        yield "data: [DONE]\n\n"

    def __enter__(self) -> ChatServer:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        thread = threading.Thread(target=self._server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("test chat server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.should_exit = True
