"""Catalogue vocabulary for entity extraction, read from the store.

``extract_entities`` takes plain lists so it works without a database; this helper builds
those lists from the store's products and variant options.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.store.models import Product, Variant


def catalogue_terms(session: Session) -> tuple[list[str], list[str]]:
    """``(product names incl. zh/en names, distinct option values)``, sorted."""
    names: set[str] = set()
    for name, name_zh, name_en in session.execute(
        select(Product.name, Product.name_zh, Product.name_en)
    ):
        names.update(n.strip() for n in (name, name_zh, name_en) if n and n.strip())
    options: set[str] = set()
    for (opts,) in session.execute(select(Variant.options)):
        for value in (opts or {}).values():
            text = str(value).strip()
            if text and text.lower() not in {"none", "yes", "no"}:
                options.add(text)
    return sorted(names), sorted(options)
