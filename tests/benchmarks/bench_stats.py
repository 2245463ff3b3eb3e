"""Speed of the statistics: the ranking bootstrap and the weighted AUC it rests on.

Side by side in one process, medians over --repeats runs:
  * bootstrap AUC replicates of one cell: the package's vectorized weighted AUC (all replicates in
    one pass over the sorted scores) against scikit-learn's roc_auc_score with sample weights, one
    call per replicate (the obvious alternative);
  * dataset_scores (all four metrics, trials x images bootstrap) on synthetic studies of growing size;
  * trait_correlations (3 methods, bootstrap and permutations) for 30 traits over 12 datasets.

    .venv/bin/python tests/benchmarks/bench_stats.py [--repeats 5] [--n-boot 1000]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

from measure import median_seconds

from dsanalysis.detection_metrics import resample_counts, weighted_auc
from dsanalysis.stats.correlation import trait_correlations
from dsanalysis.stats.ranking import cell_scores, dataset_scores

REPO = Path(__file__).resolve().parents[2]


def study_predictions(n_datasets: int, seeds: int, n_images: int, rng: np.random.Generator) -> pd.DataFrame:
    frames = []
    names = [f"d{i}" for i in range(n_datasets)]
    for train in names:
        for seed in range(seeds):
            for j, evaluated in enumerate(names):
                label = np.where(np.arange(n_images) % 2 == 0, "real", "fake")
                signal = np.where(label == "real", 1.0, -1.0) + rng.normal(0, 1.5, n_images)
                frames.append(pd.DataFrame({"run_id": f"{train}-{seed}", "train_dataset": train, "config_name": "default",
                                            "seed": seed, "eval_dataset": evaluated, "image_id": j * 100000 + np.arange(n_images),
                                            "label": label, "score_real": 1 / (1 + np.exp(-signal))}))
    return pd.concat(frames, ignore_index=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--n-boot", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=REPO / "reports" / "benchmarks")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    rows = []

    score = rng.uniform(size=1000)
    fake = rng.random(1000) < 0.5
    weights = resample_counts(rng, 1000, args.n_boot)
    from sklearn.metrics import roc_auc_score

    vectorized = median_seconds(lambda: weighted_auc(score, fake, weights), args.repeats)
    looped = median_seconds(lambda: [roc_auc_score(fake, -score, sample_weight=w) for w in weights], max(1, args.repeats // 2))
    rows.append({"task": f"AUC of {args.n_boot} bootstrap replicates, 1000 images", "variant": "vectorized weighted_auc", "seconds": vectorized})
    rows.append({"task": f"AUC of {args.n_boot} bootstrap replicates, 1000 images", "variant": "sklearn loop", "seconds": looped})

    for n_datasets, seeds, n_images in ((4, 3, 300), (8, 3, 300)):
        predictions = study_predictions(n_datasets, seeds, n_images, rng)
        cells = cell_scores(predictions)
        seconds = median_seconds(lambda: dataset_scores(cells, predictions, n_boot=args.n_boot), args.repeats)
        rows.append({"task": f"dataset_scores: {n_datasets} datasets x {seeds} seeds x {n_images} images",
                     "variant": f"n_boot {args.n_boot}", "seconds": seconds})

    traits = pd.DataFrame({"trait": np.repeat([f"t{k}" for k in range(30)], 12), "value": rng.normal(size=360),
                           "score": np.tile(rng.normal(size=12), 30)})
    seconds = median_seconds(lambda: trait_correlations(traits, n_boot=args.n_boot, n_perm=5000), args.repeats)
    rows.append({"task": "trait_correlations: 30 traits x 12 datasets", "variant": f"n_boot {args.n_boot}, n_perm 5000",
                 "seconds": seconds})

    table = pd.DataFrame(rows)
    print(table.to_string(index=False, float_format="{:.3f}".format))
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "bench_stats.json"
    path.write_text(json.dumps({"repeats": args.repeats, "n_boot": args.n_boot, "results": rows}, indent=1) + "\n")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
