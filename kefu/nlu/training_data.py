"""Reading intent training examples from YAML or CSV, with errors that say where.

A store owner edits these files by hand, so a mistake must name the file, the row or
intent and what is wrong, and must never produce a half-trained model.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import yaml
from pydantic import BaseModel

from kefu.nlu.language import detect_language

DEFAULT_INTENTS_FILE = Path(__file__).resolve().parent / "data" / "intents.yaml"


class TrainingDataError(ValueError):
    """The training file cannot be used; the message says why and where."""


class Example(BaseModel):
    """One labelled message."""

    text: str
    intent: str
    language: str


def load_examples(path: Path | str) -> list[Example]:
    """All examples in a ``.yaml``/``.yml`` or ``.csv`` file.

    YAML: ``intents: {name: {en: [...], zh: [...]}}`` (or a plain list of texts per intent),
    or a top-level list of ``{text, intent, language?}``. CSV: header ``text,intent`` and an
    optional ``language`` column. Missing languages are detected from the text.
    """
    path = Path(path)
    if not path.is_file():
        raise TrainingDataError(f"{path}: no such file")
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise TrainingDataError(f"{path}: not UTF-8 text ({exc.reason})") from None
    suffix = path.suffix.lower()
    if suffix in {".yaml", ".yml"}:
        examples = _from_yaml(raw, path)
    elif suffix == ".csv":
        examples = _from_csv(raw, path)
    else:
        raise TrainingDataError(f"{path}: expected a .yaml, .yml or .csv file")
    _validate(examples, path)
    return examples


def _from_yaml(raw: str, path: Path) -> list[Example]:
    try:
        doc = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise TrainingDataError(f"{path}: invalid YAML: {exc}") from None
    if isinstance(doc, list):
        return [_row(item, i, path) for i, item in enumerate(doc, 1)]
    if not isinstance(doc, dict) or not isinstance(doc.get("intents"), dict):
        raise TrainingDataError(
            f"{path}: expected a mapping with an 'intents' mapping, or a list of examples"
        )
    examples: list[Example] = []
    for intent, body in doc["intents"].items():
        if isinstance(body, list):
            groups: dict[str | None, object] = {None: body}
        elif isinstance(body, dict):
            groups = {lang: texts for lang, texts in body.items() if lang not in {"description"}}
        else:
            raise TrainingDataError(
                f"{path}: intent {intent!r} must map languages to lists of texts"
            )
        for lang, texts in groups.items():
            if not isinstance(texts, list):
                raise TrainingDataError(
                    f"{path}: intent {intent!r}, {lang}: expected a list of texts"
                )
            for n, text in enumerate(texts, 1):
                if not isinstance(text, str | int | float) or isinstance(text, bool):
                    raise TrainingDataError(
                        f"{path}: intent {intent!r}, {lang} #{n}: not a text: {text!r}"
                    )
                value = str(text).strip()
                if not value:
                    raise TrainingDataError(f"{path}: intent {intent!r}, {lang} #{n}: empty text")
                examples.append(
                    Example(text=value, intent=str(intent), language=lang or _lang(value))
                )
    return examples


def _row(item: object, n: int, path: Path) -> Example:
    if (
        not isinstance(item, dict)
        or not isinstance(item.get("text"), str)
        or not item.get("intent")
    ):
        raise TrainingDataError(
            f"{path}: item {n}: expected {{text, intent}} with non-empty values"
        )
    text = item["text"].strip()
    if not text:
        raise TrainingDataError(f"{path}: item {n}: empty text")
    return Example(
        text=text,
        intent=str(item["intent"]).strip(),
        language=str(item.get("language") or _lang(text)),
    )


def _from_csv(raw: str, path: Path) -> list[Example]:
    reader = csv.DictReader(io.StringIO(raw))
    fields = {f.strip().lower() for f in reader.fieldnames or []}
    if not {"text", "intent"} <= fields:
        raise TrainingDataError(
            f"{path}: CSV header must include 'text' and 'intent' (found {sorted(fields)})"
        )
    examples = []
    for line, row in enumerate(reader, 2):
        clean = {
            (k or "").strip().lower(): (v or "").strip()
            for k, v in row.items()
            if isinstance(v, str)
        }
        if not clean.get("text") or not clean.get("intent"):
            raise TrainingDataError(f"{path}: line {line}: empty text or intent")
        text = clean["text"]
        examples.append(
            Example(
                text=text, intent=clean["intent"], language=clean.get("language") or _lang(text)
            )
        )
    return examples


def _lang(text: str) -> str:
    detected = detect_language(text)
    return detected if detected in {"zh", "en"} else "other"


def _validate(examples: list[Example], path: Path) -> None:
    counts = Counter(e.intent for e in examples)
    if len(counts) < 2:
        raise TrainingDataError(f"{path}: need at least 2 intents, found {len(counts)}")
    thin = sorted(i for i, c in counts.items() if c < 2)
    if thin:
        raise TrainingDataError(f"{path}: intents with fewer than 2 examples: {', '.join(thin)}")
