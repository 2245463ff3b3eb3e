"""Tiny study files over synthetic datasets, and the store comparisons the resume and Ray tests make."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from dsanalysis.synthetic.datasets import SyntheticDatasetSpec, write_synthetic_dataset


def write_tiny_study(folder: Path, seeds: tuple[int, ...] = (0,), images_per_class: int = 16) -> Path:
    """Two synthetic datasets and a study file training Meso-4 one deterministic epoch per (dataset, seed)."""
    for k, name in enumerate(("one", "two")):
        write_synthetic_dataset(SyntheticDatasetSpec(name, images_per_class=images_per_class), folder / name, seed=k)
    study = folder / "study.toml"
    study.write_text(f"""
[study]
name = "tiny"

[[datasets]]
name = "one"
path = "one"

[[datasets]]
name = "two"
path = "two"

[split]
test_fraction = 0.3
validation_fraction = 0.2

[training]
seeds = {list(seeds)}

[training.grid]
epochs = [1]
batch_size = [8]
deterministic = [true]

[traits]
extractors = ["quality"]

[analyses]
run = ["ranking"]

[evaluation]
bootstrap_resamples = 50

[report]
out = "report"
""", encoding="utf-8")
    return study


def table_counts(store: Path) -> dict[str, int]:
    """Rows in every table of the store."""
    con = duckdb.connect(str(store), read_only=True)
    try:
        tables = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY table_name").fetchall()]
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608 - catalog names
    finally:
        con.close()


def duplicate_keys(store: Path) -> dict[str, int]:
    """Per table with a primary key: rows minus distinct keys (0 everywhere when no key repeats)."""
    con = duckdb.connect(str(store), read_only=True)
    try:
        keys = con.execute("SELECT table_name, constraint_column_names FROM duckdb_constraints() "
                           "WHERE constraint_type = 'PRIMARY KEY'").fetchall()
        out = {}
        for table, columns in keys:
            key = ", ".join(f'"{c}"' for c in columns)
            out[table] = con.execute(f'SELECT count(*) - count(DISTINCT ({key})) FROM "{table}"').fetchone()[0]  # noqa: S608
        return out
    finally:
        con.close()


def stored_results(store: Path) -> dict[str, pd.DataFrame]:
    """Metrics, predictions and training curves, sorted by their keys (what must not depend on how the study ran)."""
    con = duckdb.connect(str(store), read_only=True)
    try:
        return {
            "metrics": con.execute("SELECT r.train_dataset, r.seed, m.dataset, m.part, m.level, m.metric, m.value, "
                                   "m.ci_low, m.ci_high, m.n FROM metrics m JOIN runs r USING (run_id) "
                                   "ORDER BY ALL").df(),
            "predictions": con.execute("SELECT run_id, dataset, image_id, score_real FROM predictions ORDER BY ALL").df(),
            "history": con.execute("SELECT run_id, epoch, part, metric, value FROM run_history "
                                   "WHERE metric <> 'seconds' ORDER BY ALL").df(),
        }
    finally:
        con.close()
