"""The demo store: tau2-bench retail (English) and a small Chinese catalogue."""

from kefu.demo.loader import load_demo

__all__ = ["load_demo"]
