"""What may be said about a product: its real attributes, gathered from every variant."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from kefu.content._vocab import NEGATIVE_VALUES
from kefu.store.models import Product

_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True)
class ProductFacts:
    """A product's name, category, option values and price range (the only allowed claims)."""

    product_id: str
    name: str
    name_zh: str | None
    category: str | None
    options: dict[str, list[str]]
    price_min: Decimal
    price_max: Decimal
    variants: int
    available: int
    prices: frozenset[Decimal] = field(default_factory=frozenset)
    description: str | None = None

    def vocabulary(self) -> str:
        """All fact text, lower-cased: claims of words must be found in here."""
        parts = [self.name, self.name_zh or "", self.category or "", self.description or ""]
        for key, values in self.options.items():
            parts.append(key)
            parts.extend(values)
        return " | ".join(parts).lower()

    def feature_text(self) -> str:
        """Fact text that can support a feature claim: an option key counts only when some
        variant affirms it (``waterproof: yes``), never when every value denies it."""
        parts = [self.name, self.name_zh or "", self.category or "", self.description or ""]
        for key, values in self.options.items():
            affirmed = [v for v in values if v.strip().lower() not in NEGATIVE_VALUES]
            parts.extend(affirmed)
            if affirmed:
                parts.append(key)
        return " | ".join(parts).lower()

    def numbers(self) -> set[Decimal]:
        """Every number a text may state: in option values, prices and counts."""
        found = {Decimal(m) for m in _NUMBER.findall(self.vocabulary())}
        found |= set(self.prices) | {self.price_min, self.price_max}
        found |= {Decimal(self.variants), Decimal(self.available)}
        found |= {Decimal(len(v)) for v in self.options.values()}
        return {n.normalize() for n in found}


def product_facts(product: Product) -> ProductFacts:
    """Facts of ``product`` from all its variants (options of unavailable ones included)."""
    options: dict[str, list[str]] = {}
    for variant in product.variants:
        for key, value in (variant.options or {}).items():
            values = options.setdefault(str(key), [])
            if str(value) not in values:
                values.append(str(value))
    prices = [Decimal(v.price) for v in product.variants]
    return ProductFacts(
        product_id=product.id,
        name=product.name,
        name_zh=product.name_zh,
        category=product.category,
        options={k: sorted(v) for k, v in options.items()},
        price_min=min(prices) if prices else Decimal(0),
        price_max=max(prices) if prices else Decimal(0),
        variants=len(product.variants),
        available=sum(1 for v in product.variants if v.available),
        prices=frozenset(prices),
        description=product.description,
    )
