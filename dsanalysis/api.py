"""The Python API: a study's tables as pandas DataFrames, for notebooks and scripts.

    >>> import dsanalysis
    >>> study = dsanalysis.open_study("results.duckdb")
    >>> study.matrix()          # the cross-dataset matrix, one row per (model, tested dataset)
    >>> study.ranking()         # the datasets ranked by how well their models generalize
    >>> study.result("traits", "trait_correlations")
    >>> study.sql("SELECT train_dataset, count(*) AS runs FROM runs GROUP BY ALL")

Every read opens the store read-only, reads, and closes it again, so a notebook never holds the
store: a study can run (and write) while you look at it. A read that finds the store being written
waits for that write (at most ``$DSANALYSIS_STORE_WAIT`` seconds, default 60), as the commands do.
Reads never write: nothing here can change the store.

Every method returns a new DataFrame with the columns of the named query or result table it reads
(``python -m dsanalysis sql --list`` describes each query; the README's statistics reference each
result table). An analysis that has not been run gives an empty DataFrame.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from dsanalysis.errors import UserError


@dataclass(frozen=True)
class Study:
    """A results store, read through short-lived read-only connections (see :func:`open_study`)."""

    path: Path

    def query(self, name: str, **params: Any) -> pd.DataFrame:
        """The rows of the named query ``name`` (``sql --list``), its parameters given as keywords.

        Returns
        -------
        DataFrame
            the query's columns, as ``python -m dsanalysis sql --query NAME`` prints them.
        """
        from dsanalysis.store.reading import named_query_frame

        with self._reading() as store:
            return named_query_frame(store, name, params)

    def sql(self, statement: str) -> pd.DataFrame:
        """The rows of one ``SELECT`` statement over the store's tables (``sql/schema.sql``).

        Returns
        -------
        DataFrame
            the statement's columns.
        """
        from dsanalysis.store.reading import select_frame

        with self._reading() as store:
            return select_frame(store, statement)

    def datasets(self) -> pd.DataFrame:
        """Registered datasets with file counts per status and class (the ``datasets`` query)."""
        return self.query("datasets")

    def runs(self) -> pd.DataFrame:
        """Trained and imported models, with whether each learned (the ``runs`` query)."""
        return self.query("runs")

    def matrix(self) -> pd.DataFrame:
        """The cross-dataset matrix: one row per (model, tested dataset) with accuracy, AUC and their
        intervals (the ``cross_dataset_matrix`` query)."""
        return self.query("cross_dataset_matrix")

    def summary(self) -> pd.DataFrame:
        """The matrix averaged over seeds and configurations, per (training, tested dataset) (the
        ``cross_dataset_summary`` query)."""
        return self.query("cross_dataset_summary")

    def ranking(self) -> pd.DataFrame:
        """The newest ranking's ``scores`` table: per training dataset, its in-domain and generalization
        scores, their spread over seeds, how many of its runs learned, and its rank (empty before
        ``analyze ranking``)."""
        return self.result("ranking", "scores")

    def result(self, analysis: str, table: str) -> pd.DataFrame:
        """One result table of the newest analysis ``analysis`` ('ranking', 'traits', 'subgroups').

        Returns
        -------
        DataFrame
            the table as ``analyze`` wrote it; empty when that analysis or table is not stored.
        """
        from dsanalysis.stats.results import load_result

        with self._reading() as store:
            return load_result(store, analysis, table)

    def results(self) -> pd.DataFrame:
        """Which result tables are stored.

        Returns
        -------
        DataFrame
            analysis, table, analysis_id, created_at: one row per table of the newest analysis of each name.
        """
        return self.sql("""
            WITH newest AS (
                SELECT name, analysis_id, created_at FROM analyses
                QUALIFY row_number() OVER (PARTITION BY name ORDER BY created_at DESC, analysis_id) = 1)
            SELECT DISTINCT n.name AS analysis, r.result AS "table", n.analysis_id, n.created_at
            FROM newest n JOIN analysis_results r USING (analysis_id)
            ORDER BY analysis, "table"
        """)

    def _reading(self) -> Any:
        from dsanalysis.store import open_store

        return open_store(self.path, read_only=True)


def open_study(path: str | Path) -> Study:
    """A study's results store, for reading from Python (see the module documentation).

    Parameters
    ----------
    path : str or Path
        the store file (``results.duckdb`` by default on the command line).

    Raises
    ------
    UserError
        when there is no store at ``path``.
    """
    path = Path(path)
    if not path.is_file():
        raise UserError(f"store {path} does not exist; create one with `python -m dsanalysis ingest NAME PATH` "
                        "or `python -m dsanalysis study run STUDY.toml`")
    return Study(path)
