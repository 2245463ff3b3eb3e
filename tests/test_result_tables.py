"""Every result table is declared once (dsanalysis/stats/tables.py): its typed query, the columns saving accepts,
what load_result gives and the README's reference all follow that declaration."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dsanalysis.stats.results import load_result, save_analysis
from dsanalysis.stats.tables import TABLES, ResultTable, result_table
from dsanalysis.store import all_queries, open_store

README = Path(__file__).resolve().parents[1] / "README.md"
VALUES = {"VARCHAR": ["a", None], "DOUBLE": [0.25, np.nan], "BIGINT": [3, 4], "BOOLEAN": [True, False]}


def _frame(table: ResultTable) -> pd.DataFrame:
    """Two rows of the declared columns, one value of each declared type (and a missing one)."""
    return pd.DataFrame({c.name: pd.Series(VALUES[c.type], dtype=table.dtypes[c.name]) for c in table.columns})


def _saved(store_path) -> None:
    """One analysis per declared analysis name holding every table it declares (and the shared ones)."""
    names = sorted({t.analysis for t in TABLES if t.analysis is not None})
    with open_store(store_path) as store:
        for name in names:
            tables = {t.result: _frame(t) for t in TABLES if t.analysis in (name, None)}
            save_analysis(store, name, {}, 0, {"fingerprint": name}, tables)


def test_every_declared_table_has_a_typed_query_with_its_columns_types_and_values(store_path):
    _saved(store_path)
    queries = all_queries()
    with open_store(store_path, read_only=True) as store:
        for table in TABLES:
            query = queries[table.query]
            assert query.kind == "query" and query.description == table.description, table.query
            cursor = store.con.execute(query.sql, query.bind({}))
            lead = ["analysis", "row_index"] if table.analysis is None else ["row_index"] if table.row_index else []
            assert [d[0] for d in cursor.description] == [*lead, *table.names], table.query
            assert [str(d[1]) for d in cursor.description[len(lead):]] == [c.type for c in table.columns], table.query
            rows = cursor.df()
            if table.analysis is None:
                rows = rows[rows["analysis"] == "ranking"]
            expected = _frame(table)
            for column in table.names:  # every value comes back, missing ones as missing
                got, want = rows[column].tolist(), expected[column].tolist()
                assert [None if pd.isna(v) else v for v in got] == [None if pd.isna(v) else v for v in want], \
                    (table.query, column)
            loaded = load_result(store, table.analysis or "ranking", table.result)
            assert list(loaded.columns) == table.names, table.result
            for column in table.names:  # text as text, everything else as float
                is_text = table.dtypes[column] == "object"
                assert pd.api.types.is_numeric_dtype(loaded[column]) != is_text, (table.result, column)


def test_the_shortcut_queries_keep_their_filters(store_path):
    _saved(store_path)
    with open_store(store_path, read_only=True) as store:
        assert len(store.query("analysis_shortcuts", dataset="a")) == 1
        assert store.query("analysis_shortcuts", dataset="b").empty
        assert len(store.query("analysis_shortcuts", warnings_only=True)) == 1  # the row whose warning is true
        assert store.query("analysis_shortcut_categories", descriptor="zzz").empty


def test_saving_columns_other_than_the_declared_ones_is_refused(store_path):
    scores = _frame(result_table("ranking", "scores"))
    with open_store(store_path) as store:
        with pytest.raises(ValueError, match=r"'scores' of analysis 'ranking'.*missing \['note'\]"):
            save_analysis(store, "ranking", {}, 0, {}, {"scores": scores.drop(columns="note")})
        with pytest.raises(ValueError, match=r"undeclared \['extra'\]"):
            save_analysis(store, "ranking", {}, 0, {}, {"scores": scores.assign(extra=1.0)})
        with pytest.raises(ValueError, match="declared:"):  # the order is part of the declaration
            save_analysis(store, "ranking", {}, 0, {}, {"scores": scores[scores.columns[::-1]]})
        save_analysis(store, "ranking", {}, 0, {}, {"scores": pd.DataFrame(), "other": pd.DataFrame({"x": [1]})})


def test_every_declaration_is_well_formed_and_unique():
    assert len({t.query for t in TABLES}) == len(TABLES)
    assert len({(t.analysis, t.result) for t in TABLES}) == len(TABLES)
    for table in TABLES:
        assert table.description and all(c.meaning for c in table.columns), table.result
        assert result_table(table.analysis or "ranking", table.result) is table


def _readme_sections() -> list[tuple[str, str]]:
    """(heading, body up to the next heading) of every heading of the README."""
    text = README.read_text(encoding="utf-8")
    parts = re.split(r"^(#{2,6} .*)$", text, flags=re.MULTILINE)
    return list(zip(parts[1::2], parts[2::2], strict=True))


def test_the_readme_documents_every_declared_table_and_column_and_no_other():
    sections = _readme_sections()
    for table in TABLES:
        found = [(h, body) for h, body in sections if f"`{table.result}`" in h and f"`{table.query}`" in h]
        assert len(found) == 1, f"README: one heading naming `{table.result}` and its query `{table.query}`"
        heading, body = found[0]
        listed = set()  # the first cell of each row of a column table
        for line in body.splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else []
            if cells and cells[0] not in ("column", "") and not set(cells[0]) <= set("-: "):
                listed |= {name.strip().strip("`") for name in cells[0].split(",")}
        mentioned = listed | set(re.findall(r"`(\w+)`", body))
        assert set(table.names) <= mentioned, (heading, sorted(set(table.names) - mentioned))
        assert listed <= set(table.names), (heading, sorted(listed - set(table.names)))
