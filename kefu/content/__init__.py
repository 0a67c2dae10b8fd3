"""Grounded product copy (descriptions, selling points, titles, marketing) in zh and en."""

from kefu.content.checker import Violation, check_copy, repair_copy
from kefu.content.facts import ProductFacts, product_facts
from kefu.content.service import ContentError, Copy, describe, describe_catalog, describe_product_id

__all__ = [
    "ContentError",
    "Copy",
    "ProductFacts",
    "Violation",
    "check_copy",
    "describe",
    "describe_catalog",
    "describe_product_id",
    "product_facts",
    "repair_copy",
]
