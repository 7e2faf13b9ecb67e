"""One-off: rows/s of MOJO scoring without a cluster (Java loop, Python loop, h2o.mojo_predict_pandas).

    python scripts/bench_mojo.py GBM.zip SE.zip [--rows 1000000]

Each MOJO zip needs h2o-genmodel.jar beside it (download_mojo(path, get_genmodel_jar=True)).
Rows are standard normal, 40 columns named as the model's features. Best of --reps runs.
Besides wall seconds, CPU seconds (this process and its children: JVM threads, the
java process of mojo_predict_pandas) are reported: on a shared machine rows per
CPU-second is the steadier figure of single-thread speed.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path

import numpy as np
import pandas as pd

from synthetic_intelligence.core.mojo import MojoOracle


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def best(fn, reps):
    """(wall seconds, CPU seconds) of the fastest of ``reps`` runs."""
    runs = []
    for _ in range(reps):
        wall, cpu = time.perf_counter(), _cpu()
        fn()
        runs.append((time.perf_counter() - wall, _cpu() - cpu))
    return min(runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mojos", nargs="+")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--python-rows", type=int, default=100_000)
    parser.add_argument("--pandas-rows", type=int, default=20_000)
    parser.add_argument("--reps", type=int, default=2)
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, load average at start: {os.getloadavg()}")
    for path in args.mojos:
        warm = MojoOracle(path, loop="java")
        names = list(warm.feature_names_in_)
        rng = np.random.default_rng(0)
        X64 = pd.DataFrame(rng.standard_normal((args.rows, len(names))), columns=names)
        X32 = X64.astype(np.float32)
        A32 = np.ascontiguousarray(X32.to_numpy())
        warm.predict_proba(X64.iloc[:20_000])  # JVM start, model load, JIT warm-up
        rows = []
        for threads in (1, 2):
            oracle = MojoOracle(path, loop="java", n_threads=threads)
            oracle.predict_proba(X64.iloc[:20_000])
            for label, data in (("float64 DataFrame", X64), ("float32 DataFrame", X32), ("float32 C array", A32)):
                seconds = best(lambda d=data, o=oracle: o.predict_proba(d), args.reps)
                rows.append((f"Java loop, {threads} thread(s), {label}", args.rows, seconds))
        py = MojoOracle(path, loop="python")
        sub = X64.iloc[: args.python_rows]
        py.predict_proba(sub.iloc[:5000])
        rows.append(("Python loop over score0", len(sub), best(lambda o=py, d=sub: o.predict_proba(d), args.reps)))
        import h2o

        few = X64.iloc[: args.pandas_rows]
        jar = str(Path(path).parent / "h2o-genmodel.jar")
        seconds = best(lambda d=few, m=path, j=jar: h2o.mojo_predict_pandas(d, m, genmodel_jar_path=j, verbose=False),
                       args.reps)
        rows.append(("h2o.mojo_predict_pandas", len(few), seconds))
        print(f"\n{warm.algo} MOJO {Path(path).name} ({Path(path).stat().st_size / 1e6:.1f} MB)")
        print(f"  {'':45s} {'rows':>9s} {'wall s':>8s} {'rows/s':>9s} {'CPU s':>8s} {'rows/CPU-s':>10s}")
        for label, n, (wall, cpu) in rows:
            print(f"  {label:45s} {n:>9,d} {wall:8.2f} {n / wall:>9,.0f} {cpu:8.2f} {n / cpu:>10,.0f}")
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
