"""Writing analysis results to the store and reading them back (long form, see sql/schema.sql)."""

from __future__ import annotations

import json
from collections.abc import Collection

import numpy as np
import pandas as pd

from dsanalysis import __version__
from dsanalysis.provenance import library_versions_json, stable_key
from dsanalysis.stats.tables import result_table
from dsanalysis.store import Store


def long_cells(analysis_id: str, result: str, frame: pd.DataFrame, text_columns: Collection[str] | None = None) -> pd.DataFrame:
    """One row per cell of ``frame``: numbers (booleans as 1/0) in ``number``, the rest in ``text``.

    ``text_columns`` (a declared table's, :mod:`dsanalysis.stats.tables`) are stored as text and every
    other column as a number; without it, columns of a numeric or boolean dtype are numbers.

    Returns
    -------
    DataFrame
        analysis_id, result, row_index, column_index, column_name, number, text.
    """
    parts = []
    n = len(frame)
    for position, column in enumerate(frame.columns):
        values = frame[column]
        numeric = pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)
        if text_columns is not None:
            if column not in text_columns and not numeric:  # numbers and flags held as objects (with None)
                values = values.astype(object).where(values.notna(), np.nan).astype(float)
            numeric = column not in text_columns
        if numeric:
            number = pd.to_numeric(values.astype("Float64") if pd.api.types.is_bool_dtype(values) else values,
                                   errors="coerce").astype(float).replace([np.inf, -np.inf], np.nan).to_numpy()
            inf = values.astype(float).to_numpy() if not pd.api.types.is_bool_dtype(values) else np.zeros(n)
            text = np.where(np.isinf(inf), np.where(inf > 0, "inf", "-inf"), None)
        else:
            number = np.full(n, np.nan)
            text = values.astype(object).where(values.notna(), None).map(lambda v: v if v is None else str(v)).to_numpy()
        parts.append(pd.DataFrame({"row_index": np.arange(n, dtype=np.int32), "column_index": np.int32(position),
                                   "column_name": str(column), "number": number, "text": text}))
    cells = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["row_index", "column_index", "column_name", "number", "text"])
    cells.insert(0, "result", result)
    cells.insert(0, "analysis_id", analysis_id)
    cells["text"] = cells["text"].astype(object)
    return cells


def save_analysis(store: Store, name: str, params: dict, seed: int, inputs: dict, tables: dict[str, pd.DataFrame]) -> str:
    """Write one analysis and its result tables atomically; returns its analysis_id.

    The id is a stable key of (name, params, inputs): the same analysis of the same inputs replaces
    its earlier copy instead of piling up duplicates. A table declared in :mod:`dsanalysis.stats.tables`
    must have the declared columns in the declared order (ValueError otherwise; an empty table without
    columns stores nothing).
    """
    declared = {result: result_table(name, result) for result in tables}
    for result, frame in tables.items():
        if declared[result] is not None and len(frame.columns):
            declared[result].check(list(frame.columns))
    analysis_id = stable_key("analysis", name, params, inputs)
    cells = pd.concat([long_cells(analysis_id, result, frame, declared[result].text_columns if declared[result] else None)
                       for result, frame in tables.items()], ignore_index=True)
    with store.transaction():
        store.execute("analysis_delete_results", analysis_id=analysis_id)
        store.execute("analysis_delete", analysis_id=analysis_id)
        store.execute("analysis_insert", analysis_id=analysis_id, analysis_name=name, params=json.dumps(params, sort_keys=True, default=str),
                      seed=int(seed), input_summary=json.dumps(inputs, sort_keys=True), package_version=__version__,
                      library_versions=library_versions_json())
        store.execute("analysis_insert_results", inputs={"analysis_cells": cells})
    return analysis_id


def load_result(store: Store, name: str, result: str, analysis_id: str | None = None) -> pd.DataFrame:
    """One result table of the newest analysis ``name`` (or of ``analysis_id``) as a DataFrame.

    Returns
    -------
    DataFrame
        the table as it was written (columns in order; text columns as str, the rest as float: the
        declared types of :mod:`dsanalysis.stats.tables`, else text where a column holds text and no number).
        Empty when there is no such analysis or result.
    """
    if analysis_id is None:
        latest = store.query("analysis_latest", analysis_name=name)
        if latest.empty:
            return pd.DataFrame()
        analysis_id = str(latest["analysis_id"].iloc[0])
    cells = store.query("analysis_cells", analysis_id=analysis_id, result=result)
    if cells.empty:
        return pd.DataFrame()
    order = cells.drop_duplicates("column_name").sort_values("column_index")["column_name"].tolist()
    declared = result_table(name, result)
    columns = {}
    for column, group in cells.groupby("column_name", sort=False):
        group = group.set_index("row_index").sort_index()
        if declared is not None and column in declared.names:
            as_text = column in declared.text_columns
        else:  # an undeclared table, or a column of an older version
            as_text = group["text"].notna().any() and group["number"].isna().all()
        if as_text:
            columns[column] = group["text"]
        else:
            inf = group["text"].map({"inf": np.inf, "-inf": -np.inf})
            columns[column] = group["number"].where(inf.isna(), inf).astype(float)
    return pd.DataFrame(columns)[order].reset_index(drop=True)
