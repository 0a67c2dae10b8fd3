"""Structured logging: one JSON object per line (``KEFU_LOG_JSON=1``) or readable text."""

from __future__ import annotations

import json
import logging
import sys
from typing import Any


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON line with any ``extra`` fields kept."""

    _SKIP = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message"}

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        data.update({k: v for k, v in record.__dict__.items() if k not in self._SKIP})
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


class RedactingFilter(logging.Filter):
    """Masks emails, phone and card numbers and street addresses in every log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        from kefu.llm.redact import redact

        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def setup_logging(level: str = "INFO", as_json: bool = False, redact_pii: bool = True) -> None:
    """Configure the root logger once for the process (personal data redacted by default)."""
    handler = logging.StreamHandler(sys.stderr)
    if redact_pii:
        handler.addFilter(RedactingFilter())
    handler.setFormatter(
        JsonFormatter()
        if as_json
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
