"""Model-worded replies (KEFU_LLM_ROLE=converse) against the template path, on the suite.

Plays zh/en conversations from kefu/assistant/eval/conversations/*.yaml twice through the
eval harness (same engine, no model in the engine, so the decisions are the same): once
with the templates, once with every reply worded by a real local model served by
``python -m llama_cpp.server`` (an OpenAI-compatible HTTP server, not in-process) and
checked by kefu/assistant/wording.py. Reports the share of turns whose wording passed,
fallbacks by reason, time to the first visible (checked) sentence, per-turn wording latency
p50/p95, and task success of both paths; writes a section into bench/report.md.

    .venv/bin/python -m bench.bench_wording --per-language 20          # starts the server
    .venv/bin/python -m bench.bench_wording --base-url http://127.0.0.1:8791/v1 --per-language 8
    .venv/bin/python -m bench.bench_wording --resume bench/data/wording.json   # a stopped run

A resumed run plays only the planned conversations the saved file lacks, into the same file;
meta["parts"] says which conversations each part played and on which git commit.
"""

from __future__ import annotations

import argparse
import json
import re
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

from kefu.assistant.eval import harness
from kefu.assistant.eval.harness import Script, Suite, load_scripts

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "bench" / "report.md"
START, END = "<!-- wording:start -->", "<!-- wording:end -->"


def pick(scripts: list[Script], per_language: int) -> list[Script]:
    """``per_language`` scripts of each language, spread evenly over the suite's kinds."""
    chosen: list[Script] = []
    for lang in ("en", "zh"):
        pool = [s for s in scripts if s.language == lang]
        step = max(1, len(pool) // per_language)
        chosen += pool[::step][:per_language]
    return chosen


def reason_kind(reason: str) -> str:
    """A fallback reason without its value ("number 12" -> "number")."""
    reason = re.sub(r"\(.*?\)", "", reason).strip()
    for kind in (
        "timeout",
        "model failed",
        "lost order id",
        "lost quoted",
        "lost email",
        "lost number",
        "number",
        "order id",
        "email",
        "link",
        "promise",
        "claim",
        "date",
        "product",
        "name",
        "speaks about",
        "not in Chinese",
        "not in English",
        "repeats its instructions",
        "data fence",
        "confirmation without",
        "does not ask",
        "worded",
        "too long",
    ):
        if reason.startswith(kind):
            return kind
    return reason


@contextmanager
def llama_server(model: Path, threads: int) -> Any:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(model),
            "--n_threads",
            str(threads),
            "--n_ctx",
            "4096",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import httpx

    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.time() + 180
        while time.time() < deadline:
            if proc.poll() is not None:
                raise SystemExit("llama_cpp.server exited (pip install '.[llm-server]')")
            try:
                if httpx.get(url + "/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def run(
    base_url: str,
    scripts: list[Script],
    timeout_s: float,
    max_tokens: int,
    save: Any = None,
    prior: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Play ``scripts`` both ways; those ``prior`` (a saved result) already holds are kept."""
    from kefu.assistant.engine import Assistant
    from kefu.assistant.wording import WordingRun, store_products
    from kefu.llm.remote import OpenAICompatible

    llm = OpenAICompatible(base_url, "local", timeout_s=timeout_s + 30, max_retries=0)
    prior = prior or {}
    prior_done = set(prior.get("scripts", []))
    turns: list[dict[str, Any]] = list(prior.get("turns", []))
    current = {"script": ""}

    class Worded(Assistant):
        """The harness's assistant, each reply then worded as the service does."""

        def handle(self, conversation_id: str, text: str, client_message_id: Any = None) -> Any:
            reply = super().handle(conversation_id, text, client_message_id)
            if reply.silent or not reply.text.strip() or not reply.said:
                return reply
            wording = WordingRun(
                llm,
                reply,
                text,
                timeout_s=timeout_s,
                max_tokens=max_tokens,
                products=store_products(self.engine),
            ).run()
            turns.append(
                {
                    "script": current["script"],
                    "lang": reply.language,
                    "keys": [p.get("key") for p in reply.said],
                    "status": wording.status,
                    "reasons": wording.reasons,
                    "first_visible_s": wording.first_visible_s,
                    "model_first_token_s": wording.model_first_token_s,
                    "latency_s": wording.latency_s,
                    "template": wording.template,
                    "text": wording.text,
                    "customer": text,
                }
            )
            return reply.model_copy(update={"text": wording.text})

    suite = Suite()
    todo = [s for s in scripts if s.id not in prior_done]
    template = {s.id: suite.run(s) for s in todo}
    worded: dict[str, Any] = {}

    def result() -> dict[str, Any]:
        new = [s.id for s in todo if s.id in worded]
        # a partial run compares the conversations it played only
        done = [s.id for s in scripts if s.id in prior_done or s.id in worded]
        return {
            "scripts": done,
            "planned": [s.id for s in scripts],
            "template_passed": sorted(
                {*prior.get("template_passed", []), *(k for k in new if template[k].passed)}
            ),
            "worded_passed": sorted(
                {*prior.get("worded_passed", []), *(k for k in new if worded[k].passed)}
            ),
            "worded_failures": {
                **prior.get("worded_failures", {}),
                **{k: worded[k].failures for k in new if not worded[k].passed},
            },
            "template_failures": {
                **prior.get("template_failures", {}),
                **{k: template[k].failures for k in new if not template[k].passed},
            },
            "turns": turns,
        }

    with mock.patch.object(harness, "Assistant", Worded):
        for n, script in enumerate(todo, 1):
            current["script"] = script.id
            worded[script.id] = suite.run(script)
            if save is not None:
                save(result())  # after every conversation: a stopped run still reports
            outcome = worded[script.id]
            print(
                f"[{n}/{len(todo)}] {script.id}: template "
                f"{'pass' if template[script.id].passed else 'FAIL'}, worded "
                f"{'pass' if outcome.passed else 'FAIL ' + '; '.join(outcome.failures[:2])}",
                flush=True,
            )
    return result()


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summarise(result: dict[str, Any], meta: dict[str, Any]) -> str:
    turns = result["turns"]
    n = len(turns)
    by_status = Counter(t["status"] for t in turns)
    reasons = Counter(
        reason_kind(r)
        for t in turns
        if t["status"] != "worded"
        for r in t["reasons"][:1]  # the reason the run stopped at
    )
    first = [t["first_visible_s"] for t in turns if t["first_visible_s"] is not None]
    model_first = [t["model_first_token_s"] for t in turns if t.get("model_first_token_s")]
    worded_first = [t["first_visible_s"] for t in turns if t["status"] != "template"]
    latency = [t["latency_s"] for t in turns]
    langs = Counter(t["lang"] for t in turns)
    scripts = len(result["scripts"])
    parts = meta.get("parts") or [{"command": meta["command"]}]
    lines = [
        START,
        "## Model-worded replies (KEFU_LLM_ROLE=converse), local model over HTTP",
        "",
        *[f"`{part['command']}`" for part in parts],
        "",
        f"Model: {meta['model']} served by `python -m llama_cpp.server` "
        f"({meta['threads']} threads) on this shared 2-core machine; wording timeout "
        f"{meta['timeout_s']:g} s, {meta['max_tokens']} tokens, one call per turn. The engine "
        "runs without a model in both paths, so the decisions are the same and only the "
        f"wording differs. {scripts} conversations ({langs['en']} en turns, {langs['zh']} zh "
        f"turns){meta['note']}.",
        *part_lines(parts),
        "",
        "| measure | value |",
        "| --- | --- |",
        f"| turns worded | {n} |",
        f"| wording passed every check (whole reply from the model) | "
        f"{by_status['worded']} ({by_status['worded'] / max(n, 1):.0%}) |",
        f"| partly worded (checked sentences, then the template) | {by_status['partial']} |",
        f"| template (first sentence already failed, or no answer in time) | "
        f"{by_status['template']} |",
        f"| model's first token p50 / p95 | {pct(model_first, 0.5):.1f} s / "
        f"{pct(model_first, 0.95):.1f} s ({len(model_first)} turns with a token) |",
        f"| first visible text p50 / p95 (a checked sentence, or the template) | "
        f"{pct(first, 0.5):.1f} s / {pct(first, 0.95):.1f} s |",
        f"| first visible model sentence p50 / p95 (turns with one) | "
        f"{pct(worded_first, 0.5):.1f} s / {pct(worded_first, 0.95):.1f} s |",
        f"| per-turn wording latency p50 / p95 | {pct(latency, 0.5):.1f} s / "
        f"{pct(latency, 0.95):.1f} s (mean {statistics.fmean(latency) if latency else 0:.1f} s) |",
        f"| task success, templates | {len(result['template_passed'])}/{scripts} |",
        f"| task success, model-worded | {len(result['worded_passed'])}/{scripts} |",
        "",
        "Fallbacks by the reason the model's part stopped (per turn, first reason):",
        "",
        "| reason | turns |",
        "| --- | --- |",
        *[f"| {k} | {v} |" for k, v in reasons.most_common()],
        "",
    ]
    lost = sorted(set(result["template_passed"]) - set(result["worded_passed"]))
    if lost:
        lines += ["Scripts that pass with templates and fail worded:", ""]
        lines += [f"- {k}: {'; '.join(result['worded_failures'][k][:2])}" for k in lost]
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def part_lines(parts: list[dict[str, Any]]) -> list[str]:
    """One line per part of a run that was resumed: its conversations, commit and time."""
    if len(parts) < 2:
        return []
    lines = ["", f"The run was played in {len(parts)} parts, on different code versions:", ""]
    for n, part in enumerate(parts, 1):
        lines.append(
            f"- part {n}: {len(part.get('scripts', []))} conversations, commit "
            f"{part.get('commit', 'not recorded')}, started {part.get('started', 'not recorded')}"
        )
    return lines


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip()


def write_report(section: str) -> None:
    text = REPORT.read_text(encoding="utf-8") if REPORT.exists() else ""
    if START in text and END in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    REPORT.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="", help="an already running server's /v1 URL")
    parser.add_argument("--model", default="qwen2.5-coder-1.5b")
    # --threads, --timeout, --max-tokens: None = the saved run's (with --resume), else 2, 60, 160
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--per-language", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=None)
    parser.add_argument("--max-tokens", type=int, default=None)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "data" / "wording.json")
    parser.add_argument("--ids", nargs="*", default=[], help="these script ids instead")
    parser.add_argument("--no-report", action="store_true")
    parser.add_argument("--note", default="")
    parser.add_argument(
        "--summarise", type=Path, default=None, help="report from a saved (maybe partial) run"
    )
    parser.add_argument(
        "--resume",
        type=Path,
        default=None,
        help="play the planned conversations a saved run lacks, into the same file",
    )
    args = parser.parse_args()
    if args.summarise is not None:
        saved = json.loads(args.summarise.read_text(encoding="utf-8"))
        meta = saved.pop("meta")
        planned = len(saved.get("planned", saved["scripts"]))
        if len(saved["scripts"]) < planned:
            meta["note"] += (
                f"; the run was stopped after {len(saved['scripts'])} of {planned} "
                "conversations, so the figures cover those"
            )
        section = summarise(saved, meta)
        print(section)
        if not args.no_report:
            write_report(section)
        return

    from kefu.llm.models import get_spec, model_path

    command = ("python -m bench.bench_wording " + " ".join(sys.argv[1:])).strip()
    part = {
        "command": command,
        "commit": git_commit(),
        "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "scripts": [],
    }
    prior: dict[str, Any] = {}
    if args.resume is not None:
        prior = json.loads(args.resume.read_text(encoding="utf-8"))
        meta = prior.pop("meta")
        by_id = {s.id: s for s in load_scripts()}
        missing = [k for k in prior["planned"] if k not in by_id]
        if missing:
            raise SystemExit(f"planned scripts no longer in the suite: {missing}")
        scripts = [by_id[k] for k in prior["planned"]]
        meta.setdefault(
            "parts",
            [{"command": meta["command"], "commit": "not recorded", "scripts": prior["scripts"]}],
        )
        for key, value in (
            ("threads", args.threads),
            ("timeout_s", args.timeout),
            ("max_tokens", args.max_tokens),
        ):
            if value is not None and value != meta[key]:
                part[key] = meta[key] = value  # an override holds for this part and after
        meta["parts"].append(part)
        args.out = args.resume
    else:
        spec = get_spec(args.model)
        scripts = (
            [s for s in load_scripts() if s.id in args.ids]
            if args.ids
            else pick(load_scripts(), args.per_language)
        )
        meta = {
            "command": command,
            "model": spec.title,
            "model_name": spec.name,
            "threads": 2 if args.threads is None else args.threads,
            "timeout_s": 60.0 if args.timeout is None else args.timeout,
            "max_tokens": 160 if args.max_tokens is None else args.max_tokens,
            "note": args.note,
            "parts": [part],
        }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    earlier = {k for p in meta["parts"][:-1] for k in p.get("scripts", [])}

    def save(result: dict[str, Any]) -> None:
        meta["parts"][-1]["scripts"] = [k for k in result["scripts"] if k not in earlier]
        tmp = args.out.with_suffix(".tmp")
        tmp.write_text(
            json.dumps({"meta": meta, **result}, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        tmp.replace(args.out)

    timeout_s, max_tokens = meta["timeout_s"], meta["max_tokens"]
    if args.base_url:
        result = run(args.base_url, scripts, timeout_s, max_tokens, save, prior)
    else:
        name = meta.get("model_name") or get_spec(args.model).name
        with llama_server(model_path(name), meta["threads"]) as url:
            result = run(url, scripts, timeout_s, max_tokens, save, prior)
    save(result)
    section = summarise(result, meta)
    print(section)
    if not args.no_report:
        write_report(section)


if __name__ == "__main__":
    main()
