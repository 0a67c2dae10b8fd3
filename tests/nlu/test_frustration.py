from kefu.nlu import frustration_score


def test_calm_messages_score_zero() -> None:
    assert frustration_score("where is my order?").score == 0.0
    assert frustration_score("请问我的订单到哪了").score == 0.0
    assert frustration_score("").score == 0.0


def test_angry_messages_score_high_in_both_languages() -> None:
    assert frustration_score("This is ridiculous, worst service ever!!!").score > 0.7
    assert frustration_score("太差了，我要投诉！！！").score > 0.7
    assert frustration_score("垃圾客服，骗子").score > 0.7


def test_cues_are_reported() -> None:
    result = frustration_score("WHERE IS MY REFUND???")
    assert "caps" in result.cues and "?!" in result.cues


def test_repetition_raises_frustration() -> None:
    text = "where is my refund for order W1234567"
    alone = frustration_score(text).score
    repeated = frustration_score(text, previous_messages=["where is my refund for order W1234567?"])
    assert repeated.score > alone
    assert "repeated" in repeated.cues


def test_more_cues_mean_higher_score() -> None:
    mild = frustration_score("I'm a bit disappointed").score
    strong = frustration_score("I'm disappointed, this is unacceptable and a scam!!").score
    assert 0 < mild < strong <= 1
