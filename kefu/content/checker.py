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
    "ml|l|liters?|litres?|gb|tb|mb|mah|kw|w|watts?|v|volts?|inch(?:es)?|cm|mm|m|kg|g|lbs?|oz|"
    "hours?|hrs?|mp|hz|cups?|pieces?|pcs|mph|psi|k|x|%|"
    "years?|yrs?|months?|weeks?|days?|minutes?|mins?|feet|foot|ft|pounds?|ounces?|gallons?"
)
_NUMBER = re.compile(
    rf"(?<![A-Za-z0-9.])(\d+(?:,\d{{3}})*(?:\.\d+)?)(?:[\s-]?({_UNITS})(?![A-Za-z]))?",
    re.IGNORECASE,
)
_CURRENCY_UNITS = {"usd", "dollars", "dollar", "rmb", "yuan", "cny"}
_SIZE_LETTERS = re.compile(r"(?<![A-Za-z])(XXXL|XXL|XL|XS|S|M|L)(?![A-Za-z])")

_ZH_UNITS: dict[str, str] = {
    "年": "year",
    "个月": "month",
    "周": "week",
    "天": "day",
    "小时": "hour",
    "分钟": "minute",
    "毫升": "ml",
    "升": "l",
    "毫安时": "mah",
    "毫安": "mah",
    "瓦": "w",
    "伏": "v",
    "英寸": "inch",
    "寸": "inch",
    "厘米": "cm",
    "毫米": "mm",
    "公斤": "kg",
    "千克": "kg",
    "克": "g",
    "米": "m",
    "倍": "x",
}
"""Chinese measure words mapped to the unit the facts may spell in English."""
_ZH_COUNTERS = "种|款|色|个|件|只|套|条|片|层|档|项"
_ZH_UNIT_RE = "|".join(sorted(_ZH_UNITS, key=len, reverse=True))
_ZH_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_ZH_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_ZH_NUMERAL = re.compile(rf"([零一二两三四五六七八九十百]+)({_ZH_UNIT_RE}|{_ZH_COUNTERS})(?!四季)")
_DIGIT_ZH_UNIT = re.compile(rf"(?<![\d.])(\d+(?:\.\d+)?)\s?({_ZH_UNIT_RE})")
_EN_ONES = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_EN_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_EN_VALUE = {w: i + 1 for i, w in enumerate(_EN_ONES)} | {
    w: 20 + 10 * i for i, w in enumerate(_EN_TENS)
}
_EN_COUNTERS = (
    "colou?rs|sizes|styles|options|variants|models|versions|speeds|settings|modes|layers|"
    "shades|designs|flavou?rs|scents|choices|types|sets|packs|pieces|blades|ports|cups"
)
_EN_MEASURES = (
    "years?|months?|weeks?|days?|hours?|minutes?|liters?|litres?|inch(?:es)?|watts?|volts?|"
    "pounds?|ounces?|feet|foot|meters?|metres?|gallons?"
)
_EN_SPELLED = re.compile(
    rf"\b((?:{'|'.join(_EN_TENS)})(?:[\s-](?:{'|'.join(_EN_ONES[:9])}))?|"
    rf"{'|'.join(sorted(_EN_ONES, key=len, reverse=True))})"
    rf"[\s-]+(?:({_EN_MEASURES})|({_EN_COUNTERS}))\b",
    re.IGNORECASE,
)
_NEGATED_BEFORE = re.compile(r"(?:\bnot|\bno|\bnon|\bwithout|\bnever|不|无|没有|非)[\s-]{0,2}$")
_DENIED_AFTER = re.compile(r"^\s*[:：]?\s*(?:no\b|none\b|not\b|否|无)")


@dataclass(frozen=True)
class Violation:
    """One unsupported claim and the sentence that made it."""

    kind: str  # colour | material | size | number | feature
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
    found += _number_violations(sentence, facts, vocabulary)
    found += _feature_violations(sentence, facts)
    return found


def _zh_int(numeral: str) -> int | None:
    """Value of a Chinese numeral up to the hundreds (三, 十二, 二十五, 一百二十)."""
    total, current = 0, 0
    for char in numeral:
        if char in _ZH_DIGITS:
            current = _ZH_DIGITS[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def _spelled_en(words: str) -> int:
    return sum(_EN_VALUE[w] for w in re.split(r"[\s-]+", words.lower()) if w in _EN_VALUE)


def _number_violations(sentence: str, facts: ProductFacts, vocabulary: str) -> list[Violation]:
    """Digits, Chinese numerals and spelled-out English numbers, with or without a unit."""
    allowed = facts.numbers()
    found: list[Violation] = []
    rest = sentence

    def claim(text: str, value: Decimal, unit: str | None, *also: str) -> None:
        raw = str(value)
        if unit is not None:
            known = _unit_known(raw, unit, vocabulary) or any(a in vocabulary for a in also)
        else:
            known = value in allowed
        if not known:
            found.append(Violation("number", text, sentence))

    for match in _ZH_NUMERAL.finditer(sentence):
        numeral, word = match.groups()
        value = _zh_int(numeral)
        measure = _ZH_UNITS.get(word)
        # 一款/一个/一天 read as "a"; 一年/一小时 are real claims.
        if value is None or (numeral == "一" and measure not in ("year", "month", "hour")):
            continue
        claim(match.group(0), Decimal(value), measure, f"{value}{word}", match.group(0))
        rest = rest.replace(match.group(0), " ", 1)
    for match in _DIGIT_ZH_UNIT.finditer(rest):
        raw, word = match.groups()
        number = _to_number(raw)
        if number is not None:
            claim(match.group(0), number, _ZH_UNITS[word], f"{raw}{word}")
    rest = _DIGIT_ZH_UNIT.sub(" ", rest)
    for match in _EN_SPELLED.finditer(rest):
        words, measure, _counter = match.groups()
        value = _spelled_en(words)
        if measure is None and value == 1:
            continue
        claim(match.group(0), Decimal(value), measure.lower() if measure else None)
    rest = _EN_SPELLED.sub(" ", rest)
    for raw, unit in _NUMBER.findall(rest):
        number = _to_number(raw)
        if number is None:
            continue
        if unit and unit.lower() not in _CURRENCY_UNITS:
            if not _unit_known(raw, unit, vocabulary):
                found.append(Violation("number", f"{raw}{unit}", sentence))
        elif number not in allowed:
            found.append(Violation("number", raw, sentence))
    return found


def _feature_violations(sentence: str, facts: ProductFacts) -> list[Violation]:
    """Feature words (waterproof/防水, wireless/无线…) the product's data never mention."""
    supported_text = facts.feature_text()
    lowered = sentence.lower()
    found: list[Violation] = []
    for forms in _vocab.FEATURES.values():
        if any(_mentions(supported_text, form) for form in forms):
            continue
        for form in sorted(forms, key=len, reverse=True):
            match = _find(lowered, form)
            if match is None:
                continue
            before, after = lowered[: match[0]], lowered[match[1] :]
            if _NEGATED_BEFORE.search(before[-8:]) or _DENIED_AFTER.search(after[:8]):
                continue
            found.append(Violation("feature", form, sentence))
            break
    return found


def _find(text: str, form: str) -> tuple[int, int] | None:
    if re.search(r"[a-z]", form):
        match = re.search(rf"(?<![a-z]){re.escape(form)}(?![a-z])", text)
        return match.span() if match else None
    start = text.find(form)
    return (start, start + len(form)) if start >= 0 else None


def _mentions(text: str, form: str) -> bool:
    return _find(text, form) is not None


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
