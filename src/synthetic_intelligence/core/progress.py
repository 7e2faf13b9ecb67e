"""Progress of long work in the log: done of total, elapsed, estimated time left.

One line per step (an epoch, a generation round, a grid point, a model of an AutoML run),
or fewer with ``min_interval_s``; the last step is always logged::

    autoencoder: epoch 3 of 30 (10%), 4.1 s elapsed, about 37 s left; train_loss=0.8783 val_loss=0.8398

Plain logging (no Kedro, no progress bars), so the lines land in Kedro's console and log files.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

__all__ = ["Progress", "duration"]

_MIN_SHARE = 0.01


def duration(seconds: float) -> str:
    """``4.1 s``, ``37 s``, ``2 min 5 s``, ``1 h 3 min``."""
    seconds = max(0.0, float(seconds))
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, secs = divmod(int(round(seconds)), 60)
    if minutes < 60:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


class Progress:
    """Log ``<what>: <done> of <total> <unit> (<pct>), <elapsed> elapsed, about <left> left; <detail>``.

    ``total``: the amount of work (epochs, rows, models, grid points); ``None`` or 0 when
    unknown (no percentage, no estimate). The estimate assumes the remaining work goes at the
    pace seen so far; ``upper_bound=True`` says "at most" (e.g. epochs with early stopping).
    ``min_interval_s``: log at most that often (the last step is always logged).
    """

    def __init__(self, what: str, total: float | None, *, unit: str = "", logger: logging.Logger | None = None,
                 min_interval_s: float = 0.0, upper_bound: bool = False,
                 clock: Callable[[], float] = time.perf_counter):
        self.what = what
        self.total = total
        self.unit = unit
        self.logger = logger or logging.getLogger(__name__)
        self.min_interval_s = min_interval_s
        self.upper_bound = upper_bound
        self._clock = clock
        self.start = clock()
        self._last_logged: float | None = None

    def elapsed(self) -> float:
        return self._clock() - self.start

    def _fraction(self, done: float, fraction: float | None) -> float | None:
        if fraction is not None:
            return min(max(float(fraction), 0.0), 1.0)
        return min(done / self.total, 1.0) if self.total else None

    def left(self, done: float, fraction: float | None = None) -> float | None:
        """Estimated seconds left, or ``None`` before any work is done or without a total.

        ``fraction``: the share of the work done when the worker reports it better than
        ``done / total`` does (H2O AutoML's job progress while its first model trains).
        """
        share = self._fraction(done, fraction)
        if not share or share < _MIN_SHARE:  # an estimate from under 1% of the work is noise
            return None
        return self.elapsed() * (1.0 - share) / share

    def message(self, done: float, detail: str = "", fraction: float | None = None) -> str:
        unit = f" {self.unit}" if self.unit else ""
        count = f"{done:,.0f} of {self.total:,.0f}{unit}" if self.total else f"{done:,.0f}{unit}"
        share = self._fraction(done, fraction)
        if share is not None:
            count += f" ({share:.0%}{' of the work' if fraction is not None else ''})"
        text = f"{self.what}: {count}, {duration(self.elapsed())} elapsed"
        left = self.left(done, fraction)
        if left is not None and share < 1.0:
            text += f", {'at most' if self.upper_bound else 'about'} {duration(left)} left"
        return f"{text}; {detail}" if detail else text

    def update(self, done: float, detail: str = "", *, fraction: float | None = None,
               force: bool = False) -> str | None:
        """Log the progress after ``done`` units (throttled by ``min_interval_s``); returns the line logged."""
        now = self._clock()
        finished = bool(self.total) and done >= self.total or (fraction is not None and fraction >= 1.0)
        if not (force or finished or self._last_logged is None or now - self._last_logged >= self.min_interval_s):
            return None
        self._last_logged = now
        line = self.message(done, detail, fraction)
        self.logger.info(line)
        return line
