"""Seed sweep: how reliably a training configuration learns, seed by seed, on one of the shared datasets.

For every seed, every configuration is trained (configurations interleaved within a seed, so their
training times are measured side by side under the same machine load), then scored on the test part
of the dataset's random 70/30 split (10% of training carved out for validation, split seed 0).
Per run the table shows the learning check (validation only), the validation accuracy of the kept
epoch, test accuracy and AUC, the epochs run and the training time; per configuration the summary
gives the lowest and median test accuracy, the lowest test AUC, the median training time and its
ratio to the first configuration's.

A configuration is a name of ``train --config`` optionally followed by overrides, as runs are named:
``default``, ``default+loss=bce,epochs=30``.

    .venv/bin/python tests/benchmarks/seed_sweep.py --dataset lfw --seeds 0-9 --config mse10 --config default
    .venv/bin/python tests/benchmarks/seed_sweep.py --dataset mesonet --seeds 0-4 --config mse10 --config default

Runs are stored in ``--store`` (default reports/benchmarks/seed_sweep.duckdb): a rerun reuses every
finished run. Results: reports/benchmarks/seed_sweep_<dataset>.json and the printed Markdown table.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "datasets"
DATASETS = {"lfw": SHARED / "lfw_faceswap", "mesonet": SHARED / "mesonet"}


def _seeds(text: str) -> list[int]:
    seeds: list[int] = []
    for part in text.split(","):
        low, _, high = part.partition("-")
        seeds += list(range(int(low), int(high or low) + 1))
    return seeds


def _config(spec: str) -> tuple[str, dict[str, Any]]:
    """'default+loss=bce,epochs=30' -> ('default', {'loss': 'bce', 'epochs': 30}): values read as JSON, else text."""
    name, _, rest = spec.partition("+")
    overrides: dict[str, Any] = {}
    for item in rest.split(",") if rest else []:
        key, _, text = item.partition("=")
        text = {"True": "true", "False": "false"}.get(text, text)  # as run names print booleans
        try:
            overrides[key] = json.loads(text)
        except json.JSONDecodeError:
            overrides[key] = text
    return name, overrides


def _row(store: Any, run_id: str, dataset: str, spec: str, seed: int) -> dict[str, Any]:
    run = store.query("model_run_get", run_id=run_id).iloc[0]
    history = store.query("run_history", run_id=run_id)
    best = history.loc[history["metric"] == "best_epoch", "validation"].dropna()
    best_epoch = int(best.iloc[0]) if len(best) else int(run["epochs_run"])
    val_acc = history.loc[(history["metric"] == "accuracy") & (history["epoch"] == best_epoch), "validation"].dropna()
    metrics = store.query("evaluation_metrics", run_id=run_id)
    test = metrics[(metrics["test_dataset"] == dataset) & (metrics["part"] == "test") & (metrics["level"] == "image")]
    value = dict(zip(test["metric"], test["value"], strict=True))
    return {"config": spec, "seed": seed, "run_id": run_id, "learned": run["learned"],
            "validation_auc": None if run["learned_auc"] is None or run["learned_auc"] != run["learned_auc"]
            else float(run["learned_auc"]),
            "validation_accuracy": float(val_acc.iloc[0]) if len(val_acc) else None,
            "test_accuracy": float(value["accuracy"]), "test_auc": float(value["auc"]),
            "epochs_run": int(run["epochs_run"]), "best_epoch": best_epoch, "train_seconds": float(run["train_seconds"])}


def _fmt(value: Any, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", choices=sorted(DATASETS), required=True)
    parser.add_argument("--seeds", type=_seeds, default=_seeds("0-9"), help="e.g. 0-9 or 1,3,5")
    parser.add_argument("--config", action="append", required=True, help="configuration (repeat to compare)")
    parser.add_argument("--store", type=Path, default=REPO / "reports" / "benchmarks" / "seed_sweep.duckdb")
    args = parser.parse_args(argv)
    root = DATASETS[args.dataset]
    if not root.is_dir():
        print(f"{root} is absent: the shared data lives in ../shared beside the checkout", file=sys.stderr)
        return 2
    from dsanalysis.ingest import ingest_dataset
    from dsanalysis.model.evaluation import evaluate_runs
    from dsanalysis.model.splits import SplitSettings
    from dsanalysis.model.training import train_run
    from dsanalysis.store import open_store

    args.store.parent.mkdir(parents=True, exist_ok=True)
    split = SplitSettings("random", 0.3, 0.1, 0)  # the study's default split, also for MesoNet's pooled folders
    with open_store(args.store) as store:
        if store.query("datasets").query("dataset == @args.dataset").empty:
            ingest_dataset(store, args.dataset, root)
    rows = []
    for seed in args.seeds:
        for spec in args.config:
            name, overrides = _config(spec)
            result = train_run(args.store, args.dataset, config_name=name, overrides=overrides, seed=seed,
                               split=split)
            with open_store(args.store) as store:
                evaluate_runs(store, [result.run_id], [args.dataset], resamples=0)
                rows.append(_row(store, result.run_id, args.dataset, spec, seed))
            row = rows[-1]
            print(f"seed {seed} {spec}: learned {row['learned']}, validation AUC {_fmt(row['validation_auc'])}, "
                  f"test accuracy {row['test_accuracy']:.3f}, AUC {row['test_auc']:.3f}, {row['epochs_run']} epochs, "
                  f"{row['train_seconds']:.0f} s", flush=True)
    out = REPO / "reports" / "benchmarks" / f"seed_sweep_{args.dataset}.json"
    out.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    print(f"\n| configuration | seed | learned | validation AUC | validation accuracy (kept epoch) | test accuracy | "
          "test AUC | epochs run (kept) | training s |\n|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| `{r['config']}` | {r['seed']} | {r['learned']} | {_fmt(r['validation_auc'])} | "
              f"{_fmt(r['validation_accuracy'])} | {r['test_accuracy']:.3f} | {r['test_auc']:.3f} | "
              f"{r['epochs_run']} ({r['best_epoch']}) | {r['train_seconds']:.0f} |")
    first = None
    print("\n| configuration | seeds | learned | test accuracy min / median | test AUC min / median | "
          "median training s | time ratio |\n|---|---|---|---|---|---|---|")
    for spec in args.config:
        mine = [r for r in rows if r["config"] == spec]
        seconds = statistics.median(r["train_seconds"] for r in mine)
        first = first or seconds
        learned = sum(r["learned"] == "true" for r in mine)
        accuracy = [r["test_accuracy"] for r in mine]
        auc = [r["test_auc"] for r in mine]
        print(f"| `{spec}` | {len(mine)} | {learned}/{len(mine)} | {min(accuracy):.3f} / {statistics.median(accuracy):.3f} | "
              f"{min(auc):.3f} / {statistics.median(auc):.3f} | {seconds:.0f} | {seconds / first:.2f} |")
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
