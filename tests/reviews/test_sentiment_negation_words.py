"""Chinese words that hold a negator character but negate nothing."""

from kefu.reviews.sentiment import analyze_sentiment


def test_tebie_intensifies_instead_of_negating() -> None:
    assert analyze_sentiment("特别失望", "zh").score < 0
    assert analyze_sentiment("特别好用", "zh").score > 0
    assert analyze_sentiment("不好用", "zh").score < 0
