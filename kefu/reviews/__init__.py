"""Review and message sentiment with aspects, trends and alerts (舆情监控)."""

from kefu.reviews.sentiment import Sentiment, analyze_sentiment

__all__ = ["Sentiment", "analyze_sentiment"]
