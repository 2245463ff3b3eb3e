"""False-positive rate of the pair-level regression with no true effect, at 4, 5, 6 and 10 datasets.

Each simulated study has N datasets whose N x (N - 1) cross-dataset scores sit at chance with
training- and test-dataset effects (0.5 + u_i + v_j + noise; u, v ~ N(0, 0.03), noise ~ N(0, 0.02)),
a distance between datasets from random points and one random dataset trait, all independent of the
scores: three one-predictor fits (distance, |trait difference|, trait of the training dataset) and
their joint fit, as ``analyze traits`` runs them (``pair_regression``, method 'auto'). For each
number of datasets it counts, over all tests, how often

  * the dataset-permutation p-value (the one of record) is <= alpha;
  * the model's Wald p-value (2 * normal tail of estimate / std_error, what was reported before) is < alpha;
  * the stored interval (t quantile on N - 1 degrees of freedom) excludes 0, i.e. misses the true slope.

With no effect the first should be at most alpha (exactly 1/24 = 0.042 with 4 datasets, whose
exact test has p-values in steps of 1/24), and near it; the binomial standard error is printed.

    .venv/bin/python tests/benchmarks/bench_pair_null.py [--studies 400] [--datasets 4 5 6 10] [--n-perm 999]
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from dsanalysis.stats.pair_level import pair_design, pair_regression

REPO = Path(__file__).resolve().parents[2]


def null_study(n_datasets: int, rng: np.random.Generator) -> pd.DataFrame:
    """The pair design of one study with no true effect (see the module docstring)."""
    names = [f"d{i}" for i in range(n_datasets)]
    u, v = rng.normal(0, 0.03, n_datasets), rng.normal(0, 0.03, n_datasets)
    cells = pd.DataFrame([(names[i], names[j], 0.5 + u[i] + v[j] + rng.normal(0, 0.02))
                          for i in range(n_datasets) for j in range(n_datasets) if i != j],
                         columns=["train_dataset", "eval_dataset", "mean"])
    point = rng.normal(size=n_datasets)
    pairs = pd.DataFrame([(names[i], names[j], "distance", abs(point[i] - point[j]))
                          for i in range(n_datasets) for j in range(n_datasets) if i < j],
                         columns=["dataset_a", "dataset_b", "trait", "value"])
    traits = pd.DataFrame({"dataset": names, "trait": "trait", "value": rng.normal(size=n_datasets)})
    return pair_design(cells, pairs, traits)


def simulate(n_datasets: int, studies: int, n_perm: int, alpha: float, seed: int) -> list[dict]:
    """One row per (number of datasets, model kind) with the three rejection rates."""
    rng = np.random.default_rng(seed + n_datasets)
    parts = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # optimizer chatter of the mixed-model fits
        for study in range(studies):
            out = pair_regression(null_study(n_datasets, rng), n_perm=n_perm, seed=seed + study)
            parts.append(out.assign(kind=np.where(out["model"] == "joint", "joint", "univariate")))
    fits = pd.concat(parts, ignore_index=True)
    rows = []
    for kind, group in fits.groupby("kind"):
        tested = group[group["p_value"].notna()]
        wald = 2 * stats.norm.sf(np.abs(tested["estimate"] / tested["std_error"]))
        rate = float(np.mean(tested["p_value"] <= alpha))
        rows.append({"n_datasets": n_datasets, "model": kind, "tests": len(tested), "studies": studies,
                     "permutation_rate": rate, "se": float(np.sqrt(alpha * (1 - alpha) / len(tested))),
                     "wald_rate": float(np.mean(wald < alpha)),
                     "interval_misses_zero": float(np.mean((tested["ci_low"] > 0) | (tested["ci_high"] < 0))),
                     "p_floor": float(tested["p_floor"].iloc[0]), "methods": ", ".join(sorted(set(tested["method"])))})
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=400, help="simulated studies per number of datasets")
    parser.add_argument("--datasets", type=int, nargs="+", default=[4, 5, 6, 10])
    parser.add_argument("--n-perm", type=int, default=999, help="random orderings where datasets > 7")
    parser.add_argument("--alpha", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=REPO / "reports" / "benchmarks")
    args = parser.parse_args()
    rows = []
    for n in args.datasets:
        start = time.perf_counter()
        part = simulate(n, args.studies, args.n_perm, args.alpha, args.seed)
        for row in part:
            row["seconds"] = round(time.perf_counter() - start, 1)
        rows.extend(part)
        print(pd.DataFrame(part).to_string(index=False, float_format="{:.3f}".format), flush=True)
    table = pd.DataFrame(rows)
    print(f"\nno true effect, alpha {args.alpha}: share of tests rejected")
    print(table.to_string(index=False, float_format="{:.3f}".format))
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "bench_pair_null.json"
    path.write_text(json.dumps({"settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
                                "rows": rows}, indent=2))
    print(f"written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
