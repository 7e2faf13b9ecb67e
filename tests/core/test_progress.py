"""Progress lines: done of total, elapsed, time left, throttling."""

import logging

import pytest

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


def test_a_reported_fraction_drives_the_estimate():
    clock = Clock()
    progress = Progress("AutoML", 4, unit="models", clock=clock)
    clock.t += 30
    assert progress.message(0, fraction=0.25) == "AutoML: 0 of 4 models (25% of the work), 30 s elapsed, about 1 min 30 s left"
    assert progress.message(0, fraction=1e-9) == "AutoML: 0 of 4 models (0% of the work), 30 s elapsed"  # no wild guess


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


def test_generation_rounds_report_accepted_of_target_and_candidates(caplog):
    import pandas as pd
    from sklearn.datasets import make_classification

    from synthetic_intelligence.sampling import OracleRejectionSampler

    X, y = make_classification(n_samples=600, n_features=5, weights=[0.9], random_state=0)
    with caplog.at_level(logging.INFO, logger="synthetic_intelligence.core.sampling"):
        _, y_res = OracleRejectionSampler(random_state=0, batch_size=64).fit_resample(pd.DataFrame(X), pd.Series(y))
    target = int((y == 0).sum() - (y == 1).sum())
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("generation (class 1): ")]
    assert lines, [r.getMessage() for r in caplog.records]
    assert lines[-1].startswith(f"generation (class 1): {target:,} of {target:,} rows accepted (100%), ")
    assert "candidates scored (acceptance " in lines[-1] and "round " in lines[-1]
    assert int((y_res == 1).sum()) == int((y == 0).sum())


@pytest.mark.h2o
def test_automl_reports_models_done_of_max_models(h2o_cluster, tiny_world, caplog):
    from synthetic_intelligence.core.experiment import learners

    config = learners.LearnerConfig(engine="h2o_automl", max_models=2, seed=1,
                                    exclude_algos=["DeepLearning", "StackedEnsemble"])
    with caplog.at_level(logging.INFO, logger="synthetic_intelligence.core.engines.h2o"):
        learners.fit_learner(tiny_world["train"], tiny_world["validation"], config)
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("H2O AutoML: ")]
    assert lines, [r.getMessage() for r in caplog.records]
    assert lines[-1].startswith("H2O AutoML: 2 of 2 models (100% of the work), ")
    assert " elapsed; 0 stacked ensemble(s); leader " in lines[-1]
