"""Progress lines: done of total, elapsed, time left, throttling."""

import logging

from synthetic_intelligence.core.progress import Progress, duration


class Clock:
    def __init__(self):
        self.t = 100.0

    def __call__(self):
        return self.t


def test_progress_line_has_done_of_total_elapsed_and_estimate(caplog):
    clock = Clock()
    progress = Progress("generation", 5000, unit="rows accepted", clock=clock, logger=logging.getLogger("t"))
    clock.t += 2.0
    with caplog.at_level(logging.INFO, logger="t"):
        line = progress.update(1000, "round 1")
    assert line == "generation: 1,000 of 5,000 rows accepted (20%), 2.0 s elapsed, about 8.0 s left; round 1"
    assert caplog.records[0].getMessage() == line
    clock.t += 8.0
    assert progress.update(5000) == "generation: 5,000 of 5,000 rows accepted (100%), 10 s elapsed"


def test_unknown_total_and_upper_bound():
    clock = Clock()
    assert Progress("scan", None, unit="rows", clock=clock).message(12) == "scan: 12 rows, 0.0 s elapsed"
    bounded = Progress("autoencoder", 30, unit="epochs", clock=clock, upper_bound=True)
    clock.t += 3
    assert "at most 27 s left" in bounded.message(3)


def test_throttle_logs_first_and_last_step_only_within_the_interval():
    clock = Clock()
    progress = Progress("grid", 4, clock=clock, min_interval_s=60)
    lines = []
    for i in range(1, 5):
        clock.t += 1
        lines.append(progress.update(i))
    assert [line is not None for line in lines] == [True, False, False, True]


def test_duration_reads_like_a_person_would_say_it():
    assert [duration(s) for s in (4.14, 37, 125, 3780)] == ["4.1 s", "37 s", "2 min 5 s", "1 h 3 min"]
