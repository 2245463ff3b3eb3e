"""The Python API: the README's notebook example runs, reads never hold the store, and a user's own
read-only DuckDB connection in the same process does not break it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from study_store import add_traits, build_study_store

import dsanalysis
from dsanalysis.errors import UserError

README = Path(__file__).resolve().parents[1] / "README.md"


def _readme_example() -> str:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- api-example[^>]*-->\s*```python\n(.*?)```\s*<!-- /api-example -->", text, re.DOTALL)
    if block is None:
        raise AssertionError("README has no api-example block")
    return block.group(1)


@pytest.fixture
def analysed_store(tmp_path, cli):
    store = build_study_store(tmp_path, ["alpha", "beta", "gamma", "delta"])
    add_traits(store)
    with duckdb.connect(str(store)) as con:  # the evaluations behind the planted metrics
        con.execute("INSERT INTO evaluations (run_id, dataset, part, n_images, evaluated_at) "
                    "SELECT DISTINCT run_id, dataset, part, 6, now() FROM metrics")
    assert cli("analyze", "ranking", "--n-boot", "200", store=store).code == 0
    assert cli("analyze", "traits", "--n-boot", "200", "--n-perm", "199", store=store).code == 0
    return store


def test_the_readme_example_returns_the_matrix_and_the_ranking_as_dataframes(analysed_store, monkeypatch, capsys):
    monkeypatch.chdir(analysed_store.parent)
    os.replace(analysed_store, analysed_store.parent / "results.duckdb")
    namespace: dict = {}
    exec(compile(_readme_example(), "README.md api-example", "exec"), namespace)
    matrix, ranking, grid = namespace["matrix"], namespace["ranking"], namespace["grid"]
    assert isinstance(matrix, pd.DataFrame) and isinstance(ranking, pd.DataFrame)
    assert len(matrix) == 4 * 3 * 4  # 4 datasets x 3 seeds, each tested on 4 datasets
    assert {"train_dataset", "test_dataset", "accuracy", "auc"} <= set(matrix.columns)
    assert grid.shape == (4, 4)
    assert grid.loc["alpha", "alpha"] == pytest.approx(0.91)  # the planted in-domain 0.9 + 0.01 x mean seed
    assert set(ranking["train_dataset"]) == {"alpha", "beta", "gamma", "delta"}
    assert {"metric", "scope", "estimate", "rank", "seed_sd", "n_learned"} <= set(ranking.columns)
    best = ranking.query("metric == 'accuracy' and scope == 'generalization'").sort_values("rank")
    assert best["train_dataset"].iloc[0] == "delta"  # planted: 0.6 + 0.05 x row index off the diagonal
    assert len(namespace["correlations"]) > 0
    assert namespace["runs"]["runs"].tolist() == [3, 3, 3, 3]
    assert "alpha" in capsys.readouterr().out


def test_reads_hold_the_store_only_while_they_read(analysed_store):
    study = dsanalysis.open_study(analysed_store)
    assert not study.matrix().empty
    writer = duckdb.connect(str(analysed_store))  # a study writing: possible between reads
    writer.execute("CREATE TABLE scratch AS SELECT 1 AS x")
    writer.close()
    assert {"ranking", "traits"} <= set(study.results()["analysis"])
    assert study.result("subgroups", "subgroup_gaps").empty  # not run: empty, not an error


def test_a_users_own_read_only_connection_and_the_api_coexist(analysed_store):
    own = duckdb.connect(str(analysed_store), read_only=True)
    try:
        assert len(dsanalysis.open_study(analysed_store).runs()) == 12
        assert own.execute("SELECT count(*) FROM runs").fetchone() == (12,)
    finally:
        own.close()


def test_the_api_refuses_writes_and_names_what_is_wrong(analysed_store, tmp_path):
    study = dsanalysis.open_study(analysed_store)
    with pytest.raises(UserError, match="only SELECT queries run"):
        study.sql("DELETE FROM runs")
    with pytest.raises(UserError, match="no named query .no_such_query."):
        study.query("no_such_query")
    with pytest.raises(UserError, match="does not exist"):
        dsanalysis.open_study(tmp_path / "missing.duckdb")


def test_importing_the_package_stays_cheap():
    code = "import sys, dsanalysis; print(sorted(m for m in ('pandas', 'duckdb', 'tensorflow') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
