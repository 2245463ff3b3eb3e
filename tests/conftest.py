"""Shared fixtures: the real data in ../shared (skipped with a reason when absent) and a CLI runner."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from dsanalysis.cli import main

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SHARED_DATASETS = SHARED / "datasets"
SHARED_MESONET = SHARED / "mesonet"


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is absent: the real data lives in ../shared beside the checkout (see its README)")
    return path


@pytest.fixture
def mesonet_dir() -> Path:
    """The shared MesoNet sample: train/{real,df} 500+500, validation/{real,df} 300+300."""
    return _need(SHARED_DATASETS / "mesonet")


@pytest.fixture
def lfw_dir() -> Path:
    """The shared LFW face-swap sample: real/ 500, fake/ 500."""
    return _need(SHARED_DATASETS / "lfw_faceswap")


@pytest.fixture
def published_weights() -> Path:
    """The published MesoNet weights and test images."""
    return _need(SHARED_MESONET)


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "results.duckdb"


@pytest.fixture
def cli(store_path: Path):
    """Run ``python -m dsanalysis --store <tmp store> ARGS...`` in-process; returns code, stdout, stderr."""

    def run(*args: str, store: Path | None = None) -> Result:
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = main(["--store", str(store or store_path), *map(str, args)])
        return Result(code, out.getvalue(), err.getvalue())

    return run
