"""The study runner: a whole (tiny) study runs, and a second run redoes no training or evaluation."""

from __future__ import annotations

import duckdb
import pytest

from dsanalysis.study.config import DatasetEntry, SplitEntry, StudyConfig, TrainingEntry
from dsanalysis.synthetic.datasets import SyntheticDatasetSpec, write_synthetic_dataset

COUNTED = ("runs", "run_history", "evaluations", "predictions", "metrics", "splits", "split_members", "images")


def _counts(store_path):
    con = duckdb.connect(str(store_path), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED}  # noqa: S608 - fixed names
    finally:
        con.close()


@pytest.fixture
def tiny_study(tmp_path):
    datasets = []
    for k, name in enumerate(("one", "two")):
        root = write_synthetic_dataset(SyntheticDatasetSpec(name, images_per_class=16), tmp_path / name, seed=k)
        datasets.append(DatasetEntry(name, root))
    return StudyConfig(
        name="tiny", source=None, datasets=tuple(datasets),
        split=SplitEntry(strategy="random", test_fraction=0.3, validation_fraction=0.2, seed=0),
        training=TrainingEntry(architectures=("meso4",), base="default", seeds=(0,),
                               grid=({"epochs": 1, "batch_size": 8},)),
        extractors=(), analyses=("ranking",), bootstrap_resamples=50, report_out=tmp_path / "report",
    )


@pytest.mark.slow
def test_study_runs_end_to_end_and_resumes_without_redoing_work(tmp_path, tiny_study, cli):
    from dsanalysis.store import open_store
    from dsanalysis.study.runner import plan_frame, run_study

    store_path = tmp_path / "study.duckdb"
    with open_store(store_path) as store:
        assert set(plan_frame(store, tiny_study)["status"]) == {"pending"}
        first = run_study(store, tiny_study, report=lambda line: None)
    assert {o.unit.kind for o in first if o.status == "ran"} == {"ingest", "train", "evaluate", "analysis", "report"}
    counts = _counts(store_path)
    assert counts["runs"] == 2 and counts["evaluations"] == 4  # 2 models x 2 test splits
    assert (tmp_path / "report" / "index.html").exists()
    with open_store(store_path) as store:
        plan = plan_frame(store, tiny_study)
        assert set(plan.loc[plan["kind"].isin(["ingest", "train", "evaluate"]), "status"]) == {"done"}
        second = run_study(store, tiny_study, report=lambda line: None)
    assert {o.unit.kind for o in second if o.status == "skipped"} == {"train", "evaluate"}
    assert _counts(store_path) == counts  # nothing duplicated, nothing lost
