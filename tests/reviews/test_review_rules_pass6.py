"""Behaviour classes fixed in the sixth and seventh rule passes (issue #18).

Each case is worded fresh here (not copied from a review set) and failed before the passes.
"""

from __future__ import annotations

import pytest

from kefu.reviews.aspects import extract_aspects
from kefu.reviews.sentiment import (
    analyze_review_sentiment,
    lexicon_score,
    neutral_cue,
    sarcasm_cue,
)


def _aspects(text: str, language: str) -> dict[str, str]:
    return {o.aspect: o.label for o in extract_aspects(text, language)}


# --- sarcasm and faint praise ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("颜色还行，也就这一个优点", "zh"),
        ("The colour is nice, that's the only good thing about it.", "en"),
        ("用了三天就坏了，真棒呢", "zh"),
        ("It died after a week. Amazing.", "en"),
        ("Great, another cable that frayed in a month.", "en"),
        ("用了两次就坏了，真是好质量", "zh"),
    ],
)
def test_faint_praise_and_closing_praise_after_a_complaint_are_sarcasm(
    text: str, language: str
) -> None:
    assert sarcasm_cue(text, language)


@pytest.mark.parametrize(
    ("text", "language"),
    [("很好用，真棒呢", "zh"), ("Works great and looks great. Amazing.", "en")],
)
def test_closing_praise_after_praise_is_no_sarcasm(text: str, language: str) -> None:
    assert not sarcasm_cue(text, language)


# --- neutral: indecision, status read back ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("物流显示后天送到", "zh"),
        ("Tracking says it comes Monday.", "en"),
        ("有时候好用有时候不好用，还在犹豫要不要退", "zh"),
        ("I'm on the fence about this one.", "en"),
    ],
)
def test_stated_indecision_and_delivery_status_are_neutral_cues(text: str, language: str) -> None:
    assert neutral_cue(text, language)


def test_a_plain_opinion_is_no_neutral_cue() -> None:
    assert not neutral_cue("物流很快，东西很好", "zh")
    assert not neutral_cue("Fast shipping and a great lamp.", "en")


# --- negation: negated defects, 'not too', imagined difficulty, cross-clause turns -------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("拆开检查了，一个划痕都没有", "zh"),
        ("用了半年没出过任何问题", "zh"),
        ("没有想象中难装", "zh"),
        ("超级无敌好用", "zh"),
        ("Not a single chip on any of the plates.", "en"),
        ("The jam is not too sweet.", "en"),
        ("I was worried it would be loud, but it isn't at all.", "en"),
        ("The toy survived countless drops.", "en"),
    ],
)
def test_negated_defects_and_proved_wrong_worries_read_positive(text: str, language: str) -> None:
    assert lexicon_score(text, language, wide=True) > 0


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("说好次日达，结果一周才到", "zh"),
        ("还在运输中，不等了", "zh"),
        ("The jam is too sweet.", "en"),
        ("Mediocre at best.", "en"),
        ("A kettle that can't boil water.", "en"),
        ("The fan sounds like a jet engine.", "en"),
    ],
)
def test_broken_promises_and_idiomatic_complaints_read_negative(text: str, language: str) -> None:
    assert lexicon_score(text, language, wide=True) < 0


def test_whole_review_labels_follow_the_negated_defect() -> None:
    assert analyze_review_sentiment("用了半年没出过任何问题", "zh").label == "positive"
    assert analyze_review_sentiment("Six months in, not a single scratch.", "en").label == (
        "positive"
    )


# --- aspects: precision ----------------------------------------------------------------------


def test_kuai_is_a_price_only_as_money() -> None:
    assert "price" not in _aspects("破壁机打冰块很轻松", "zh")
    assert "price" in _aspects("三十块钱买的，很好用", "zh")


def test_cheap_as_a_kind_of_product_is_no_price() -> None:
    assert "price" not in _aspects("不像便宜货那样轻飘飘的", "zh")
    assert "price" not in _aspects("Not flimsy like the cheap ones.", "en")
    assert "price" not in _aspects("The wood is a cheap sticker.", "en")
    assert _aspects("Cheap and cheerful.", "en").get("price") == "positive"


def test_pictures_are_the_listing_only_when_compared() -> None:
    assert "description_match" not in _aspects("The phone takes sharp photos.", "en")
    assert "description_match" not in _aspects("这相机拍的照片很清晰", "zh")
    assert _aspects("The colour is much darker than the photos.", "en").get(
        "description_match"
    ) == ("negative")
    assert _aspects("颜色比图片暗很多", "zh").get("description_match") == "negative"


def test_tight_lids_and_plugs_are_not_size() -> None:
    assert "size" not in _aspects("The lid seals tight.", "en")
    assert "size" not in _aspects("烤箱温差太大", "zh")
    assert _aspects("The shoes are too tight.", "en").get("size") == "negative"


def test_no_aspects_when_the_review_says_no_verdict_yet() -> None:
    assert _aspects("还没开封，用了再说", "zh") == {}
    assert _aspects("Just unboxed the blender, will try it this weekend.", "en") == {}


def test_a_defect_opening_a_service_story_is_about_the_service() -> None:
    assert _aspects("售后很好，坏了马上给换了新的", "zh") == {"service": "positive"}


# --- aspects: recall and polarity after a turn -----------------------------------------------


def test_an_opinion_after_a_turn_on_an_unnamed_thing_is_quality() -> None:
    assert _aspects("包装很精致，可惜杯子有裂缝", "zh").get("quality") == "negative"
    assert _aspects("Shipping was quick, but the lamp flickers.", "en").get("quality") == (
        "negative"
    )


def test_the_verdict_after_a_turn_decides_quality() -> None:
    assert _aspects("It looks sleek, but it overheats.", "en").get("quality") == "negative"


def test_an_opinion_only_clause_follows_the_clause_before_it() -> None:
    got = _aspects("Looks nice on the desk, but the sound is tinny and weak.", "en")
    assert got.get("quality") == "negative"


def test_sale_discounts_name_the_price() -> None:
    assert _aspects("Got it in the big sale at half off.", "en").get("price") == "positive"
