"""The scripted-conversation suite: replay customer turns, check tool calls and final state.

Each script starts from a fresh copy of the tau2 demo store, plays its customer messages
through the real engine, and passes only if (1) the write tools called are exactly the
expected ones with the expected arguments, (2) the changed orders and users are exactly the
expected ones with the expected field values, (3) the final handoff state matches and
(4) the replies contain / never contain the given strings.

Per-turn checks (0-based turn numbers) for conversations that write nothing, e.g. shopping:

- ``turn_contains: {n: [needle, ...]}``: reply n has every needle; a needle that is a list
  passes when any one of its strings is there ("$49.67" or "49.67");
- ``turn_never: {n: [...]}``: reply n has none of these;
- ``turn_cards: {n: [needle, ...]}``: reply n's cards (as JSON) have every needle (a variant id);
- ``reply_language: zh|en``: every reply is in that language.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kefu.assistant.engine import Assistant
from kefu.assistant.eval._store import build_template, fresh_store
from kefu.assistant.service import send_message
from kefu.knowledge import KnowledgeBase
from kefu.store.db import session_factory

SUITE_DIR = Path(__file__).resolve().parent / "conversations"
WRITE_TOOLS = {
    "cancel_pending_order",
    "modify_pending_order_address",
    "modify_pending_order_payment",
    "modify_pending_order_items",
    "return_delivered_order_items",
    "exchange_delivered_order_items",
    "modify_user_address",
    "transfer_to_human_agents",
}


@dataclass(frozen=True)
class Script:
    """One scripted conversation and what must hold at its end."""

    id: str
    language: str
    turns: list[str]
    expect: dict[str, Any]
    description: str = ""
    customer_id: str | None = None
    source: str = ""
    """The YAML file's stem: ``handwritten`` or a generated set (``en``, ``zh``)."""


@dataclass
class Outcome:
    """Pass/fail of one script, with every failed check and the transcript."""

    script: Script
    failures: list[str] = field(default_factory=list)
    transcript: list[tuple[str, str]] = field(default_factory=list)
    model_turns: int = 0
    """Turns whose request the language model's (validated) command decided."""
    final: dict[str, dict[str, Any]] = field(default_factory=dict)
    """The expected orders' and users' records at the end (``{"orders": {id: record},
    "users": {...}}``), to compare runs, e.g. on two store backends."""

    @property
    def passed(self) -> bool:
        return not self.failures


def load_scripts(directory: Path = SUITE_DIR) -> list[Script]:
    """Every script in the suite's YAML files, ids unique."""
    scripts: list[Script] = []
    for path in sorted(directory.glob("*.yaml")):
        for raw in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            odd = [t for t in raw.get("turns", []) if not isinstance(t, str)]
            if odd:  # unquoted yes/no or "#W…" (a YAML comment) would silently change a turn
                raise ValueError(f"{path.name} {raw.get('id')}: quote these turns: {odd}")
            scripts.append(
                Script(
                    id=str(raw["id"]),
                    language=str(raw["language"]),
                    turns=[str(t) for t in raw["turns"]],
                    expect=dict(raw.get("expect") or {}),
                    description=str(raw.get("description", "")),
                    customer_id=raw.get("customer_id"),
                    source=path.stem,
                )
            )
    ids = [s.id for s in scripts]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise ValueError(f"duplicate script ids: {sorted(duplicates)}")
    return scripts


def _raw_rows(engine: Any) -> dict[str, dict[str, list[tuple[Any, ...]]]]:
    """Every row that makes up an order or a customer, grouped by its id (fast to compare)."""
    from sqlalchemy import select

    from kefu.store.models import (
        Customer,
        Fulfillment,
        Order,
        OrderItem,
        PaymentMethod,
        PaymentTransaction,
    )

    out: dict[str, dict[str, list[tuple[Any, ...]]]] = {"orders": {}, "users": {}}
    groups = (
        ("orders", Order.__table__, "id"),
        ("orders", OrderItem.__table__, "order_id"),
        ("orders", Fulfillment.__table__, "order_id"),
        ("orders", PaymentTransaction.__table__, "order_id"),
        ("users", Customer.__table__, "id"),
        ("users", PaymentMethod.__table__, "customer_id"),
    )
    with engine.connect() as conn:
        for kind, table, key in groups:
            skip = {"updated_at", "version", "created_at"}
            cols = [c for c in table.columns if c.name not in skip]
            for row in conn.execute(select(*cols)):
                ident = row._mapping[key]
                out[kind].setdefault(ident, []).append(tuple(str(v) for v in row))
    return {k: {i: sorted(rows) for i, rows in v.items()} for k, v in out.items()}


def _records(engine: Any, order_ids: set[str], user_ids: set[str]) -> dict[str, dict[str, Any]]:
    from sqlalchemy import select

    from kefu.store.models import Customer, Order
    from kefu.store.tau2 import order_record, user_record

    with session_factory(engine)() as session:
        orders = (
            session.scalars(select(Order).where(Order.id.in_(order_ids))).all() if order_ids else []
        )
        users = (
            session.scalars(select(Customer).where(Customer.id.in_(user_ids))).all()
            if user_ids
            else []
        )
        return {
            "orders": {o.id: order_record(o, with_optional=True) for o in orders},
            "users": {u.id: user_record(u) for u in users},
        }


class Suite:
    """Runs scripts against copies of one template store."""

    def __init__(self, template: Path | None = None, llm: Any | None = None) -> None:
        cache = Path(".cache") / "assistant"
        self.template = build_template(template or cache / "demo-template-kb.db")
        self.llm = llm
        self._workdir = Path(tempfile.mkdtemp(prefix="kefu-eval-"))
        engine = fresh_store(self.template, self._workdir / "initial.db")
        self.initial = _raw_rows(engine)
        engine.dispose()

    def run(self, script: Script) -> Outcome:
        """Play one script on a fresh store and check its expectations."""
        db_path = self._workdir / f"{script.id}.db"
        engine = fresh_store(self.template, db_path)
        outcome = Outcome(script)
        try:
            # the template's knowledge documents are the same in every copy, so the search
            # index built for the first script is loaded from disk by the others
            knowledge = KnowledgeBase(engine, self._workdir)
            assistant = Assistant(engine, llm=self.llm, knowledge=knowledge)
            cid = assistant.start(language=script.language, customer_id=script.customer_id)
            writes: list[dict[str, Any]] = []
            replies: list[str] = []
            handoff_state = "bot"
            per_turn = _TurnChecks(script.expect)
            for n, text in enumerate(script.turns):
                # as the chat API takes a turn: with KEFU_LLM_ROLE=converse and a model, the
                # reply is then worded by the model (checked; the template where it fails)
                reply = send_message(assistant, cid, text)
                replies.append(reply.text)
                outcome.transcript.append((text, reply.text))
                outcome.model_turns += reply.model_command is not None
                handoff_state = reply.handoff_state
                for failure in per_turn.check(n, reply):
                    outcome.failures.append(failure)
                if n in script.expect.get("cited_turns", []) and not reply.citations:
                    outcome.failures.append(f"turn {n} reply has no citation")
                for call in reply.tool_calls:
                    if call.name in WRITE_TOOLS:
                        writes.append(
                            {"name": call.name, "arguments": call.arguments, "ok": call.ok}
                        )
            self._check(script, outcome, writes, replies, handoff_state, engine)
        except Exception as exc:  # a crash is a failed script, not a failed suite
            outcome.failures.append(f"crashed: {type(exc).__name__}: {exc}")
        finally:
            engine.dispose()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        return outcome

    def _check(
        self,
        script: Script,
        outcome: Outcome,
        writes: list[dict[str, Any]],
        replies: list[str],
        handoff_state: str,
        engine: Any,
    ) -> None:
        expect, fail = script.expect, outcome.failures.append
        expected_writes = [
            {"name": w["name"], "arguments": w.get("arguments"), "ok": w.get("ok", True)}
            for w in expect.get("writes", [])
        ]
        got = [
            {
                "name": w["name"],
                "arguments": w["arguments"] if e.get("arguments") is not None else None,
                "ok": w["ok"],
            }
            for w, e in zip(writes, expected_writes + [{}] * len(writes), strict=False)
        ]
        if got != expected_writes:
            fail(f"writes: expected {expected_writes}, got {writes}")
        raw = _raw_rows(engine)
        db = expect.get("db") or {}
        final = _records(engine, set(db.get("orders", {})), set(db.get("users", {})))
        outcome.final = final
        for kind in ("orders", "users"):
            expected: dict[str, dict[str, Any]] = db.get(kind, {})
            ids = set(raw[kind]) | set(self.initial[kind])
            changed = {k for k in ids if raw[kind].get(k) != self.initial[kind].get(k)}
            if changed != set(expected):
                fail(f"changed {kind}: expected {sorted(expected)}, got {sorted(changed)}")
            for key, fields in expected.items():
                record = final[kind].get(key, {})
                for name, value in fields.items():
                    if _normal(record.get(name)) != _normal(value):
                        fail(f"{kind}[{key}].{name}: expected {value!r}, got {record.get(name)!r}")
        want_state = expect.get("handoff", "bot")
        if handoff_state != want_state:
            fail(f"handoff state: expected {want_state}, got {handoff_state}")
        last = replies[-1].lower() if replies else ""
        for needle in expect.get("last_reply_contains", []):
            if str(needle).lower() not in last:
                fail(f"last reply lacks {needle!r}")
        every = "\n".join(replies).lower()
        for needle in expect.get("never_say", []):
            if str(needle).lower() in every:
                fail(f"a reply said {needle!r}")


class _TurnChecks:
    """The per-turn expectations of one script."""

    def __init__(self, expect: dict[str, Any]) -> None:
        self.contains = {int(k): v for k, v in (expect.get("turn_contains") or {}).items()}
        self.never = {int(k): v for k, v in (expect.get("turn_never") or {}).items()}
        self.cards = {int(k): v for k, v in (expect.get("turn_cards") or {}).items()}
        self.language = expect.get("reply_language")

    def check(self, n: int, reply: Any) -> list[str]:
        import json

        text = reply.text.lower()
        out = []
        for needle in self.contains.get(n, []):
            options = needle if isinstance(needle, list) else [needle]
            if not any(str(o).lower() in text for o in options):
                out.append(f"turn {n} reply lacks {needle!r}")
        for needle in self.never.get(n, []):
            if str(needle).lower() in text:
                out.append(f"turn {n} reply said {needle!r}")
        cards = json.dumps([c.model_dump(mode="json") for c in reply.cards], ensure_ascii=False)
        for needle in self.cards.get(n, []):
            options = needle if isinstance(needle, list) else [needle]
            if not any(str(o).lower() in cards.lower() for o in options):
                out.append(f"turn {n} cards lack {needle!r}")
        if self.language and reply.language != self.language:
            out.append(f"turn {n} reply in {reply.language}, expected {self.language}")
        return out


def _normal(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 2)
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normal(v) for v in value]
    return value
