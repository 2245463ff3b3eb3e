"""The Ray executor: a 2x2 study (2 datasets x 2 seeds) on a local Ray instance gives the local executor's results."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from study_files import duplicate_keys, stored_results, table_counts, write_tiny_study

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'dsanalysis[ray]')")


@pytest.mark.slow
def test_ray_executor_matches_the_local_executor(tmp_path, monkeypatch):
    from dsanalysis.store import open_store
    from dsanalysis.study.config import load_study
    from dsanalysis.study.ray_executor import RayExecutor
    from dsanalysis.study.runner import plan_frame, run_study

    monkeypatch.chdir(tmp_path)  # Ray workers start here: the source folder must not shadow the installed package
    # ingest, training, evaluation and the report: traits and analyses never run on Ray
    study = replace(load_study(write_tiny_study(tmp_path, seeds=(0, 1))), extractors=(), analyses=())
    lines: list[str] = []
    with open_store(tmp_path / "local.duckdb") as store:
        run_study(store, study, report=lambda line: None)
    executor = RayExecutor()
    executor.start()
    try:
        with open_store(tmp_path / "ray.duckdb") as store:
            outcomes = run_study(store, study, report=lines.append, executor=executor)
            assert set(plan_frame(store, study).query("kind in ['train', 'evaluate']")["status"]) == {"done"}
            again = run_study(store, study, report=lines.append, executor=executor)  # nothing left for Ray
    finally:
        executor.stop()
    assert not ray.is_initialized()
    assert {o.unit.kind for o in outcomes if o.status == "ran"} >= {"train", "evaluate"}
    assert {o.status for o in again if o.unit.kind in ("train", "evaluate")} == {"skipped"}
    assert sum(line.startswith("trained run") for line in lines) == 4  # each run trained once, by a Ray task

    assert table_counts(tmp_path / "ray.duckdb") == table_counts(tmp_path / "local.duckdb")
    assert set(duplicate_keys(tmp_path / "ray.duckdb").values()) == {0}
    local, remote = stored_results(tmp_path / "local.duckdb"), stored_results(tmp_path / "ray.duckdb")
    assert len(local["metrics"]) > 0 and local["metrics"]["seed"].nunique() == 2
    for name in local:
        pd.testing.assert_frame_equal(remote[name], local[name], check_exact=False, rtol=1e-9, atol=1e-12, obj=name)
