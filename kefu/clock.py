"""The one clock kefu reads: the wall clock, or a moved one when ``KEFU_NOW`` is set.

Everything that asks "what time is it" for business purposes (return windows, alert windows,
analytics "as of", demo dates) goes through :func:`now`, so a test or a demo can run the whole
product at another date. ``KEFU_NOW`` is where the clock stands when the process first reads
it; from there it keeps running at wall-clock speed, so message order and timeouts stay real.
"""

from __future__ import annotations

from datetime import UTC, datetime

from kefu.config import get_settings

_offset: tuple[datetime | None, float] = (None, 0.0)


def now() -> datetime:
    """Current time, timezone-aware UTC, shifted when ``KEFU_NOW`` is configured."""
    global _offset
    wall = datetime.now(UTC)
    configured = get_settings().now
    if configured is None:
        return wall
    if configured.tzinfo is None:
        configured = configured.replace(tzinfo=UTC)
    if _offset[0] != configured:
        _offset = (configured, (configured - wall).total_seconds())
    return datetime.fromtimestamp(wall.timestamp() + _offset[1], UTC)
