"""The fact checker: every colour, material, size and number in generated copy must be one
of the product's real attributes; sentences that claim anything else are removed.

Claims are found by vocabulary (colours, materials, clothing sizes; zh words mapped to the
en attribute word) and by pattern (every number, so prices, capacities, wattages, screen
sizes and counts are all checked against the numbers the facts contain).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from kefu.content import _vocab
from kefu.content.facts import ProductFacts

_UNITS = (
    "ml|l|liters?|litres?|gb|tb|mb|mah|kw|w|watts?|v|volts?|inch(?:es)?|-inch|cm|mm|m|kg|g|lbs?|oz|"
    "hours?|hrs?|mp|hz|cups?|pieces?|pcs|mph|psi|k|x|%"
)
_NUMBER = re.compile(
    rf"(?<![A-Za-z0-9.])(\d+(?:,\d{{3}})*(?:\.\d+)?)(?:\s?({_UNITS})(?![A-Za-z]))?", re.IGNORECASE
)
_CURRENCY_UNITS = {"usd", "dollars", "dollar", "rmb", "yuan", "cny"}
_SIZE_LETTERS = re.compile(r"(?<![A-Za-z])(XXXL|XXL|XL|XS|S|M|L)(?![A-Za-z])")


@dataclass(frozen=True)
class Violation:
    """One unsupported claim and the sentence that made it."""

    kind: str  # colour | material | size | number
    claim: str
    sentence: str


def split_sentences(text: str) -> list[str]:
    """Sentences with their end punctuation kept (zh and en)."""
    parts: list[str] = []
    for line in text.splitlines(keepends=True):
        for chunk in re.split(r"(?<=[。！？；!?])|(?<=\.)\s+(?=\S)", line):
            if chunk and chunk.strip():
                parts.append(chunk)
    return parts


def _words_present(text: str, words: frozenset[str]) -> list[str]:
    lowered = text.lower()
    found = []
    for word in sorted(words, key=len, reverse=True):
        if re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", lowered):
            found.append(word)
            lowered = lowered.replace(word, " ")
    return found


def _known(word: str, vocabulary: str) -> bool:
    alternatives = {
        word,
        word.replace("grey", "gray"),
        word.replace("gray", "grey"),
        word.replace("aluminium", "aluminum"),
        word.removesuffix("en"),
    }
    return any(re.search(rf"(?<![a-z]){re.escape(a)}(?![a-z])", vocabulary) for a in alternatives)


def _to_number(raw: str) -> Decimal | None:
    try:
        return Decimal(raw.replace(",", "")).normalize()
    except InvalidOperation:
        return None


def _unit_known(raw: str, unit: str, vocabulary: str) -> bool:
    """A number with a unit ("2L", "10 hours") must appear with that unit in the facts."""
    unit = unit.lower().lstrip("-")
    squashed = re.sub(r"-(?=[a-z])", "", vocabulary.replace(" ", ""))
    for form in (f"{raw}{unit}", f"{raw}{unit}s", f"{raw}{unit.removesuffix('s')}"):
        if re.search(rf"(?<![\d.]){re.escape(form)}(?![0-9])", squashed):
            return True
    return False


def sentence_violations(sentence: str, facts: ProductFacts) -> list[Violation]:
    """Unsupported claims in one sentence."""
    vocabulary = facts.vocabulary()
    found: list[Violation] = []
    for kind, en_words, zh_map in (
        ("colour", _vocab.COLOURS_EN, _vocab.COLOURS_ZH),
        ("material", _vocab.MATERIALS_EN, _vocab.MATERIALS_ZH),
    ):
        for word in _words_present(sentence, en_words):
            if not _known(word, vocabulary):
                found.append(Violation(kind, word, sentence))
        rest = sentence
        for zh in sorted(zh_map, key=len, reverse=True):
            if zh in rest:
                rest = rest.replace(zh, " ")
                if zh not in vocabulary and not _known(zh_map[zh], vocabulary):
                    found.append(Violation(kind, zh, sentence))
    sizes = {v.lower() for v in facts.options.get("size", [])}
    for letter in _SIZE_LETTERS.findall(sentence):
        if letter.lower() not in sizes and len(letter) > 1:
            found.append(Violation("size", letter, sentence))
    allowed = facts.numbers()
    for raw, unit in _NUMBER.findall(sentence):
        number = _to_number(raw)
        if number is None:
            continue
        if unit and unit.lower() not in _CURRENCY_UNITS:
            if not _unit_known(raw, unit, vocabulary):
                found.append(Violation("number", f"{raw}{unit}", sentence))
        elif number not in allowed:
            found.append(Violation("number", raw, sentence))
    return found


def check_copy(text: str, facts: ProductFacts) -> list[Violation]:
    """Every unsupported claim in ``text``."""
    return [v for s in split_sentences(text) for v in sentence_violations(s, facts)]


def repair_copy(text: str, facts: ProductFacts) -> tuple[str, list[Violation]]:
    """``text`` without the sentences that make unsupported claims, and what was removed."""
    kept: list[str] = []
    removed: list[Violation] = []
    for sentence in split_sentences(text):
        problems = sentence_violations(sentence, facts)
        if problems:
            removed.extend(problems)
        else:
            kept.append(sentence)
    return "".join(kept).strip(), removed
