"""``kefu chat`` (terminal chat against the store) and ``kefu eval conversations``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

console = Console()


def chat(
    language: Annotated[
        str, typer.Option(help="zh or en (switches when the customer does)")
    ] = "en",
    customer: Annotated[
        str | None, typer.Option(help="Start already authenticated as this customer id")
    ] = None,
    conversation: Annotated[
        str | None, typer.Option(help="Continue an existing conversation id")
    ] = None,
) -> None:
    """Chat as a customer. On a terminal: interactive. Piped: one message per line in, one JSON
    object per reply out (text, language, intent, tool calls with results, handoff state)."""
    from kefu.assistant import get_assistant
    from kefu.store.db import get_engine, upgrade_schema

    engine = get_engine()
    upgrade_schema(engine)
    assistant = get_assistant(engine)
    cid = conversation or assistant.start(language=language, customer_id=customer, channel="cli")
    interactive = sys.stdin.isatty()
    if interactive:
        console.print(f"[dim]conversation {cid} — empty line or Ctrl-D to quit[/dim]")
    while True:
        try:
            line = input("you> " if interactive else "")
        except EOFError:
            break
        if not line.strip():
            if interactive:
                break
            continue
        try:
            reply = assistant.handle(cid, line)
        except ValueError as exc:
            _emit({"error": str(exc)}, interactive)
            continue
        if interactive:
            _show(reply)
        else:
            _emit(
                {
                    "conversation_id": cid,
                    "reply": reply.text,
                    "language": reply.language,
                    "intent": reply.intent,
                    "tool_calls": [c.model_dump(mode="json") for c in reply.tool_calls],
                    "handoff_state": reply.handoff_state,
                    "quick_replies": [q.value for q in reply.quick_replies],
                },
                interactive,
            )


def _emit(obj: dict[str, Any], interactive: bool) -> None:
    if interactive:
        console.print(f"[red]{obj.get('error')}[/red]")
    else:
        sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
        sys.stdout.flush()


def _show(reply: Any) -> None:
    for call in reply.tool_calls:
        mark = "ok" if call.ok else f"error: {call.error}"
        args = json.dumps(call.arguments, ensure_ascii=False)
        console.print(f"[dim]  tool {call.name}({args}) → {mark}[/dim]")
    if reply.silent:
        console.print(f"[yellow]  ({reply.handoff_state}: a person will answer)[/yellow]")
    else:
        console.print(f"[bold cyan]kefu>[/bold cyan] {reply.text}")
    if reply.quick_replies:
        console.print("[dim]  " + " | ".join(q.label for q in reply.quick_replies) + "[/dim]")


def eval_conversations(
    only: Annotated[
        str | None, typer.Option(help="Run only scripts whose id contains this")
    ] = None,
    verbose: Annotated[bool, typer.Option(help="Print each failing transcript")] = False,
    suite_dir: Annotated[Path | None, typer.Option(help="Folder of *.yaml scripts")] = None,
    llm: Annotated[
        str | None,
        typer.Option(
            "--llm",
            help="Also play the suite with the local model (KEFU_LLM_LOCAL_MODEL, in-process): "
            "none, local-route, local-converse or all; prints task success for each",
        ),
    ] = None,
) -> None:
    """Replay the scripted conversations (zh + en) on fresh demo stores; report task success."""
    modes = _llm_modes(llm)
    from kefu.assistant.eval.harness import SUITE_DIR, Suite, load_scripts

    scripts = load_scripts(suite_dir or SUITE_DIR)
    if only:
        scripts = [s for s in scripts if only in s.id]
    total = len(scripts)
    without = Suite(llm=None)
    passed_without = 0
    by_source: dict[str, list[int]] = {}
    for script in scripts:
        outcome = without.run(script)
        passed_without += outcome.passed
        tally = by_source.setdefault(script.source, [0, 0])
        tally[0] += outcome.passed
        tally[1] += 1
        status = "[green]PASS[/green]" if outcome.passed else "[red]FAIL[/red]"
        console.print(f"{status} {script.id} ({script.language}) {script.description}")
        if not outcome.passed:
            for failure in outcome.failures:
                console.print(f"      {failure}", markup=False)
            if verbose:
                for said, answered in outcome.transcript:
                    console.print(f"      > {said}\n      < {answered}", markup=False)
    if modes is not None:
        lines = [f"task success (none): {passed_without}/{total}"]
        lines += [_with_local(scripts, mode) for mode in modes if mode != "none"]
        for source, (ok, n) in sorted(by_source.items()):
            typer.echo(f"  {source}: {ok}/{n} without model")
        for line in lines:
            typer.echo(line)
        return
    with_line = _with_model(scripts)
    for source, (ok, n) in sorted(by_source.items()):
        typer.echo(f"  {source}: {ok}/{n} without model")
    typer.echo(with_line)
    typer.echo(f"task success without model: {passed_without}/{total}")


LLM_MODES = ("none", "local-route", "local-converse")


def _llm_modes(value: str | None) -> list[str] | None:
    if value is None:
        return None
    modes = list(LLM_MODES) if value == "all" else [m.strip() for m in value.split(",")]
    unknown = [m for m in modes if m not in LLM_MODES]
    if unknown:
        raise typer.BadParameter(
            f"--llm: {', '.join(unknown)} (none|local-route|local-converse|all)"
        )
    return modes


def _with_local(scripts: list[Any], mode: str) -> str:
    """Task success with the local model in the role ``mode`` names (route: it settles
    unsure messages; converse: it also reads every message and words every reply)."""
    import os

    from kefu.assistant import service
    from kefu.assistant.eval.harness import Suite
    from kefu.config import get_settings
    from kefu.llm import LLMUnavailable
    from kefu.llm.service import load_llm, reset_llm

    role = mode.removeprefix("local-")
    saved = {k: os.environ.get(k) for k in ("KEFU_LLM_BACKEND", "KEFU_LLM_ROLE")}
    os.environ.update(KEFU_LLM_BACKEND="local", KEFU_LLM_ROLE=role)
    get_settings.cache_clear()
    reset_llm()
    service._ASSISTANTS.clear()
    total = len(scripts)
    try:
        try:
            model = load_llm()
        except LLMUnavailable as exc:
            return f"task success ({mode}): not measured/{total} (local model unavailable: {exc})"
        passed, turns, decided = _play(Suite(llm=model), scripts, f"FAIL ({mode})")
        typer.echo(f"  {mode}: turns the model decided: {decided}/{turns}")
        return f"task success ({mode}): {passed}/{total}"
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        get_settings.cache_clear()
        reset_llm()


def _play(suite: Any, scripts: list[Any], fail: str) -> tuple[int, int, int]:
    """Play each script; print the failures. Returns (passed, turns, turns the model decided)."""
    passed = turns = decided = 0
    for script in scripts:
        outcome = suite.run(script)
        passed += outcome.passed
        turns += len(outcome.transcript)
        decided += outcome.model_turns
        if not outcome.passed:
            console.print(f"{fail} {script.id}: {'; '.join(outcome.failures)}", markup=False)
    return passed, turns, decided


def _with_model(scripts: list[Any]) -> str:
    """Run the suite with the configured language model, or say why it could not run."""
    total = len(scripts)
    try:
        from kefu.llm import get_llm

        llm = get_llm()
    except Exception as exc:  # a broken model config must not hide the no-model result
        return f"task success with model: not measured/{total} (model failed to load: {exc})"
    if llm is None:
        why = "no language model configured: KEFU_LLM_BACKEND=none"
        return f"task success with model: not measured/{total} ({why})"
    from kefu.assistant.eval.harness import Suite

    passed, turns, decided = _play(Suite(llm=llm), scripts, "FAIL (model)")
    typer.echo(f"  turns the model decided: {decided}/{turns}")
    return f"task success with model: {passed}/{total}"


def register(app: typer.Typer, eval_app: typer.Typer, train_app: typer.Typer) -> None:
    """Add ``kefu chat`` and ``kefu eval conversations``."""
    app.command("chat")(chat)
    eval_app.command("conversations")(eval_conversations)
