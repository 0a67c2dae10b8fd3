"""A store's own requests, declared in a YAML file and ending in a tool the store serves.

The store names the request (the words that ask for it, in each language), the slots it
needs (the order, and text slots with their question and the shape an answer must have),
the order statuses it may act on, the confirmation and result sentences, and the URL of its
tool. kefu does the rest the way it does for its own requests: the customer is
authenticated, the order is theirs (another customer's looks like none), the status is
checked in code, the exact action is shown and needs an explicit yes, and the call is
signed (HMAC-SHA256 of the body, ``X-Kefu-Signature``), carries an ``Idempotency-Key``,
is recorded in the audit log and acts once under retries. The store's answer can only fill
the result fields it declared; its refusal reaches the customer as a sentence in their
language. See docs/assistant.md for a worked example.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import string
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import httpx
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator
from sqlalchemy.orm import Session

from kefu.assistant import _extract as ex
from kefu.assistant.flows.base import Flow, order_card

if TYPE_CHECKING:
    from kefu.assistant._state import FlowState
    from kefu.assistant.engine import Assistant
    from kefu.assistant.turn import Turn
    from kefu.orders.context import ToolContext

NAME = r"^[a-z][a-z0-9_]{2,40}$"
SLOT = r"^[a-z][a-z0-9_]{1,30}$"
RESERVED_SLOTS = {"item_ids", "new_item_ids", "payment_method_id", "address", "reason"}
"""Slots of kefu's own requests; a store's text slot may not take their names."""


class StoreFlowError(ValueError):
    """The store's flow file is not valid; the message says where."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Words(_Strict):
    """A sentence in each of the customer's languages."""

    en: Annotated[str, Field(min_length=1, max_length=500)]
    zh: Annotated[str, Field(min_length=1, max_length=500)]

    def of(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class TextSlot(_Strict):
    name: Annotated[str, Field(pattern=SLOT)]
    ask: Words
    extract: list[str] = Field(default_factory=list)
    """Regexes that find the value in a request ("抬头是(?P<value>...)"): group 'value'."""
    pattern: str | None = None
    """What a whole answer must look like (full match), else it is asked again."""
    max_length: Annotated[int, Field(ge=1, le=255)] = 80

    @field_validator("name")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value in RESERVED_SLOTS or value == "order_id":
            raise ValueError(f"{value!r} is one of kefu's own slots")
        return value

    @field_validator("extract")
    @classmethod
    def _with_value(cls, values: list[str]) -> list[str]:
        for value in values:
            if "value" not in re.compile(value).groupindex:
                raise ValueError(f"extract pattern {value!r} needs a group named 'value'")
        return values

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            re.compile(value)
        return value


class HttpTool(_Strict):
    name: Annotated[str, Field(pattern=NAME)]
    url: Annotated[str, Field(pattern=r"^https?://")]
    secret_env: str = "KEFU_STORE_WEBHOOK_SECRET"
    """The environment variable holding the HMAC secret the call is signed with."""
    timeout_s: Annotated[float, Field(gt=0, le=60)] = 5.0
    result_fields: list[Annotated[str, Field(pattern=SLOT)]] = Field(default_factory=list)
    """Fields of the store's answer that the result sentence may show."""


class StoreFlowSpec(_Strict):
    name: Annotated[str, Field(pattern=NAME)]
    description: Annotated[str, Field(min_length=1, max_length=200)]
    label: Words
    """What the request does, for "order X is shipped, so it can't be <label>"."""
    triggers: dict[Literal["en", "zh"], list[str]]
    order: bool = True
    """Whether the request acts on one of the customer's orders (the order_id slot)."""
    statuses: list[str] | None = None
    """The order statuses it may act on (None: any)."""
    slots: list[TextSlot] = Field(default_factory=list)
    tool: HttpTool
    confirm: Words
    done: Words

    @field_validator("triggers")
    @classmethod
    def _compile(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        if not any(value.values()):
            raise ValueError("at least one trigger pattern")
        for patterns in value.values():
            for pattern in patterns:
                re.compile(pattern)
        return value

    def check_templates(self) -> None:
        known = {s.name for s in self.slots} | ({"order_id"} if self.order else set())
        for which, words, allowed in (
            ("confirm", self.confirm, known),
            ("done", self.done, known | set(self.tool.result_fields)),
        ):
            for text in (words.en, words.zh):
                fields = {f for _, f, _, _ in string.Formatter().parse(text) if f}
                unknown = fields - allowed
                if unknown:
                    raise StoreFlowError(
                        f"flow {self.name}: {which} uses {sorted(unknown)}, not a slot or "
                        "declared result field"
                    )


class StoreFlow(Flow):
    """A request declared by the store (see the module docstring)."""

    def __init__(self, spec: StoreFlowSpec) -> None:
        self.spec = spec
        self.name = spec.name  # type: ignore[misc]
        self.tool = spec.tool.name  # type: ignore[misc]
        self.description = spec.description  # type: ignore[misc]
        names = tuple(s.name for s in spec.slots)
        self.slots = (("order_id",) if spec.order else ()) + names  # type: ignore[misc]
        self._text_slots = {s.name: s for s in spec.slots}
        self._triggers = [
            re.compile(p, re.I) for patterns in spec.triggers.values() for p in patterns
        ]

    def allowed_statuses(self) -> tuple[str, ...] | None:
        return tuple(self.spec.statuses) if self.spec.statuses else None

    def action_label(self, lang: str) -> str:
        return self.spec.label.of(lang)

    def matches(self, text: str) -> bool:
        return any(p.search(text) for p in self._triggers)

    def fill(
        self, slot: str, engine: Assistant, turn: Turn, state: FlowState, fresh: bool
    ) -> bool | None:
        spec = self._text_slots.get(slot)
        if spec is None:
            return None
        value = None
        for text in dict.fromkeys([turn.u.text, state.request]):
            value = _extracted(spec, text)
            if value:
                break
        if not value and state.awaiting == slot and not fresh:
            value = _answer(spec, turn.u.text)
        if not value:
            return False
        state.slots[slot] = value
        return True

    def ask(self, slot: str, engine: Assistant, turn: Turn, state: FlowState) -> bool:
        spec = self._text_slots.get(slot)
        if spec is None:
            return False
        turn.add(spec.ask.of(turn.lang))
        return True

    def _values(self, state: FlowState) -> dict[str, str]:
        return {k: str(v) for k, v in state.slots.items() if k in self.slots}

    def propose(self, turn: Turn, state: FlowState) -> tuple[dict[str, Any] | None, str]:
        values = self._values(state)
        return values, self.spec.confirm.of(turn.lang).format(**values)

    def done(
        self, turn: Turn, state: FlowState, data: dict[str, Any], facts: dict[str, Any]
    ) -> None:
        told = {f: _shown(data.get(f)) for f in self.spec.tool.result_fields}
        turn.add(self.spec.done.of(turn.lang).format(**self._values(state), **told))
        order = turn.order(state.slots["order_id"]) if "order_id" in state.slots else None
        if order is not None:
            turn.cards.append(order_card(turn, order))


def _extracted(spec: TextSlot, text: str) -> str | None:
    for pattern in spec.extract:
        found = re.search(pattern, text, re.I)
        if found and found.group("value"):
            value = _valid(spec, found.group("value"))
            if value:
                return value
    return None


_LEAD = re.compile(r"^(?:it'?s|it is|please use|use|make it|就写|写|是|用|就用)\s*[:：]?\s*", re.I)


def _answer(spec: TextSlot, text: str) -> str | None:
    """The whole message as the awaited value, once it has the slot's shape."""
    if ex.is_no(text) or ex.is_yes(text):
        return None
    return _valid(spec, _LEAD.sub("", text.strip()))


def _valid(spec: TextSlot, value: str) -> str | None:
    value = re.sub(r"\s+", " ", value).strip(" \t\"'“”‘’「」。.,，!！")
    if not value or len(value) > spec.max_length or "\n" in value:
        return None
    if re.search(r"[<>{}]", value):  # markup or template braces: never a name or a note
        return None
    if spec.pattern and not re.fullmatch(spec.pattern, value):
        return None
    return value


def _shown(value: Any) -> str:
    """A field of the store's answer as shown to the customer: plain text, short."""
    text = re.sub(r"<[^>]*>|[{}]", "", str(value if value is not None else ""))
    return re.sub(r"\s+", " ", text).strip()[:120]


# ------------------------------------------------------------------ the tool over HTTP

_tools: dict[str, str] = {}
"""flow name -> the tool it registered, so a reload removes it again."""


def _language(session: Session, ctx: ToolContext) -> str:
    from kefu.store.models import Conversation

    if ctx.language in ("zh", "en"):
        return str(ctx.language)
    conversation = session.get(Conversation, ctx.conversation_id) if ctx.conversation_id else None
    return str(conversation.language) if conversation and conversation.language == "zh" else "en"


def _tool_function(spec: StoreFlowSpec) -> Any:
    """The tool's body (a write tool: audited, locked, idempotent via the write envelope)."""
    from kefu.orders._access import get_order
    from kefu.orders._write import write_tool
    from kefu.orders.errors import RuleViolation, ShopRefused, ShopUnavailable
    from kefu.stores.signing import sign

    tool = spec.tool

    def body(session: Session, ctx: ToolContext, **args: Any) -> dict[str, Any]:
        language = _language(session, ctx)
        order_facts: dict[str, Any] = {}
        if spec.order:
            order = get_order(session, ctx, args["order_id"])  # theirs, or "not found"
            if spec.statuses and order.status not in spec.statuses:
                raise RuleViolation(
                    f"Only orders that are {' or '.join(spec.statuses)} can be handled this way"
                )
            order_facts = {"order_id": order.id, "status": order.status}
        payload = json.dumps(
            {
                "flow": spec.name,
                "tool": tool.name,
                "arguments": args,
                "customer_id": ctx.customer_id,
                "conversation_id": ctx.conversation_id,
                "order": order_facts or None,
                "language": language,
            },
            ensure_ascii=False,
            sort_keys=True,
        ).encode()
        headers = {"Content-Type": "application/json"}
        secret = os.environ.get(tool.secret_env, "")
        if not secret:  # checked at load too; never call the store unsigned
            raise ShopUnavailable(language)
        headers["X-Kefu-Signature"] = sign(secret, payload)
        if ctx.idempotency_key:
            headers["Idempotency-Key"] = ctx.idempotency_key
        try:
            response = httpx.post(
                tool.url, content=payload, headers=headers, timeout=tool.timeout_s
            )
        except httpx.TimeoutException:
            raise ShopUnavailable(language, timed_out=True) from None
        except httpx.HTTPError:
            raise ShopUnavailable(language) from None
        if response.status_code == 429 or response.status_code >= 500:
            raise ShopUnavailable(language)
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise ShopRefused("unreadable answer", language)
        if response.status_code >= 400 or answer.get("ok") is False:
            message = answer.get("message")
            if isinstance(message, dict):
                message = message.get(language) or message.get("en")
            raise ShopRefused(_shown(message) or f"HTTP {response.status_code}", language)
        told = {f: _shown(answer.get(f)) for f in tool.result_fields if f in answer}
        return {**order_facts, **told}

    params = [
        inspect.Parameter("session", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD),
    ] + [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY)
        for name in (["order_id"] if spec.order else []) + [s.name for s in spec.slots]
    ]
    body.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    body.__name__ = body.__qualname__ = tool.name
    body.__doc__ = f"{spec.description} (served by the store over HTTP)."
    if spec.order:
        return write_tool("order", "order_id")(body)
    return write_tool("store", None)(body)


def _register_tool(spec: StoreFlowSpec) -> None:
    from kefu.orders.tools import TOOLS, ToolSpec, _Args

    if spec.tool.name in TOOLS:
        raise StoreFlowError(f"flow {spec.name}: a tool named {spec.tool.name!r} already exists")
    fields: dict[str, Any] = {}
    if spec.order:
        fields["order_id"] = (Annotated[str, Field(min_length=1, max_length=64)], ...)
    for slot in spec.slots:
        fields[slot.name] = (Annotated[str, Field(min_length=1, max_length=slot.max_length)], ...)
    model = create_model(f"{spec.tool.name}_args", __base__=_Args, **fields)
    function = _tool_function(spec)
    TOOLS[spec.tool.name] = ToolSpec(
        spec.tool.name, "write", model, function, function.__doc__ or ""
    )
    _tools[spec.name] = spec.tool.name


def forget_all() -> None:
    """Remove every tool the store's flows registered."""
    for name in list(_tools):
        forget(name)


def forget(name: str) -> None:
    """Remove the tool a store flow registered."""
    from kefu.orders.tools import TOOLS

    tool = _tools.pop(name, None)
    if tool:
        TOOLS.pop(tool, None)


def parse(data: Any, where: str = "flows") -> list[StoreFlowSpec]:
    """The flow specs of a loaded YAML document (``{"flows": [...]}``), validated."""
    if not isinstance(data, dict) or not isinstance(data.get("flows"), list):
        raise StoreFlowError(f"{where}: expected a mapping with a 'flows' list")
    specs = []
    for index, item in enumerate(data["flows"]):
        try:
            spec = StoreFlowSpec.model_validate(item)
        except ValidationError as exc:
            raise StoreFlowError(f"{where}: flow {index + 1}: {exc}") from None
        except re.error as exc:
            raise StoreFlowError(f"{where}: flow {index + 1}: bad pattern: {exc}") from None
        spec.check_templates()
        specs.append(spec)
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        raise StoreFlowError(f"{where}: two flows with one name")
    return specs


def load(path: str | Path) -> list[StoreFlow]:
    """The store's flows from a YAML file, each with its HTTP tool registered."""
    file = Path(path)
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise StoreFlowError(f"{file}: {exc}") from None
    from kefu.assistant.flows import FLOWS, FlowConflict

    specs = parse(data, str(file))
    for spec in specs:
        if spec.name in FLOWS:
            raise FlowConflict(f"{file}: a flow named {spec.name!r} is already registered")
        if not os.environ.get(spec.tool.secret_env):
            raise StoreFlowError(
                f"{file}: flow {spec.name}: set {spec.tool.secret_env}, the secret its tool "
                "calls are signed with (the store checks X-Kefu-Signature)"
            )
    flows = []
    for spec in specs:
        _register_tool(spec)
        flows.append(StoreFlow(spec))
    return flows
