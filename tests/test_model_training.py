"""Training and evaluation end to end on tiny datasets: runs, history, weights, failure, reuse, matrix."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import dsanalysis.model.cache as cache
from dsanalysis.store import open_store

FAST = ("--epochs", "1", "--batch-size", "8")


def _faces(folder: Path, count: int, seed: int, bright: bool) -> None:
    """Learnable toy classes: 'real' images are dark noise, 'fake' ones bright noise."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for i in range(count):
        base = 150 if bright else 40
        pixels = np.clip(rng.normal(base, 30, (48, 48, 3)), 0, 255).astype(np.uint8)
        Image.fromarray(pixels).save(folder / f"{i:03d}.jpg", quality=90)


def _make_datasets(cli, root: Path) -> list[str]:
    for name, seed in (("one", 0), ("two", 100)):
        _faces(root / name / "real", 24, seed, bright=False)
        _faces(root / name / "fake", 24, seed + 1, bright=True)
        assert cli("ingest", name, root / name).code == 0
    return ["one", "two"]


@pytest.fixture
def two_datasets(cli, tmp_path):
    return _make_datasets(cli, tmp_path)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One store with both toy datasets and three 1-epoch runs: one (seeds 1, 5) and two (seed 1)."""
    from conftest import Result

    from dsanalysis.cli import main

    root = tmp_path_factory.mktemp("trained")
    store = root / "results.duckdb"

    def run(*args):
        import io
        from contextlib import redirect_stderr, redirect_stdout

        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = main(["--store", str(store), *map(str, args)])
        return Result(code, out.getvalue(), err.getvalue())

    _make_datasets(run, root)
    before = cache.decode_count
    for dataset, seed in (("one", 1), ("two", 1), ("one", 5)):
        result = run("train", dataset, *FAST, "--seed", seed)
        assert result.code == 0, result.err
    run.decodes = cache.decode_count - before
    run.root = root
    return run


def _rows(cli, sql):
    return json.loads(cli("sql", sql, "--format", "json").out)


def test_train_stores_a_complete_run_and_does_not_train_twice(trained):
    cli = trained
    assert cli.decodes == 96  # each dataset decoded once for three runs
    [run] = _rows(cli, "SELECT * FROM runs WHERE train_dataset = 'two'")
    assert run["status"] == "complete" and run["kind"] == "trained" and run["epochs_run"] == 1
    assert run["config_name"] == "default+batch_size=8,epochs=1"
    config = json.loads(run["config"])
    assert config["loss"] == "bce" and config["learning_rate"] == 1e-3 and config["resize"] == "nearest"
    assert "tensorflow" in json.loads(run["library_versions"])
    assert Path(run["weights_path"]).is_file() and run["weights_path"].endswith(".weights.h5")
    history = _rows(cli, f"SELECT part, metric FROM run_history WHERE run_id = '{run['run_id']}'")
    assert {(h["part"], h["metric"]) for h in history} >= {("train", "loss"), ("train", "accuracy"),
                                                            ("validation", "loss"), ("validation", "accuracy")}
    again = cli("train", "two", *FAST, "--seed", "1")
    assert again.code == 0 and "already stored" in again.out and run["run_id"] in again.out
    assert _rows(cli, "SELECT started_at FROM runs WHERE train_dataset = 'two'") == [{"started_at": run["started_at"]}]
    assert _rows(cli, "SELECT count(*) AS n FROM runs") == [{"n": 3}]


def test_an_interrupted_run_is_marked_interrupted_and_a_rerun_starts_clean(cli, two_datasets, store_path, monkeypatch):
    import keras

    import dsanalysis.model.training as training

    original = training._callbacks

    class Interrupt(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            raise KeyboardInterrupt

    def interrupted(*args, **kwargs):
        callbacks, timing = original(*args, **kwargs)
        return [*callbacks, Interrupt()], timing

    monkeypatch.setattr(training, "_callbacks", interrupted)
    result = cli("train", "one", *FAST)
    assert result.code == 130
    [run] = _rows(cli, "SELECT status, error, weights_path FROM runs")
    assert run["status"] == "interrupted" and "KeyboardInterrupt" in run["error"] and run["weights_path"] is None
    assert _rows(cli, "SELECT count(*) AS n FROM run_history") == [{"n": 0}]
    assert "already" not in cli("evaluate", "--all").err  # an interrupted run is not evaluated
    assert cli("evaluate", "--all").code == 1

    monkeypatch.setattr(training, "_callbacks", original)
    with open_store(store_path) as store, store.transaction():  # as a killed process leaves it
        store.con.execute("UPDATE runs SET status = 'running', error = NULL")
    rerun = cli("train", "one", *FAST)
    assert rerun.code == 0, rerun.err
    assert _rows(cli, "SELECT status, error FROM runs") == [{"status": "complete", "error": None}]


def test_sigterm_during_training_marks_the_run_interrupted_and_exits_143(cli, two_datasets, store_path):
    command = [sys.executable, "-m", "dsanalysis", "--store", str(store_path), "train", "one", "--epochs", "500",
               "--batch-size", "8"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = []
    for line in process.stdout:
        seen.append(line)
        if line.startswith("epoch 1/"):  # inside model.fit
            process.send_signal(signal.SIGTERM)
            break
    out, err = process.communicate(timeout=120)
    assert process.returncode == 143, "".join(seen) + out + err
    assert "terminated" in err and "Traceback" not in err
    [run] = _rows(cli, "SELECT status, error, weights_path FROM runs")
    assert run["status"] == "interrupted" and "Terminated" in run["error"] and run["weights_path"] is None
    assert _rows(cli, "SELECT count(*) AS n FROM run_history") == [{"n": 0}]


def test_evaluate_all_fills_the_cross_dataset_matrix_decoding_each_dataset_once(trained):
    cli = trained
    before = cache.decode_count
    result = cli("evaluate", "--all", "--bootstrap", "200")
    assert result.code == 0, result.err
    assert cache.decode_count == before  # training already cached both datasets
    matrix = json.loads(cli("sql", "--query", "cross_dataset_matrix", "--format", "json").out)
    assert len(matrix) == 6  # 3 runs x 2 test datasets
    pairs = {(m["train_dataset"], m["test_dataset"]) for m in matrix}
    assert pairs == {("one", "one"), ("one", "two"), ("two", "one"), ("two", "two")}
    for cell in matrix:
        assert cell["n_images"] == 14 and cell["accuracy_ci_low"] <= cell["accuracy"] <= cell["accuracy_ci_high"]
        assert cell["in_domain"] == (cell["train_dataset"] == cell["test_dataset"])
    # every model is tested on the same test images of a dataset, those of the dataset's own split
    tested = _rows(cli, "SELECT dataset, count(DISTINCT image_id) AS n, count(*) AS scores FROM predictions "
                        "WHERE part = 'test' GROUP BY dataset ORDER BY dataset")
    assert tested == [{"dataset": "one", "n": 14, "scores": 42}, {"dataset": "two", "n": 14, "scores": 42}]
    overlap = _rows(cli, "SELECT count(*) AS n FROM predictions p JOIN split_members m USING (image_id) "
                         "JOIN runs r ON r.split_id = m.split_id AND r.run_id = p.run_id WHERE m.part <> 'test'")
    assert overlap == [{"n": 0}]  # never scored on its own training or validation images
    # stored metrics agree with a recomputation from the stored predictions
    check = _rows(cli, "SELECT p.run_id, p.dataset, avg(((p.score_real > 0.5) = (i.label = 'real'))::INT) AS acc, "
                       "any_value(m.value) AS stored FROM predictions p JOIN images i USING (image_id) "
                       "JOIN metrics m ON m.run_id = p.run_id AND m.dataset = p.dataset AND m.part = p.part "
                       "AND m.metric = 'accuracy' AND m.level = 'image' GROUP BY ALL")
    assert len(check) == 6 and all(abs(c["acc"] - c["stored"]) < 1e-12 for c in check)
    # stored evaluations are skipped, --force redoes them
    assert "already stored" in cli("evaluate", "--all").out
    assert "already stored" not in cli("evaluate", "--all", "--on", "one", "--force", "--bootstrap", "0").out


def test_evaluating_three_models_decodes_a_new_dataset_once(trained):
    cli = trained
    _faces(trained.root / "three" / "real", 10, 7, bright=False)
    _faces(trained.root / "three" / "fake", 10, 8, bright=True)
    assert cli("ingest", "three", trained.root / "three").code == 0
    before = cache.decode_count
    result = cli("evaluate", "--all", "--on", "three", "--part", "all", "--bootstrap", "0")
    assert result.code == 0, result.err
    assert cache.decode_count - before == 20
    assert _rows(cli, "SELECT count(*) AS n FROM predictions WHERE dataset = 'three'") == [{"n": 60}]


def test_same_seed_with_deterministic_ops_gives_the_same_predictions(cli, two_datasets, store_path):
    args = ("train", "one", *FAST, "--seed", "3", "--deterministic")
    assert cli(*args).code == 0
    assert cli("evaluate", "--all", "--bootstrap", "0").code == 0
    first = _rows(cli, "SELECT image_id, dataset, score_real FROM predictions ORDER BY ALL")
    assert cli(*args, "--force").code == 0  # retrain the same run from scratch
    assert _rows(cli, "SELECT count(*) AS n FROM predictions") == [{"n": 0}]  # old scores went with the old weights
    assert cli("evaluate", "--all", "--bootstrap", "0").code == 0
    second = _rows(cli, "SELECT image_id, dataset, score_real FROM predictions ORDER BY ALL")
    assert len(first) == 28
    assert np.allclose([r["score_real"] for r in first], [r["score_real"] for r in second], atol=1e-6, rtol=0)


def test_unknown_run_id_gives_one_line_and_writes_nothing(cli, two_datasets):
    result = cli("evaluate", "0123456789abcdef")
    assert result.code == 1
    assert "no run '0123456789abcdef'" in result.err and len(result.err.strip().splitlines()) == 1
    assert _rows(cli, "SELECT (SELECT count(*) FROM runs) + (SELECT count(*) FROM evaluations) AS n") == [{"n": 0}]
