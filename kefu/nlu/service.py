"""``parse()``: everything kefu understands about one customer message, in one call."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from kefu.nlu.entities import Entity, extract_entities
from kefu.nlu.frustration import Frustration, frustration_score
from kefu.nlu.intents import IntentScore, get_intent_classifier
from kefu.nlu.language import Language, detect_language


class MessageSentiment(BaseModel):
    """Polarity from the reviews sentiment model (``kefu.reviews.sentiment``)."""

    label: Literal["positive", "neutral", "negative"]
    score: float = Field(ge=-1.0, le=1.0)
    confidence: float = Field(ge=0.0, le=1.0)


class ParseResult(BaseModel):
    """Language, intent, entities and mood of one message.

    ``confidence`` is a calibrated probability; ``intent`` is ``out_of_scope`` when the
    message matches no known intent well enough. ``sentiment`` is None when the reviews
    sentiment model is not installed.
    """

    text: str
    language: Language
    intent: str
    confidence: float = Field(ge=0.0, le=1.0)
    alternatives: list[IntentScore]
    entities: list[Entity]
    sentiment: MessageSentiment | None
    frustration: Frustration


def parse(
    text: str,
    *,
    known_products: Sequence[str] | None = None,
    known_options: Sequence[str] | None = None,
    previous_messages: list[str] | None = None,
    today: date | None = None,
) -> ParseResult:
    """Understand one customer message (zh, en or mixed) with the default intent model.

    ``known_products``/``known_options`` are catalogue names and option values to spot;
    ``previous_messages`` are the customer's earlier turns (repetition raises frustration).
    """
    from kefu.config import get_settings

    language = detect_language(text)
    if text.strip():
        prediction = get_intent_classifier().predict([text])[0]
        intent, confidence, alternatives = (
            prediction.intent,
            prediction.confidence,
            prediction.alternatives,
        )
    else:
        intent, confidence, alternatives = "out_of_scope", 1.0, []
    entities = extract_entities(
        text,
        known_products=known_products,
        known_options=known_options,
        order_id_patterns=get_settings().nlu_order_id_patterns,
        today=today,
    )
    return ParseResult(
        text=text,
        language=language,
        intent=intent,
        confidence=confidence,
        alternatives=alternatives,
        entities=entities,
        sentiment=_sentiment(text, language),
        frustration=frustration_score(text, previous_messages=previous_messages),
    )


def _sentiment(text: str, language: str) -> MessageSentiment | None:
    """Review sentiment when that package part is present; chat works without it."""
    try:
        from kefu.reviews.sentiment import analyze_sentiment
    except ImportError:
        return None
    result = analyze_sentiment(text, language if language in {"zh", "en"} else None)
    return MessageSentiment(
        label=result.label,
        score=max(-1.0, min(1.0, float(result.score))),
        confidence=max(0.0, min(1.0, float(result.confidence))),
    )
