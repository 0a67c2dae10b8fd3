"""The tool registry: names, argument models, schemas for a language model, one call path.

Arguments are validated with pydantic before any service function runs, so malformed input
from a model or an HTTP client becomes a clear ``invalid_arguments`` result, never a crash.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.orm import Session

from kefu.orders import service
from kefu.orders.context import ToolContext
from kefu.orders.errors import InvalidArguments, OrderError, UnknownTool

Id = Annotated[str, Field(min_length=1, max_length=64)]
Text = Annotated[str, Field(max_length=255)]
Ids = Annotated[list[Id], Field(min_length=1, max_length=50)]


class _Args(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class NoArgs(_Args):
    pass


class EmailArgs(_Args):
    email: Annotated[str, Field(min_length=1, max_length=255, description="The customer's email.")]


class NameZipArgs(_Args):
    first_name: Annotated[
        str, Field(min_length=1, max_length=120, description="First name, e.g. 'John'.")
    ]
    last_name: Annotated[
        str, Field(min_length=1, max_length=120, description="Last name, e.g. 'Doe'.")
    ]
    zip: Annotated[str, Field(min_length=1, max_length=20, description="Zip code, e.g. '12345'.")]


class UserIdArgs(_Args):
    user_id: Annotated[Id, Field(description="The user id, e.g. 'sara_doe_496'.")]


class OptionalUserIdArgs(_Args):
    user_id: Annotated[
        str | None,
        Field(
            default=None,
            min_length=1,
            max_length=64,
            description="The user id; omit for the authenticated customer.",
        ),
    ]


class OrderIdArgs(_Args):
    order_id: Annotated[Id, Field(description="The order id, e.g. '#W0000000' (with the '#').")]


class ProductIdArgs(_Args):
    product_id: Annotated[
        Id, Field(description="The product id, e.g. '6086499569' (not an item id).")
    ]


class ItemIdArgs(_Args):
    item_id: Annotated[Id, Field(description="The item (variant) id, e.g. '1008292230'.")]


class ExpressionArgs(_Args):
    expression: Annotated[
        str,
        Field(
            min_length=1,
            max_length=500,
            description="Arithmetic, e.g. '2 + 2' or '(12.5 - 3) * 2'.",
        ),
    ]


class SummaryArgs(_Args):
    summary: Annotated[
        str, Field(min_length=1, max_length=4000, description="The customer's issue, in brief.")
    ]


class CancelArgs(OrderIdArgs):
    reason: Annotated[
        str,
        Field(
            min_length=1, max_length=120, description="'no longer needed' or 'ordered by mistake'."
        ),
    ]


class _AddressFields(_Args):
    address1: Annotated[Text, Field(min_length=1, description="First line, e.g. '123 Main St'.")]
    address2: Annotated[Text, Field(description="Second line, e.g. 'Apt 1' or ''.")]
    city: Annotated[Text, Field(min_length=1, description="City, e.g. 'San Francisco'.")]
    state: Annotated[Text, Field(min_length=1, description="State, e.g. 'CA'.")]
    country: Annotated[Text, Field(min_length=1, description="Country, e.g. 'USA'.")]
    zip: Annotated[str, Field(min_length=1, max_length=20, description="Zip code, e.g. '12345'.")]


class OrderAddressArgs(_AddressFields):
    order_id: Annotated[Id, Field(description="The order id, e.g. '#W0000000'.")]


class UserAddressArgs(_AddressFields):
    user_id: Annotated[Id, Field(description="The user id, e.g. 'sara_doe_496'.")]


class PaymentArgs(OrderIdArgs):
    payment_method_id: Annotated[
        Id,
        Field(
            description="A saved payment method id of the order's customer, e.g. 'paypal_0000000'."
        ),
    ]


class ItemsSwapArgs(PaymentArgs):
    item_ids: Annotated[
        Ids, Field(description="Item ids to change; list an id twice to change two units.")
    ]
    new_item_ids: Annotated[
        Ids, Field(description="The new item ids, in the same order as item_ids.")
    ]


class ReturnArgs(PaymentArgs):
    item_ids: Annotated[
        Ids, Field(description="Item ids to return; list an id twice to return two units.")
    ]


ToolKind = Literal["read", "write"]


@dataclass(frozen=True)
class ToolSpec:
    """One tool: its name, whether it writes, its argument model and the function behind it."""

    name: str
    kind: ToolKind
    args_model: type[BaseModel]
    function: Callable[..., Any]
    description: str = field(default="")

    def schema(self) -> dict[str, Any]:
        """OpenAI-style function schema for a language model."""
        params = self.args_model.model_json_schema()
        params.pop("title", None)
        for prop in params.get("properties", {}).values():
            prop.pop("title", None)
        return {
            "type": "function",
            "function": {"name": self.name, "description": self.description, "parameters": params},
        }


@dataclass(frozen=True)
class ToolResult:
    """What a tool call produced: ``data`` on success, else ``code`` and ``error`` (the message).

    ``message`` is the text to show a language model: the data as JSON, or "Error: ...".
    """

    ok: bool
    data: Any = None
    error: str | None = None
    code: str | None = None
    message: str = ""
    http_status: int = 200


def _spec(kind: ToolKind, args_model: type[BaseModel], fn: Callable[..., Any]) -> ToolSpec:
    return ToolSpec(fn.__name__, kind, args_model, fn, inspect.getdoc(fn) or "")


TOOLS: dict[str, ToolSpec] = {
    spec.name: spec
    for spec in (
        _spec("read", EmailArgs, service.find_user_id_by_email),
        _spec("read", NameZipArgs, service.find_user_id_by_name_zip),
        _spec("read", UserIdArgs, service.get_user_details),
        _spec("read", OrderIdArgs, service.get_order_details),
        _spec("read", ProductIdArgs, service.get_product_details),
        _spec("read", ItemIdArgs, service.get_item_details),
        _spec("read", NoArgs, service.list_all_product_types),
        _spec("read", OrderIdArgs, service.track_order),
        _spec("read", OptionalUserIdArgs, service.order_history),
        _spec("read", ExpressionArgs, service.calculate),
        _spec("write", CancelArgs, service.cancel_pending_order),
        _spec("write", OrderAddressArgs, service.modify_pending_order_address),
        _spec("write", PaymentArgs, service.modify_pending_order_payment),
        _spec("write", ItemsSwapArgs, service.modify_pending_order_items),
        _spec("write", ReturnArgs, service.return_delivered_order_items),
        _spec("write", ItemsSwapArgs, service.exchange_delivered_order_items),
        _spec("write", UserAddressArgs, service.modify_user_address),
        _spec("write", SummaryArgs, service.transfer_to_human_agents),
    )
}


def tool_schemas(kind: ToolKind | None = None) -> list[dict[str, Any]]:
    """Function schemas of every tool (or only reads / writes) for a language model."""
    return [spec.schema() for spec in TOOLS.values() if kind is None or spec.kind == kind]


def _failure(exc: OrderError, data: Any = None) -> ToolResult:
    return ToolResult(
        ok=False,
        data=data,
        error=exc.message,
        code=exc.code,
        message=f"Error: {exc.message}",
        http_status=exc.http_status,
    )


def _describe(exc: ValidationError) -> tuple[str, list[dict[str, Any]]]:
    errors = exc.errors(include_url=False, include_context=False, include_input=False)
    parts = [f"{'.'.join(str(p) for p in e['loc']) or 'arguments'}: {e['msg']}" for e in errors]
    return "Invalid arguments: " + "; ".join(parts), [dict(e) for e in errors]


def call_tool(session: Session, name: str, args: dict[str, Any], ctx: ToolContext) -> ToolResult:
    """Validate ``args`` and run the tool; rule violations come back as a failed result.

    Write tools commit (or roll back) their own transaction; see :mod:`kefu.orders._write`.
    """
    spec = TOOLS.get(name)
    if spec is None:
        return _failure(UnknownTool(name))
    try:
        parsed = spec.args_model.model_validate(args)
    except ValidationError as exc:
        message, details = _describe(exc)
        return _failure(InvalidArguments(message), data=details)
    try:
        data = spec.function(session, ctx, **parsed.model_dump())
    except OrderError as exc:
        return _failure(exc)
    return ToolResult(ok=True, data=data, message=service.render(data))
