"""A study killed with SIGKILL during a training run resumes to the results of an uninterrupted run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import duckdb
import pandas as pd
import pytest
from study_files import duplicate_keys, stored_results, table_counts, write_tiny_study


def _study_run(store, study, cwd) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "dsanalysis", "--store", str(store), "study", "run", str(study)],
                            cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_sigkill_during_training_then_rerun_equals_an_uninterrupted_run(tmp_path):
    study = write_tiny_study(tmp_path)
    killed_store, full_store = tmp_path / "killed.duckdb", tmp_path / "full.duckdb"

    process = _study_run(killed_store, study, tmp_path)
    seen = []
    for line in process.stdout:  # the runner prints "run ID started: ..." once the run row is committed
        seen.append(line)
        if " started: " in line:
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, "".join(seen) + process.stderr.read()
    con = duckdb.connect(str(killed_store), read_only=True)
    assert con.execute("SELECT status, count(*) FROM runs GROUP BY ALL").fetchall() == [("running", 1)]
    assert con.execute("SELECT count(*) FROM run_history").fetchone()[0] == 0
    con.close()

    for store in (killed_store, full_store):
        process = _study_run(store, study, tmp_path)
        out, err = process.communicate(timeout=900)
        assert process.returncode == 0, err

    assert table_counts(killed_store) == table_counts(full_store)
    assert set(duplicate_keys(killed_store).values()) == {0}
    con = duckdb.connect(str(killed_store), read_only=True)
    assert con.execute("SELECT DISTINCT status FROM runs").fetchall() == [("complete",)]
    con.close()
    resumed, full = stored_results(killed_store), stored_results(full_store)
    assert len(full["metrics"]) > 0
    for name in full:
        pd.testing.assert_frame_equal(resumed[name], full[name], check_exact=False, rtol=1e-9, atol=1e-12, obj=name)
    assert not [p for p in os.listdir(tmp_path / "killed_files" / "runs") if "partial" in p]
