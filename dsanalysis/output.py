"""Writing a result table to the terminal or a file: table, CSV, JSON or Parquet."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from dsanalysis.errors import UserError

FORMATS = ("table", "csv", "json", "parquet")


def default_out_dir(store_path: str | Path) -> Path:
    """Where ``report`` writes for a store by default: ``reports/<store file stem>`` (``figures``: its
    ``figures/`` sub-folder), so one store's outputs sit together."""
    return Path("reports") / Path(store_path).stem


def check_output_path(output: str | Path | None, store: str | Path) -> None:
    """Refuse an output file or folder that would land on the store, its write-ahead log, or its ``_files`` folder.

    Raises
    ------
    UserError
        naming the output and the store.
    """
    if output is None:
        return
    from dsanalysis.store import artifacts_dir

    target = Path(output).expanduser().resolve()
    store_path = Path(store).expanduser().resolve()
    protected = [store_path, store_path.with_name(store_path.name + ".wal")]
    files = artifacts_dir(store_path).resolve()
    if target in protected or target == files or files in target.parents:
        raise UserError(f"{output} would overwrite the results store {store} (or its files in {files.name}/); "
                        "write the output somewhere else")


def _json_columns(frame: pd.DataFrame) -> list[str]:
    """Text columns holding JSON objects or arrays (settings, parameters): too wide for a terminal table."""
    found = []
    for column in frame.columns:
        if not (pd.api.types.is_string_dtype(frame[column]) or frame[column].dtype == object):
            continue
        values = frame[column].dropna()
        if len(values) and values.map(lambda v: isinstance(v, str) and v[:1] in "{[" and v[-1:] in "}]").all():
            found.append(str(column))
    return found


def _one_missing_spelling(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing values of every column type (None, NaN, <NA>, NaT) printed alike, as NULL (SQL's word)."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if values.isna().any() and not pd.api.types.is_float_dtype(values):  # floats: to_string's na_rep
            out[column] = values.astype(object).where(values.notna(), "NULL")
    return out


def write_frame(frame: pd.DataFrame, fmt: str, output: str | Path | None, *, max_rows: int | None = None) -> None:
    """Write ``frame`` as ``fmt`` to ``output`` (a file path) or to standard output; the table format leaves
    JSON columns out (and says so), the other formats keep every column."""
    if fmt not in FORMATS:
        raise UserError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "parquet":
        if output is None:
            raise UserError("--format parquet needs --output FILE")
        import duckdb

        con = duckdb.connect(config={"autoinstall_known_extensions": False})
        try:
            con.from_df(frame).write_parquet(str(output))
        finally:
            con.close()
        return
    if fmt == "csv":
        text = frame.to_csv(index=False)
    elif fmt == "json":
        text = frame.to_json(orient="records", date_format="iso", indent=1) + "\n"
    else:
        json_columns = _json_columns(frame)
        shown = frame.drop(columns=json_columns)
        shown = shown if max_rows is None or len(shown) <= max_rows else shown.head(max_rows)
        shown = _one_missing_spelling(shown)
        text = shown.to_string(index=False, na_rep="NULL") + "\n" if not frame.empty else "(no rows)\n"
        if len(shown) < len(frame):
            text += f"... {len(frame) - len(shown)} more rows (use --format csv --output FILE for all of them)\n"
        if json_columns and not frame.empty:
            text += f"(not shown here: {', '.join(json_columns)}, JSON; --format json or csv shows them)\n"
    if output is None:
        sys.stdout.write(text)
    else:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as error:
            raise UserError(f"cannot write {output}: {error.strerror}") from None
