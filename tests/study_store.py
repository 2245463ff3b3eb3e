"""A small study store built without training: real ingest of generated images, then runs and
metrics rows with planted values, so report and figure tests run in seconds."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from fixtures import write_good

from dsanalysis.cli import main


def build_study_store(tmp_path: Path, datasets: list[str], seeds: tuple[int, ...] = (0, 1, 2)) -> Path:
    """Ingest one tiny folder per dataset and add one complete trained run per (dataset, seed), each
    evaluated on every dataset with accuracy 0.9 in-domain and 0.6 + 0.05 * (row index) elsewhere."""
    store = tmp_path / "study.duckdb"
    for k, name in enumerate(datasets):
        root = tmp_path / f"data{k}"
        write_good(root / "real", 3, 100 * k)
        write_good(root / "fake", 3, 100 * k + 50)
        if main(["--store", str(store), "ingest", name, str(root)]) != 0:
            raise RuntimeError(f"ingest of {name} failed")
    con = duckdb.connect(str(store))
    config = json.dumps({"loss": "mse", "learning_rate": 0.001, "epochs": 2})
    for i, train in enumerate(datasets):
        for seed in seeds:
            run_id = f"run-{i}-{seed}"
            con.execute(
                "INSERT INTO runs (run_id, kind, arch, train_dataset, config_name, config, seed, status, package_version) "
                "VALUES (?, 'trained', 'meso4', ?, 'default', ?, ?, 'complete', 'test')",
                [run_id, train, config, seed],
            )
            for test in datasets:
                accuracy = 0.9 if test == train else 0.6 + 0.05 * i
                accuracy += 0.01 * seed
                for metric, value in (("accuracy", accuracy), ("auc", min(1.0, accuracy + 0.05))):
                    con.execute(
                        "INSERT INTO metrics VALUES (?, ?, 'test', 'image', ?, ?, ?, ?, 6)",
                        [run_id, test, metric, value, value - 0.1, min(1.0, value + 0.1)],
                    )
    con.close()
    return store


def add_traits(store: Path) -> None:
    """Dataset traits, as the traits command names them, and a 2-D map of every image."""
    con = duckdb.connect(str(store))
    datasets = [d for (d,) in con.execute("SELECT dataset FROM datasets ORDER BY dataset").fetchall()]
    rows = []
    for k, name in enumerate(datasets):
        rows += [(name, "images", "all", 6.0, None, None, 6), (name, "descriptor_vendi_score", "all", 2.0 + k, None, None, 6),
                 (name, "near_duplicate_rate", "all", 0.2 if k == 0 else 0.0, None, None, 6),
                 (name, "jpeg_quality.smd", "all", -0.9 if k == 0 else 0.1, -1.2 if k == 0 else -0.3, -0.6 if k == 0 else 0.5, 6)]
        rows += [(name, f"ita_category.share.{c}", "all", s, None, None, 6)
                 for c, s in (("light", 0.5), ("tan", 0.3), ("dark", 0.2))]
        rows += [(name, f"jpeg_quality.{q}", "all", v + 5 * k, None, None, 6)
                 for q, v in (("q05", 60), ("q25", 70), ("q50", 75), ("q75", 80), ("q95", 90))]
    con.executemany("INSERT INTO dataset_traits VALUES (?, ?, ?, ?, ?, ?, ?, '{}', now()::TIMESTAMP)", rows)
    # the near-duplicate warning is decided where the rate is measured (traits), and stored with it
    from dsanalysis.traits.duplicates import warning_params

    for (name, rate) in con.execute("SELECT dataset, value FROM dataset_traits WHERE trait = 'near_duplicate_rate'").fetchall():
        con.execute("UPDATE dataset_traits SET params = ? WHERE dataset = ? AND trait = 'near_duplicate_rate'",
                    [json.dumps(warning_params(rate)), name])
    con.execute("INSERT INTO embeddings SELECT 'umap_descriptors', image_id, image_id % 7, image_id % 5, '{\"seed\": 0}' "
                "FROM images WHERE status <> 'rejected'")
    con.close()


def add_predictions_and_history(store: Path, epochs: int = 3) -> None:
    """Per-image scores of every run on every image of every dataset (part 'test'), well separated in-domain
    (real 0.75-0.95, fake 0.05-0.25) and overlapping elsewhere, and training curves (loss, accuracy, AUC per
    epoch, training and validation part, the last epoch kept) for every run."""
    con = duckdb.connect(str(store))
    runs = con.execute("SELECT run_id, train_dataset FROM runs ORDER BY run_id").fetchall()
    images = con.execute("SELECT image_id, dataset, label FROM images WHERE status <> 'rejected' ORDER BY image_id").fetchall()
    predictions, history = [], []
    for r, (run_id, train) in enumerate(runs):
        for image_id, dataset, label in images:
            jitter = ((image_id * 7 + r * 3) % 5) / 20  # 0 to 0.2, different per image and run
            if dataset == train:
                score = 0.75 + jitter if label == "real" else 0.05 + jitter
            else:
                score = 0.45 + jitter if label == "real" else 0.35 + jitter
            predictions.append((run_id, dataset, "test", image_id, score))
        for epoch in range(1, epochs + 1):
            for part, lag in (("train", 0.0), ("validation", 0.05)):
                history += [(run_id, epoch, part, "loss", 0.7 / epoch + lag), (run_id, epoch, part, "accuracy", 0.5 + 0.1 * epoch - lag),
                            (run_id, epoch, part, "auc", 0.55 + 0.1 * epoch - lag)]
        history.append((run_id, epochs, "validation", "best_epoch", float(epochs)))
    con.executemany("INSERT INTO predictions VALUES (?, ?, ?, ?, ?)", predictions)
    con.executemany("INSERT INTO run_history VALUES (?, ?, ?, ?, ?)", history)
    con.close()
