"""In-process record of language-model calls: token counts and latency per call.

Kept small and dependency-free so the admin API, benchmarks and tests read the same numbers
that the structured log lines carry.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class CallRecord:
    """One call to a model, successful (``error`` empty) or not."""

    backend: str
    model: str
    kind: str  # chat | stream | json
    prompt_tokens: int
    completion_tokens: int
    latency_s: float
    ttft_s: float | None
    error: str = ""
    at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class CallRecorder:
    """Thread-safe ring buffer of the latest calls with running totals."""

    def __init__(self, maxlen: int = 1000) -> None:
        self._lock = threading.Lock()
        self._records: deque[CallRecord] = deque(maxlen=maxlen)
        self.calls = 0
        self.errors = 0
        self.prompt_tokens = 0
        self.completion_tokens = 0

    def add(self, record: CallRecord) -> None:
        with self._lock:
            self._records.append(record)
            self.calls += 1
            self.errors += bool(record.error)
            self.prompt_tokens += record.prompt_tokens
            self.completion_tokens += record.completion_tokens

    def records(self) -> list[CallRecord]:
        """The latest calls, oldest first."""
        with self._lock:
            return list(self._records)

    def summary(self) -> dict[str, Any]:
        """Totals since start (or the last ``clear``) and the mean latency of recent calls."""
        with self._lock:
            ok = [r for r in self._records if not r.error]
            mean = sum(r.latency_s for r in ok) / len(ok) if ok else 0.0
            return {
                "calls": self.calls,
                "errors": self.errors,
                "prompt_tokens": self.prompt_tokens,
                "completion_tokens": self.completion_tokens,
                "mean_latency_s": round(mean, 4),
            }

    def clear(self) -> None:
        with self._lock:
            self._records.clear()
            self.calls = self.errors = self.prompt_tokens = self.completion_tokens = 0


recorder = CallRecorder()
"""The process-wide recorder every backend writes to."""
