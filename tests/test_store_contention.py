"""Two real processes and one store: no finished run is lost, no run is trained twice at once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from fixtures import write_good

REPO = Path(__file__).resolve().parents[1]


def _command(store: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "dsanalysis", "--store", str(store), *args]


def _env(wait: float) -> dict[str, str]:
    return {**os.environ, "DSANALYSIS_STORE_WAIT": str(wait), "TF_CPP_MIN_LOG_LEVEL": "3"}


def _runs(store: Path, timeout: float = 60) -> list[str]:
    """Every run's status, read as soon as no other process holds the store."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            con = duckdb.connect(str(store), read_only=True)
        except duckdb.IOException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
            continue
        try:
            return [status for (status,) in con.execute("SELECT status FROM runs").fetchall()]
        finally:
            con.close()


def _wait_for_running(store: Path, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while "running" not in _runs(store):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.2)


@pytest.fixture
def dataset_store(tmp_path, cli, store_path):
    root = tmp_path / "d"
    write_good(root / "real", 24, 0, prefix="r")
    write_good(root / "fake", 24, 100, prefix="f")
    assert cli("ingest", "d", root).code == 0
    return store_path


TRAIN = ("train", "d", "--epochs", "3", "--batch-size", "4", "--deterministic", "--validation-fraction", "0.3")


@pytest.mark.slow
def test_a_second_process_training_the_same_run_refuses_and_the_first_completes(dataset_store):
    first = subprocess.Popen(_command(dataset_store, *TRAIN), cwd=REPO, env=_env(60), text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _wait_for_running(dataset_store, first)
    second = subprocess.run(_command(dataset_store, *TRAIN), cwd=REPO, env=_env(60), text=True, capture_output=True,
                            timeout=300)
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert second.returncode == 1
    assert "is being trained by another process" in second.stderr and f":{first.pid})" in second.stderr
    assert _runs(dataset_store) == ["complete"]  # never downgraded to 'failed'


@pytest.mark.slow
def test_a_run_that_finishes_while_another_process_holds_the_store_is_kept_and_recorded_later(dataset_store, cli):
    trainer = subprocess.Popen(_command(dataset_store, *TRAIN), cwd=REPO, env=_env(2), text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _wait_for_running(dataset_store, trainer)
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time, duckdb\n"
        f"con = duckdb.connect({str(dataset_store)!r})\n"
        "print('ready', flush=True)\n"
        "sys.stdin.readline()\n")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        out, err = trainer.communicate(timeout=300)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert trainer.returncode == 1
    assert "finished training and is saved" in err and "run the same command again to record it" in err
    assert "waiting up to 2 s for store" in err
    weights = list((dataset_store.parent / "results_files" / "runs").glob("*.weights.h5"))
    assert len(weights) == 1 and list(weights[0].parent.glob("*.pending.json"))
    again = cli(*TRAIN)
    assert again.code == 0, again.err
    assert "recorded it now, without training again" in again.out and "epoch 1/" not in again.out
    assert _runs(dataset_store) == ["complete"]
    assert not list(weights[0].parent.glob("*.pending.json"))


@pytest.mark.slow
def test_the_store_can_be_read_while_a_study_trains(tmp_path):
    from study_files import write_tiny_study

    study = write_tiny_study(tmp_path)
    study.write_text(study.read_text().replace("epochs = [1]", "epochs = [3]"))
    store = tmp_path / "study.duckdb"
    runner = subprocess.Popen(_command(store, "study", "run", str(study)), cwd=REPO, env=_env(60), text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    while not store.exists():
        assert runner.poll() is None, runner.communicate()
        time.sleep(0.1)
    _wait_for_running(store, runner)  # read-only connections succeed while a run is training
    read = subprocess.run(_command(store, "sql", "SELECT count(*) AS n FROM datasets", "--format", "csv"), cwd=REPO,
                          env=_env(30), text=True, capture_output=True, timeout=120)
    assert read.returncode == 0 and read.stdout.endswith("n\n2\n"), read.stderr
    out, err = runner.communicate(timeout=600)
    assert runner.returncode == 0, err


@pytest.mark.slow
def test_the_store_can_be_read_while_traits_are_measured(tmp_path, cli, store_path):
    root = tmp_path / "many"
    write_good(root / "real", 300, 0, prefix="r")
    write_good(root / "fake", 300, 1000, prefix="f")
    assert cli("ingest", "many", root).code == 0
    measuring = subprocess.Popen(_command(store_path, "traits", "many", "--extractors", "quality,skin"), cwd=REPO,
                                 env=_env(60), text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    reads = 0  # reads that got in while traits had measured some images but not all of them
    while measuring.poll() is None:
        try:
            con = duckdb.connect(str(store_path), read_only=True)
        except duckdb.IOException:
            time.sleep(0.05)
            continue
        measured = con.execute("SELECT count(DISTINCT content_hash) FROM image_traits").fetchone()[0]
        con.close()
        if 0 < measured < 600:
            reads += 1
        time.sleep(0.1)
    out, err = measuring.communicate()
    assert measuring.returncode == 0, err
    assert reads >= 1
