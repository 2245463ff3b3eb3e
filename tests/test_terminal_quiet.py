"""A user sees the package's own lines, not TensorFlow's native start-up logs; --debug shows them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures import write_good

REPO = Path(__file__).resolve().parents[1]
NATIVE = ("absl::InitializeLog", "oneDNN", "cuda", "cuInit", "I0000", "W0000", "E0000")


@pytest.mark.slow
def test_training_prints_no_native_tensorflow_lines_unless_debugging(tmp_path):
    root = tmp_path / "d"
    write_good(root / "real", 12, 0)
    write_good(root / "fake", 12, 100)
    store = tmp_path / "s.duckdb"
    env = {k: v for k, v in os.environ.items() if k not in ("TF_CPP_MIN_LOG_LEVEL", "DSANALYSIS_DEBUG")}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "dsanalysis", "--store", str(store), *args], cwd=REPO, env=env,
                              text=True, capture_output=True, timeout=600)

    assert run("ingest", "d", str(root)).returncode == 0
    trained = run("train", "d", "--epochs", "1", "--validation-fraction", "0.3")
    assert trained.returncode == 0, trained.stderr
    assert trained.stderr == "" and "epoch 1/1" in trained.stdout
    assert not any(word in trained.stdout for word in NATIVE)
    debugged = run("--debug", "evaluate", "--all", "--bootstrap", "0")
    assert debugged.returncode == 0
    assert any(word in debugged.stderr for word in NATIVE)  # --debug hides nothing


def test_analyze_prints_no_library_warnings(tmp_path):
    """statsmodels' 'invalid value encountered in sqrt' (a boundary fit) becomes a note, not a warning on stderr."""
    from study_store import add_traits, build_study_store

    store = build_study_store(tmp_path, ["alpha", "beta", "gamma", "delta"])
    add_traits(store)
    done = subprocess.run([sys.executable, "-m", "dsanalysis", "--store", str(store), "analyze", "all", "--bootstrap",
                           "200", "--permutations", "199", "--random-groups", "20"], cwd=REPO, text=True,
                          capture_output=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "no standard errors (a negative variance" in done.stdout
