"""The demo store: tau2-bench retail (English) plus a small Chinese catalogue, loaded idempotently."""

from kefu.demo.loader import load_demo

__all__ = ["load_demo"]
