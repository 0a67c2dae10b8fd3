"""Language understanding: language, intents, entities, sentiment; shared sentence encoder."""
