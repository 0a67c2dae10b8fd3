"""The requests the assistant can carry out, one module each.

Every module in this folder whose name does not start with an underscore defines one flow
(a :class:`~kefu.assistant.flows.base.Flow` named ``FLOW``) and is registered at import:
adding a built-in request means adding a file here. A store adds its own requests without
editing kefu, declared in a YAML file (``KEFU_STORE_FLOWS``, ending in a tool the store
serves over HTTP; see :mod:`kefu.assistant.flows._store`) or as Python classes published
under the ``kefu.flows`` entry-point group. docs/assistant.md has a worked example.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from importlib.metadata import entry_points

from kefu.assistant.flows.base import Flow, order_card

log = logging.getLogger(__name__)

FLOWS: dict[str, Flow] = {}
"""Every registered flow by name (built-ins first, then the store's own)."""
BUILT_IN: frozenset[str]


class FlowConflict(ValueError):
    """A flow registered under a name already taken."""


def register(flow: Flow) -> Flow:
    """Add a flow; a name already registered (a built-in above all) is refused."""
    if not getattr(flow, "name", ""):
        raise FlowConflict("a flow needs a name")
    if flow.name in FLOWS and FLOWS[flow.name] is not flow:
        raise FlowConflict(f"a flow named {flow.name!r} is already registered")
    FLOWS[flow.name] = flow
    return flow


def unregister(name: str) -> None:
    """Remove a store's flow (built-in ones stay)."""
    if name in BUILT_IN:
        raise FlowConflict(f"{name!r} is built in")
    FLOWS.pop(name, None)


def get(name: str) -> Flow:
    return FLOWS[name]


def matching(text: str) -> str | None:
    """The store's own flow that the message asks for in its words, if any (the first)."""
    for name, flow in FLOWS.items():
        if name not in BUILT_IN and flow.matches(text):
            return name
    return None


def _load_built_in() -> frozenset[str]:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_") or info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        register(module.FLOW)
    return frozenset(FLOWS)


BUILT_IN = _load_built_in()

_loaded: tuple[str, ...] | None = None


def reset_store_flows() -> None:
    """Remove every store flow and its tool (the next load reads the settings again)."""
    global _loaded
    from kefu.assistant.flows import _store

    for name in [n for n in FLOWS if n not in BUILT_IN]:
        FLOWS.pop(name, None)
    _store.forget_all()
    _loaded = None


def load_store_flows(path: str = "") -> list[str]:
    """Register the store's flows: the YAML file ``path`` (else ``KEFU_STORE_FLOWS``) and
    the ``kefu.flows`` entry points. Loaded once per path; a bad file raises with the reason,
    so a misconfigured store fails at start, not in the middle of a customer's request."""
    global _loaded
    from kefu.config import get_settings

    path = path or get_settings().store_flows.strip()
    key = (path,)
    if _loaded == key:
        return [n for n in FLOWS if n not in BUILT_IN]
    from kefu.assistant.flows import _store

    reset_store_flows()
    try:
        if path:
            for flow in _store.load(path):
                register(flow)
    except Exception:
        reset_store_flows()  # all of the file or none of it
        raise
    for entry in entry_points(group="kefu.flows"):
        try:
            flow = entry.load()
            register(flow() if isinstance(flow, type) else flow)
        except FlowConflict:
            raise
        except Exception:  # a broken plugin must not take the store's chat down
            log.exception("flow plugin %s failed to load", entry.name)
    _loaded = key
    return [n for n in FLOWS if n not in BUILT_IN]


__all__ = [
    "BUILT_IN",
    "FLOWS",
    "Flow",
    "FlowConflict",
    "get",
    "load_store_flows",
    "matching",
    "order_card",
    "register",
    "reset_store_flows",
    "unregister",
]
