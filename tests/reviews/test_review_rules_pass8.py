"""Eighth pass on English review polarity (#18): praise phrased with a negator, warnings,
durability and listing-match praise, "like" used to compare, praise wrapped round a failure.

The sentences are written for these tests; none comes from the review sets.
"""

import pytest

from kefu.reviews.sentiment import analyze_review_sentiment, lexicon_score, sarcasm_cue


@pytest.mark.parametrize(
    "text",
    [
        "Honestly I cannot praise this kettle enough.",
        "Three months on and the blender is still going strong.",
        "The torch keeps its charge for weeks.",
        "The lamp does just what it promises.",
        "Colour and shape exactly as shown on the page.",
        "Sizing was spot on for my son.",
    ],
)
def test_praise_phrases_read_positive(text: str) -> None:
    assert lexicon_score(text, "en", wide=True) > 0


@pytest.mark.parametrize(
    "text",
    [
        "Do not waste your cash on these earbuds.",
        "The air mattress went flat overnight.",
        "Bluetooth keeps disconnecting during calls.",
        "The jacket is not waterproof at all.",
        "The soap smells odd and left a rash.",
        "The table wobbles whenever I lean on it.",
    ],
)
def test_complaint_phrases_read_negative(text: str) -> None:
    assert lexicon_score(text, "en", wide=True) < 0


def test_like_that_compares_is_not_praise() -> None:
    assert lexicon_score("The sauce tastes like it was left open for a week.", "en", True) <= 0
    assert lexicon_score("The cushion looks like it was sat on for years.", "en", True) <= 0


def test_comparison_with_the_listing_is_not_praise_when_negated() -> None:
    assert lexicon_score("Not nearly as soft as advertised.", "en", wide=True) < 0
    assert lexicon_score("Works exactly as advertised.", "en", wide=True) > 0


def test_praise_wrapped_round_a_failure_is_sarcasm() -> None:
    text = "Just adore how the zipper snapped on day two."
    assert sarcasm_cue(text, "en")
    assert analyze_review_sentiment(text, "en").label == "negative"


def test_warning_review_is_negative() -> None:
    assert analyze_review_sentiment("Don't waste your money on this toaster.", "en").label == (
        "negative"
    )
