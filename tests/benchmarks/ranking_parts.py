"""The parts of ``analyze ranking`` timed alone on one store: how each grows with prediction rows.

Medians of ``--repeats`` runs, in seconds: reading the predictions into run x image matrices, the
per-cell metrics (from matrices without cached AUC placements), the bootstrap over trials and test
images (``dataset_scores``, with the placements the cell metrics cached, as in ``analyze ranking``),
and the crossed mixed model for accuracy. Run it on the two stores ``bench_store.py --workdir DIR`` leaves behind:

    .venv/bin/python tests/benchmarks/ranking_parts.py DIR/study_250.duckdb DIR/study_1000.duckdb
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import median_seconds  # noqa: E402


def parts(store_path: Path, repeats: int) -> dict[str, float]:
    from dsanalysis.stats import mixed
    from dsanalysis.stats.inputs import score_matrices
    from dsanalysis.stats.ranking import cell_scores, dataset_scores
    from dsanalysis.stats.score_matrix import ScoreMatrices
    from dsanalysis.store import open_store

    def read():
        with open_store(store_path, read_only=True) as store:
            return score_matrices(store, store.query("stats_runs"))

    def uncached(scores: ScoreMatrices) -> ScoreMatrices:
        """The same matrices without the AUC placements a previous call cached on them."""
        return ScoreMatrices(scores.runs, [dataclasses.replace(m) for m in scores.matrices])

    scores = read()
    cells = cell_scores(scores)  # caches the placements, as in analyze ranking before its bootstrap
    accuracy = cells[cells["metric"] == "accuracy"]
    return {"predictions": scores.n_predictions,
            "read_matrices_s": median_seconds(read, repeats),
            "cell_scores_s": median_seconds(lambda: cell_scores(uncached(scores)), repeats),
            "dataset_scores_s": median_seconds(lambda: dataset_scores(cells, scores), repeats),
            "mixed_model_accuracy_s": median_seconds(lambda: mixed.crossed_mixed_model(
                accuracy, "value", "train_dataset", ["eval_dataset", "seed", "config_name"]), repeats)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("stores", type=Path, nargs="+")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    results = {str(path): parts(path, args.repeats) for path in args.stores}
    for path, row in results.items():
        print(path, json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in row.items()}))
    if len(results) >= 2:
        small, big = list(results.values())[0], list(results.values())[-1]
        print("growth: " + ", ".join(f"{k} x{big[k] / small[k]:.2f}" for k in small))
    return 0


if __name__ == "__main__":
    sys.exit(main())
