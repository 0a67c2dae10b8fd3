"""The intent classifier against the real encoder and the shipped intent set."""

from pathlib import Path

import pytest

from kefu.nlu import IntentClassifier, TrainingDataError, get_intent_classifier, load_examples
from kefu.nlu.evaluation import evaluate_intent_set
from kefu.nlu.intents import train_from_file

SMALL_YAML = """
intents:
  greet:
    en: [hello, hi there, good morning, hey]
    zh: [你好, 早上好, 在吗]
  refund:
    en: [where is my refund, i want my money back, refund status please, has my refund been sent]
    zh: [退款到哪了, 钱什么时候退, 退款进度]
  ship:
    en: [how much is shipping, do you ship abroad, delivery cost please]
    zh: [运费多少, 包邮吗, 能寄国外吗]
"""

SMALL_CSV = """text,intent,language
hello,greet,en
hi there,greet,en
你好,greet,zh
where is my refund,refund,en
refund status please,refund,en
退款到哪了,refund,zh
how much is shipping,ship,en
delivery cost please,ship,en
运费多少,ship,zh
"""


@pytest.mark.slow
def test_default_model_held_out_accuracy_per_language() -> None:
    # measured 2024 run: en 0.938, zh 0.868 (290 held-out of 1,449); with policy_question
    # (return/refund/exchange/cancel/warranty rules, close to the action intents) and
    # product-named tracking/exchange examples: en 0.936, zh 0.839 (311 of 1,552; an earlier
    # split gave en 0.884); floors leave margin
    report = evaluate_intent_set()
    assert report.per_language["en"] >= 0.86
    assert report.per_language["zh"] >= 0.80
    assert report.per_language_n["en"] > 100 and report.per_language_n["zh"] > 100


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("yes, go ahead", "affirm"),
        ("yep do it", "affirm"),
        ("是的，确认", "affirm"),
        ("好的没问题", "affirm"),
        ("no, don't", "deny"),
        ("nope", "deny"),
        ("不用了", "deny"),
        ("不要取消", "deny"),
    ],
)
def test_default_model_reads_yes_and_no(text: str, intent: str) -> None:
    assert get_intent_classifier().predict([text])[0].intent == intent


@pytest.mark.slow
def test_default_model_understands_unseen_paraphrases() -> None:
    clf = get_intent_classifier()
    cases = {
        "帮我看看我买的东西到哪儿了": {"order_status", "track_shipment"},
        "I would like to send these sneakers back": {"return_items"},
        "let me speak with a real human please": {"human_agent"},
        "what is the square root of 144": {"out_of_scope"},
    }
    preds = clf.predict(list(cases))
    for (text, allowed), pred in zip(cases.items(), preds, strict=True):
        assert pred.intent in allowed, (text, pred)
        assert 0.0 <= pred.confidence <= 1.0
        assert pred.alternatives[0].confidence >= pred.alternatives[-1].confidence


@pytest.mark.slow
def test_default_model_is_cached_on_disk_by_data_hash(tmp_path: Path) -> None:
    from kefu.nlu.intents import default_model_path, reset_intent_classifier

    reset_intent_classifier()
    trained = get_intent_classifier()
    path = default_model_path()
    assert path.is_file()
    reset_intent_classifier()
    reloaded = get_intent_classifier()
    assert reloaded is not trained
    texts = ["where is my refund", "我要退货"]
    assert (reloaded.predict_proba(texts) == trained.predict_proba(texts)).all()
    assert reloaded.predict(texts)[0].intent == "refund_status"


def test_trains_from_small_yaml_and_predicts(tmp_path: Path) -> None:
    data = tmp_path / "intents.yaml"
    data.write_text(SMALL_YAML, encoding="utf-8")
    clf = train_from_file(data)
    assert clf.labels == ["greet", "refund", "ship"]
    preds = clf.predict(["hello!", "我的退款呢", "what does shipping cost"])
    assert [p.intent for p in preds] == ["greet", "refund", "ship"]


def test_trains_from_csv_and_round_trips_through_save(tmp_path: Path) -> None:
    data = tmp_path / "intents.csv"
    data.write_text(SMALL_CSV, encoding="utf-8")
    examples = load_examples(data)
    assert {e.language for e in examples} == {"en", "zh"}
    clf = train_from_file(data)
    clf.save(tmp_path / "m.joblib")
    loaded = IntentClassifier.load(tmp_path / "m.joblib")
    texts = ["hi", "refund please", "运费"]
    assert [p.intent for p in loaded.predict(texts)] == [p.intent for p in clf.predict(texts)]
    assert (loaded.predict_proba(texts) == clf.predict_proba(texts)).all()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.yaml", "intents: [unclosed", "invalid YAML"),
        ("one.yaml", "intents:\n  greet:\n    en: [hi, hello]\n", "at least 2 intents"),
        ("thin.yaml", "intents:\n  a: {en: [x, y]}\n  b: {en: [z]}\n", "fewer than 2 examples: b"),
        ("empty.yaml", "intents:\n  a: {en: [x, '  ']}\n  b: {en: [y, z]}\n", "empty text"),
        ("shape.yaml", "intents:\n  a: 3\n  b: {en: [y, z]}\n", "must map languages"),
        ("cols.csv", "sentence,label\nhi,greet\n", "must include 'text' and 'intent'"),
        ("row.csv", "text,intent\nhi,greet\n,greet\nbye,bye\nciao,bye\n", "line 3"),
        ("data.txt", "hi", "expected a .yaml"),
    ],
)
def test_malformed_training_data_gives_clear_error(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TrainingDataError, match=message) as info:
        load_examples(path)
    assert name in str(info.value)


def test_loading_a_foreign_file_as_model_fails_clearly(tmp_path: Path) -> None:
    import joblib

    joblib.dump({"something": "else"}, tmp_path / "x.joblib")
    with pytest.raises(ValueError, match="not a kefu intent model"):
        IntentClassifier.load(tmp_path / "x.joblib")


def test_shipped_intent_set_has_enough_examples_per_language() -> None:
    from collections import Counter

    from kefu.nlu.training_data import DEFAULT_INTENTS_FILE

    counts = Counter((e.intent, e.language) for e in load_examples(DEFAULT_INTENTS_FILE))
    intents = {intent for intent, _ in counts}
    assert len(intents) >= 20
    assert {"affirm", "deny", "out_of_scope", "human_agent", "cancel_order"} <= intents
    assert all(counts[(i, lang)] >= 30 for i in intents for lang in ("en", "zh"))
