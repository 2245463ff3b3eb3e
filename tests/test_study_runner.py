"""The study runner: a whole (tiny) study runs, and a second run redoes no training or evaluation."""

from __future__ import annotations

from dataclasses import replace

import duckdb
import pytest
from study_files import write_tiny_study

COUNTED = ("runs", "run_history", "evaluations", "predictions", "metrics", "splits", "split_members", "images")


def _counts(store_path):
    con = duckdb.connect(str(store_path), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED}  # noqa: S608 - fixed names
    finally:
        con.close()


@pytest.fixture
def tiny_study_file(tmp_path):
    return write_tiny_study(tmp_path)


@pytest.mark.slow
def test_study_runs_end_to_end_and_resumes_without_redoing_work(tmp_path, tiny_study_file, cli, monkeypatch):
    import keras

    import dsanalysis.model.training as training
    from dsanalysis.store import open_store
    from dsanalysis.study.config import load_study
    from dsanalysis.study.runner import plan_frame, run_study

    # Ctrl-C during the first training run: exit 130, one line saying how to resume, the run marked not done
    original = training._callbacks

    class Interrupt(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            raise KeyboardInterrupt

    def interrupted(*args, **kwargs):
        callbacks, timing = original(*args, **kwargs)
        return [*callbacks, Interrupt()], timing

    monkeypatch.setattr(training, "_callbacks", interrupted)
    store_path = tmp_path / "study.duckdb"
    result = cli("study", "run", tiny_study_file, store=store_path)
    assert result.code == 130
    assert result.err.count("\n") == 1 and result.err.startswith("interrupted during 'train meso4 on one"), result.err
    assert f"rerun `python -m dsanalysis study run {tiny_study_file}`" in result.err
    monkeypatch.setattr(training, "_callbacks", original)
    con = duckdb.connect(str(store_path), read_only=True)
    assert con.execute("SELECT status, count(*) FROM runs GROUP BY ALL").fetchall() == [("interrupted", 1)]
    con.close()

    tiny_study = replace(load_study(tiny_study_file), extractors=())  # traits are not what this test is about
    with open_store(store_path) as store:
        plan = plan_frame(store, tiny_study)
        assert set(plan.loc[plan["kind"] == "ingest", "status"]) == {"done"}
        assert set(plan.loc[plan["kind"].isin(["train", "evaluate"]), "status"]) == {"pending"}
        first = run_study(store, tiny_study, report=lambda line: None)
    assert {o.unit.kind for o in first if o.status == "ran"} == {"ingest", "train", "evaluate", "analysis", "report"}
    counts = _counts(store_path)
    assert counts["runs"] == 2 and counts["evaluations"] == 4  # 2 models x 2 test splits
    assert (tmp_path / "report" / "index.html").exists()
    with open_store(store_path) as store:
        plan = plan_frame(store, tiny_study)
        assert set(plan["status"]) == {"done"}  # analyses and the report too, once made after their inputs
        second = run_study(store, tiny_study, report=lambda line: None)
    assert {o.unit.kind for o in second if o.status == "skipped"} == {"train", "evaluate", "analysis", "report"}
    assert _counts(store_path) == counts  # nothing duplicated, nothing lost


def test_plan_estimates_pending_units_from_a_throughput_probe(tmp_path, tiny_study_file, cli):
    result = cli("study", "plan", tiny_study_file, store=tmp_path / "none.duckdb")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert "estimate_s" in lines[0]
    rows = [line for line in lines if line.lstrip().startswith(("ingest", "train", "evaluate"))]
    assert len(rows) == 2 + 2 + 2
    assert all(float(line.split()[-1]) > 0 for line in rows)  # every ingest, train and evaluate unit estimated
    assert "units pending (no store at" in result.out
    assert "estimated time left: about" in result.out and "not a measurement" in result.out
    quiet = cli("study", "plan", tiny_study_file, "--no-estimate", store=tmp_path / "none.duckdb")
    assert quiet.code == 0 and "estimate_s" not in quiet.out and "estimated time" not in quiet.out


def test_address_without_the_ray_executor_is_a_user_error(tiny_study_file, cli):
    result = cli("study", "run", tiny_study_file, "--address", "localhost:6379")
    assert result.code == 1 and result.err == "error: --address needs --executor ray\n"


def test_sigterm_during_a_study_says_terminated_and_exits_143(tmp_path, tiny_study_file, cli, monkeypatch):
    import dsanalysis.study.runner as runner
    from dsanalysis.errors import Terminated

    def terminated(store, study, unit, report):
        raise Terminated("signal 15")

    monkeypatch.setattr(runner, "run_unit", terminated)
    result = cli("study", "run", tiny_study_file, store=tmp_path / "study.duckdb")
    assert result.code == 143
    assert result.err.count("\n") == 1 and result.err.startswith("terminated during 'ingest"), result.err


def test_plan_estimates_a_manifest_dataset_before_ingest_from_its_manifest(tmp_path, tiny_study_file, cli):
    """A dataset given as PATH/manifest.csv (no class folders) is estimated from its manifest rows, never 0 s."""
    import pandas as pd

    two = tiny_study_file.parent / "two"
    rows = []
    for image in sorted(two.rglob("*.png")) + sorted(two.rglob("*.jpg")):
        flat = two / "flat" / f"{image.parent.name}_{image.name}"
        flat.parent.mkdir(exist_ok=True)
        image.rename(flat)
        rows.append({"path": f"flat/{flat.name}", "label": "real" if image.parent.name == "real" else "fake"})
    pd.DataFrame(rows).to_csv(two / "manifest.csv", index=False)
    result = cli("study", "plan", tiny_study_file, store=tmp_path / "none.duckdb")
    assert result.code == 0, result.err
    lines = [line for line in result.out.splitlines() if " two" in line and line.lstrip().startswith(("ingest", "train"))]
    assert len(lines) == 2 and all(float(line.split()[-1]) > 0 for line in lines), result.out
