"""Eighth pass on English aspects (#18): words for an aspect the lists lacked, and aspect words
that appear without an opinion about that aspect. Sentences written for these tests."""

from kefu.reviews.aspects import extract_aspects


def _aspects(text: str) -> dict[str, str]:
    return {o.aspect: o.label for o in extract_aspects(text, "en")}


def test_waiting_for_it_to_get_here_is_shipping() -> None:
    assert _aspects("Ten days and the blender still didn't get here.") == {"shipping": "negative"}


def test_a_span_of_time_alone_is_not_a_quality_opinion() -> None:
    got = _aspects("It's been two weeks and the order still hasn't shipped.")
    assert "quality" not in got and got.get("shipping") == "negative"


def test_unanswered_messages_are_service() -> None:
    got = _aspects("I sent four emails and none were answered.")
    assert "service" in got and "quality" not in got


def test_free_shipping_is_the_price_not_the_delivery() -> None:
    got = _aspects("Cheap, with free delivery too, a real bargain.")
    assert "price" in got and "shipping" not in got


def test_a_count_of_boxes_is_not_packaging() -> None:
    assert "packaging" not in _aspects("The kids adore these snacks, I ordered five more boxes.")


def test_loose_sockets_are_quality_not_size() -> None:
    got = _aspects("The extension lead's sockets are loose and the plug keeps slipping out.")
    assert "size" not in got and got.get("quality") == "negative"


def test_shoes_that_pinch_are_a_size_complaint() -> None:
    assert _aspects("These sneakers pinch at the toes.").get("size") == "negative"


def test_not_knowing_how_it_works_yet_holds_no_quality_opinion() -> None:
    assert "quality" not in _aspects("A present for my dad, no idea yet how it works.")
