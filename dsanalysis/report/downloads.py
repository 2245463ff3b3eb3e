"""CSV downloads of the report's tables, embedded as ``data:`` URIs so the page stays one offline file."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd


def _cell(value: Any) -> Any:
    """A value as one CSV cell: nested settings as JSON, everything else as it is (full precision)."""
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, sort_keys=True, default=str)
    return value


def csv_text(records: Sequence[Mapping[str, Any]]) -> str:
    """The rows as CSV: a header with every key (in order of first appearance), missing values empty."""
    frame = pd.DataFrame.from_records([{k: _cell(v) for k, v in row.items()} for row in records])
    return frame.to_csv(index=False, lineterminator="\n")


def csv_data_uri(records: Sequence[Mapping[str, Any]]) -> str:
    """The rows as a base64 ``data:text/csv`` URI."""
    return "data:text/csv;charset=utf-8;base64," + base64.b64encode(csv_text(records).encode("utf-8")).decode("ascii")


def csv_link(records: Sequence[Mapping[str, Any]], name: str, columns: Sequence[str] | None = None) -> Any:  # noqa: ANN401
    """A Jinja2 filter: the download link of a table's rows, placed after the table (``rows | csv_link('name')``).

    The file holds every column of the rows the table was made from, at full precision, under the file
    name ``<name>.csv`` (made safe for a file name). Rows of a wide table built as ``{..., "values": [...]}``
    (one value per shown column) give ``columns`` the column headings: each row's list is spread over them.
    The result is :class:`markupsafe.Markup`.
    """
    from markupsafe import Markup, escape

    from dsanalysis.figures.export import safe_stem

    if columns is not None:
        records = [{**{k: v for k, v in row.items() if k != "values"}, **dict(zip(columns, row["values"], strict=True))}
                   for row in records]
    rows = len(records)
    return Markup(f'<p class="csv"><a download="{escape(safe_stem(name))}.csv" href="{csv_data_uri(records)}">'
                  f'Download CSV</a> ({rows:,} row{"" if rows == 1 else "s"}, full precision)</p>')
