"""Language understanding: language, intents, entities, sentiment; shared sentence encoder.

The public surface is re-exported here; modules below are implementation.
"""

from kefu.nlu.entities import Entity, extract_entities
from kefu.nlu.frustration import Frustration, frustration_score
from kefu.nlu.intents import (
    OUT_OF_SCOPE,
    IntentClassifier,
    IntentPrediction,
    IntentScore,
    get_intent_classifier,
    train_from_file,
)
from kefu.nlu.language import detect_language
from kefu.nlu.service import MessageSentiment, ParseResult, parse
from kefu.nlu.training_data import Example, TrainingDataError, load_examples

__all__ = [
    "OUT_OF_SCOPE",
    "Entity",
    "Example",
    "Frustration",
    "IntentClassifier",
    "IntentPrediction",
    "IntentScore",
    "MessageSentiment",
    "ParseResult",
    "TrainingDataError",
    "detect_language",
    "extract_entities",
    "frustration_score",
    "get_intent_classifier",
    "load_examples",
    "parse",
    "train_from_file",
]
