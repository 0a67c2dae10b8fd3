"""Language-model layer benchmark: kefu's overhead over llama-cpp-python, JSON validity.

1. Time to first token and decode tokens/s for each local model, through kefu's
   ``LocalLlama.stream`` and through ``llama_cpp.Llama.create_chat_completion`` called
   directly, on the same loaded model and the same prompt. The KV cache is reset before each
   call (every call evaluates the whole prompt) and the two paths alternate A-B-B-A so load
   from other processes hits both alike. Target: kefu / direct tokens/s >= 0.95.
2. JSON validity over 100 schema-constrained calls (0.5B, ``LanguageModel.json``), counting
   first-attempt validity (no retry needed). Target: 100 %.

Writes bench/out/llm.md. Run: ``.venv/bin/python bench/bench_llm.py [--rounds N] [--json-calls N]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kefu.llm import LLMOutputError, fence, recorder, render_prompt  # noqa: E402
from kefu.llm.local import LocalLlama  # noqa: E402
from kefu.llm.models import fetch_model, get_spec  # noqa: E402

OUT = ROOT / "bench" / "out" / "llm.md"
QUESTION = (
    "Hello, I ordered a pair of running shoes last week (order #W2378156) and it still "
    "says processing. Can you tell me what usually happens next and how long it takes?"
)


class Triage(BaseModel):
    """The schema of the structured calls."""

    intent: Literal["order_status", "cancel", "return", "exchange", "address_change", "other"]
    order_id: str | None
    language: Literal["zh", "en"]
    urgent: bool


def _messages(text: str, lang: str = "en") -> list[dict[str, str]]:
    return [
        {"role": "system", "content": render_prompt("system", lang, store_name="Demo Shop")},
        {"role": "user", "content": fence(text, "customer_message")},
    ]


def _direct(
    llm: LocalLlama, messages: list[dict[str, str]], max_tokens: int
) -> tuple[float, float, str]:
    """llama-cpp-python on its own: (ttft, total, text)."""
    start = time.perf_counter()
    first = None
    parts = []
    for chunk in llm.llama.create_chat_completion(
        messages=messages, max_tokens=max_tokens, temperature=0, stream=True
    ):
        delta = chunk["choices"][0]["delta"].get("content")
        if delta:
            if first is None:
                first = time.perf_counter()
            parts.append(delta)
    end = time.perf_counter()
    return (first or end) - start, end - start, "".join(parts)


def _kefu(
    llm: LocalLlama, messages: list[dict[str, str]], max_tokens: int
) -> tuple[float, float, str]:
    """The same generation through kefu's interface."""
    stream = llm.stream(messages, max_tokens=max_tokens, temperature=0)  # type: ignore[arg-type]
    text = stream.text()
    assert stream.completion is not None
    return stream.completion.ttft_s, stream.completion.latency_s, text


def speed(name: str, rounds: int, max_tokens: int) -> dict[str, Any]:
    spec = get_spec(name)
    path = fetch_model(spec.name)
    llm = LocalLlama(path, n_ctx=2048, name=spec.name)
    messages = _messages(QUESTION)
    _direct(llm, messages, 8)  # warm-up: page the weights in
    results: dict[str, list[tuple[float, float]]] = {"direct": [], "kefu": []}
    tokens = 0
    for i in range(rounds):
        order = ["direct", "kefu"] if i % 2 == 0 else ["kefu", "direct"]
        for path_name in order:
            llm.llama.reset()  # no KV-cache reuse: both paths evaluate the whole prompt
            run = _direct if path_name == "direct" else _kefu
            ttft, total, text = run(llm, messages, max_tokens)
            tokens = len(llm.llama.tokenize(text.encode(), add_bos=False, special=True))
            results[path_name].append((ttft, (tokens - 1) / (total - ttft)))
        print(f"  {name} round {i + 1}/{rounds}: {tokens} tokens", flush=True)
    prompt_tokens = len(llm.llama.tokenize(str(messages).encode()))

    def med(path_name: str, k: int) -> float:
        return statistics.median(r[k] for r in results[path_name])

    return {
        "model": spec.title,
        "prompt_tokens_approx": prompt_tokens,
        "tokens": tokens,
        "direct_ttft": med("direct", 0),
        "kefu_ttft": med("kefu", 0),
        "direct_tps": med("direct", 1),
        "kefu_tps": med("kefu", 1),
    }


def json_validity(calls: int, max_tokens: int) -> dict[str, Any]:
    spec = get_spec("0.5b")
    llm = LocalLlama(fetch_model(spec.name), n_ctx=2048, name=spec.name)
    rng = random.Random(7)
    templates = [
        ("en", "Where is my order #W{n}? It has been a week."),
        ("en", "Please cancel order #W{n}, I ordered the wrong size."),
        ("en", "I want to return the lamp from #W{n}, it arrived broken!!"),
        ("en", "Can I swap the blue shirt in #W{n} for a red one?"),
        ("en", "Change the shipping address of #W{n} to 12 Oak Street, Austin."),
        ("en", "Do you sell waterproof hiking boots?"),
        ("zh", "我的订单#W{n}到哪里了？"),
        ("zh", "请帮我取消订单#W{n}，买错了。"),
        ("zh", "订单#W{n}里的杯子碎了，我要退货！"),
        ("zh", "订单#W{n}能把黑色换成白色吗？"),
        ("zh", "请把#W{n}的收货地址改成上海市南京西路100号。"),
        ("zh", "你们有没有适合跑步的耳机？"),
    ]
    instruction = {
        "role": "system",
        "content": "Classify the customer message. Answer with JSON: intent, order_id (or null), "
        "language (zh or en), urgent (true or false).",
    }
    recorder.clear()
    valid = 0
    latencies = []
    for i in range(calls):
        lang, template = templates[i % len(templates)]
        text = template.format(n=rng.randint(1_000_000, 9_999_999))
        start = time.perf_counter()
        try:
            Triage.model_validate(
                llm.json([*_messages(text, lang), instruction], Triage, max_tokens=max_tokens)
            )
            valid += 1
        except LLMOutputError:
            pass
        latencies.append(time.perf_counter() - start)
        if (i + 1) % 10 == 0:
            print(f"  json {i + 1}/{calls}: {valid} valid", flush=True)
    attempts = len([r for r in recorder.records() if r.kind == "json"])
    return {
        "calls": calls,
        "valid": valid,
        "first_try_valid": calls - (attempts - calls),
        "mean_latency": statistics.mean(latencies),
        "p95_latency": sorted(latencies)[int(0.95 * (len(latencies) - 1))],
        "max_tokens": max_tokens,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--json-calls", type=int, default=100)
    parser.add_argument("--models", default="0.5b,1.5b")
    args = parser.parse_args()

    speeds = []
    for name in args.models.split(","):
        print(f"speed {name}", flush=True)
        speeds.append(speed(name, args.rounds, args.max_tokens))
    print("json validity", flush=True)
    validity = json_validity(args.json_calls, 48)

    import llama_cpp

    cmd = "python bench/bench_llm.py " + " ".join(sys.argv[1:])
    lines = [
        "## llm",
        "",
        f"`bench/bench_llm.py` on {os.cpu_count()} cores ({platform.machine()}), shared with other "
        f"work, llama-cpp-python {llama_cpp.__version__} built with GGML_NATIVE=OFF, "
        f"{os.cpu_count()} threads. Command: `{cmd.strip()}`.",
        "",
        f"Streaming chat, same prompt (~{speeds[0]['prompt_tokens_approx']} tokens, KV cache reset "
        f"before each call), {args.max_tokens} new tokens max, temperature 0, median of "
        f"{args.rounds} alternating rounds per path.",
        "",
        "| model | path | time to first token | decode tokens/s | kefu / direct tokens/s |",
        "|---|---|---|---|---|",
    ]
    for s in speeds:
        ratio = s["kefu_tps"] / s["direct_tps"]
        verdict = "meets" if ratio >= 0.95 else "misses"
        model = s["model"]
        lines.append(
            f"| {model} | llama-cpp-python direct | {s['direct_ttft']:.3f} s "
            f"| {s['direct_tps']:.1f} | |"
        )
        lines.append(
            f"| {model} | kefu `LocalLlama.stream` | {s['kefu_ttft']:.3f} s "
            f"| {s['kefu_tps']:.1f} | **{ratio:.3f}** ({verdict} ≥ 0.95) |"
        )
    v = validity
    lines += [
        "",
        f"JSON validity, {v['calls']} schema-constrained calls (Qwen2.5-Coder-0.5B, "
        "`LanguageModel.json` with a pydantic schema, zh and en messages, "
        f"max_tokens {v['max_tokens']}): "
        f"**{v['first_try_valid']}/{v['calls']} valid on the first attempt**, "
        f"{v['valid']}/{v['calls']} valid after the one allowed retry; "
        f"mean {v['mean_latency']:.2f} s, p95 {v['p95_latency']:.2f} s per call.",
        "",
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
