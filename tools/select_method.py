"""Choose the model-driven default on validation only (issue 21 part 3; core/benchmark/selection.py).

    PYTHONPATH=src python tools/select_method.py [--tables a,b] [--seeds 1000,1001] [--n-jobs 2] [--out DIR]

Every candidate configuration below and the reference lanes, on each benchmark table (conf/base/
parameters_benchmark.yml) and selection seed, graded on the benchmark's validation part with the test part
discarded; writes DIR/selection_results.csv, DIR/selection_ranks.csv, DIR/selection_wtl.csv and prints them.
Rule (fixed before the run): the default is the candidate with the lowest mean rank over both learners
(``both``: the mean of the logistic and HGB mean ranks, every reference in the ranking); a tie goes to the
earlier candidate in CANDIDATES (the simpler one).
"""

from __future__ import annotations

import argparse
import logging
import sys
import warnings
from pathlib import Path

import pandas as pd
import yaml

from synthetic_intelligence.core.benchmark import selection as method_selection
from synthetic_intelligence.core.benchmark import tables as benchmark_data
from synthetic_intelligence.core.benchmark.run import BenchmarkParams

#: name -> overrides of benchmark.model_driven.generation (lane model_driven_<name>); simplest first
CANDIDATES: dict[str, dict] = {
    "interp": {"sampler": {"candidates": "interpolate"}},
    "cluster": {"sampler": {"candidates": "cluster_interpolate"}},
    "gauss": {"sampler": {"candidates": "gaussian"}},
    "interp_none": {"sampler": {"candidates": "interpolate"}, "tuning": {"allow_none": True}},
    "cluster_none": {"sampler": {"candidates": "cluster_interpolate"}, "tuning": {"allow_none": True}},
    "interp_gap": {"sampler": {"candidates": "interpolate", "interpolation_gap": 0.15}},
    "interp_gap_none": {"sampler": {"candidates": "interpolate", "interpolation_gap": 0.15},
                        "tuning": {"allow_none": True}},
    "cluster_gap_none": {"sampler": {"candidates": "cluster_interpolate", "interpolation_gap": 0.15},
                         "tuning": {"allow_none": True}},
}
#: the benchmark's logistic learner, as a second tuning learner (generation.tuning.more_learners)
_LOGISTIC = {"engine": "sklearn", "estimator": "sklearn.linear_model.LogisticRegression",
             "estimator_kwargs": {"max_iter": 1000}}
#: the second selection (stop 24): the chosen default against the amount chosen over both learners (mean or min
#: gain) and against adaptive proposals (issue 19's faster sampler); run with --candidates naming these
CANDIDATES.update({
    "interp_none_mean": {"sampler": {"candidates": "interpolate"},
                         "tuning": {"allow_none": True, "more_learners": {"logistic": _LOGISTIC}, "combine": "mean"}},
    "interp_none_min": {"sampler": {"candidates": "interpolate"},
                        "tuning": {"allow_none": True, "more_learners": {"logistic": _LOGISTIC}, "combine": "min"}},
    "interp_none_adaptive": {"sampler": {"candidates": "interpolate", "proposals": "adaptive"},
                             "tuning": {"allow_none": True}},
})
#: the third selection (stop 24, round 2, rule fixed before it ran): round 1's winner (adaptive proposals) against
#: adaptive proposals with the amount chosen over both learners; the lowest ``both`` wins, a tie goes to the
#: round-1 winner
CANDIDATES.update({
    "adaptive_mean": {"sampler": {"candidates": "interpolate", "proposals": "adaptive"},
                      "tuning": {"allow_none": True, "more_learners": {"logistic": _LOGISTIC}, "combine": "mean"}},
    "adaptive_min": {"sampler": {"candidates": "interpolate", "proposals": "adaptive"},
                     "tuning": {"allow_none": True, "more_learners": {"logistic": _LOGISTIC}, "combine": "min"}},
})
#: the fourth selection (stop 25, rule fixed before it ran): the stop-24 default (adaptive proposals, allow_none)
#: against the same with each learner served by the set chosen with it (generation.tuning.per_learner); the
#: lowest ``both`` wins, a tie goes to the stop-24 default
CANDIDATES.update({
    "adaptive_per_learner": {"sampler": {"candidates": "interpolate", "proposals": "adaptive"},
                             "tuning": {"allow_none": True, "per_learner": True}},
})
#: the fifth selection (stop 25, rule fixed before it ran): the stop-24 default against the same with the
#: class prior kept (generation.class_prior: keep; the synthetic rows reshape the minority, they do not re-weigh
#: it), with and without allow_none; the lowest ``both`` wins, a tie goes to the stop-24 default
CANDIDATES.update({
    "adaptive_keep_prior": {"sampler": {"candidates": "interpolate", "proposals": "adaptive"},
                            "tuning": {"allow_none": True}, "class_prior": "keep"},
    "adaptive_keep_prior_always": {"sampler": {"candidates": "interpolate", "proposals": "adaptive"},
                                   "tuning": {"allow_none": False}, "class_prior": "keep"},
})
#: the sixth selection (stop 25, rule fixed before it ran): the stop-24 default against synthetic rows only when
#: validation is confident they help (tuning.min_confidence: the share of bootstrap resamples of validation in
#: which the chosen point beats no oversampling), with HGB choosing for both learners or each learner for itself;
#: the lowest ``both`` wins, a tie goes to the stop-24 default
CANDIDATES.update({
    "adaptive_conf75": {"sampler": {"candidates": "interpolate", "proposals": "adaptive"},
                        "tuning": {"allow_none": True, "min_confidence": 0.75}},
    "adaptive_conf90": {"sampler": {"candidates": "interpolate", "proposals": "adaptive"},
                        "tuning": {"allow_none": True, "min_confidence": 0.9}},
    "adaptive_per_learner_conf90": {"sampler": {"candidates": "interpolate", "proposals": "adaptive"},
                                    "tuning": {"allow_none": True, "per_learner": True, "min_confidence": 0.9}},
})
#: the seventh selection (stop 25, on fresh seeds 1002, 1003; rule fixed before it ran): the stop-24 default against
#: the same where a learner of another kind than the tuning learner (logistic regression) takes the chosen
#: synthetic rows only when validation with it confirms them (tuning.confirm); the lowest ``both`` wins, a tie
#: goes to the stop-24 default
CANDIDATES.update({
    "adaptive_confirm75": {"sampler": {"candidates": "interpolate", "proposals": "adaptive"},
                           "tuning": {"allow_none": True, "confirm": 0.75}},
    "adaptive_confirm90": {"sampler": {"candidates": "interpolate", "proposals": "adaptive"},
                           "tuning": {"allow_none": True, "confirm": 0.9}},
})
#: the references of the ranking (with baseline and class_weighted, always lanes)
REFERENCES = ("smote", "prowsyn", "polynom_fit_smote_star")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--conf", default="conf/base/parameters_benchmark.yml")
    ap.add_argument("--tables", default="", help="comma-separated subset of the benchmark's tables")
    ap.add_argument("--seeds", default=",".join(map(str, method_selection.SELECTION_SEEDS)))
    ap.add_argument("--candidates", default="", help="comma-separated subset of CANDIDATES")
    ap.add_argument("--n-jobs", type=int, default=2)
    ap.add_argument("--out", default="data/08_reporting/method_selection")
    ap.add_argument("--from-results", default="", help="comma-separated selection_results.csv files of earlier "
                    "runs (other seeds) to rank together instead of running")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    warnings.filterwarnings("ignore")
    raw = yaml.safe_load(Path(args.conf).read_text())["benchmark"]
    raw["tuned_samplers"] = {}  # smote_tuned is no reference of the selection (cost); see docs/benchmark.md
    raw["summary"] = {**raw.get("summary", {}), "references": ["baseline"]}
    params = BenchmarkParams.model_validate(raw)
    names = [t for t in args.tables.split(",") if t] or params.tables
    unknown = sorted(set(names) - set(params.tables))
    if unknown:
        ap.error(f"--tables {unknown} are not benchmark tables")
    candidates = {k: CANDIDATES[k] for k in (args.candidates.split(",") if args.candidates else CANDIDATES)}
    if args.from_results:  # each file's seeds get their own repeat index (pairs stay within a seed)
        parts = [pd.read_csv(f) for f in args.from_results.split(",")]
        results = pd.concat(parts, ignore_index=True)
        results["repeat"] = results["seed"].rank(method="dense").astype(int) - 1
    else:
        tables, _ = benchmark_data.load_tables(names, min_minority=params.min_minority_rows)
        results = method_selection.run_selection(
            tables, params, candidates, seeds=[int(s) for s in args.seeds.split(",")], n_jobs=args.n_jobs,
            keep_strategies=False, extra_samplers=REFERENCES)
    ranks, wtl = method_selection.rank_table(results)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    results.to_csv(out / "selection_results.csv", index=False)
    ranks.to_csv(out / "selection_ranks.csv")
    wtl.to_csv(out / "selection_wtl.csv", index=False)
    print(ranks.round(2).to_markdown())  # noqa: T201
    print(wtl.round(4).to_markdown(index=False))  # noqa: T201
    md = [f"model_driven_{k}" for k in candidates]
    best = min(md, key=lambda lane: (ranks.loc[lane, "both"], md.index(lane)))
    print(f"default by the rule: {best} (mean rank both learners {ranks.loc[best, 'both']:.2f})")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
