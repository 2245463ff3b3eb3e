"""Reading the store with user-written SQL or a named query: one place for what a reader may run.

Used by ``python -m dsanalysis sql`` and by the Python API (:mod:`dsanalysis.api`). The store must be
open read-only and locked down (:meth:`Store.lock_down`): DuckDB itself then refuses any write, any
file but the store and any setting change; the checks here only turn what it would refuse into
clear messages, and refuse ``EXPLAIN ANALYZE`` (which executes the statement it explains).
"""

from __future__ import annotations

import re
from typing import Any

import duckdb
import pandas as pd

from dsanalysis.errors import UserError
from dsanalysis.store.connection import Store
from dsanalysis.store.queries import get_query

_COMMENTS = re.compile(r"(--[^\n]*\n?|/\*.*?\*/)", re.DOTALL)
_EXPLAIN_ANALYZE = re.compile(r"^\s*EXPLAIN\s*(\(\s*)?ANALY[SZ]E\b", re.IGNORECASE)


def named_query_frame(store: Store, name: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
    """The rows of the named query ``name`` (``sql --list``) with ``params`` bound.

    Raises
    ------
    UserError
        for an unknown query, an internal statement, a bad parameter, or a failed query.
    """
    named = get_query(name)
    if named.kind != "query":
        raise UserError(f"{name!r} is internal to the package, not a query to run (see `sql --list`)")
    return _frame(store, named.sql, named.bind(params or {}))


def select_frame(store: Store, statement: str) -> pd.DataFrame:
    """The rows of one user-written ``SELECT`` (or ``EXPLAIN``) statement.

    Raises
    ------
    UserError
        when the SQL does not parse, holds more than one statement, is not a SELECT or EXPLAIN, is
        EXPLAIN ANALYZE, or fails.
    """
    try:
        statements = store.con.extract_statements(statement)
    except duckdb.Error as error:
        raise UserError(f"SQL does not parse: {str(error).splitlines()[0]}") from None
    if len(statements) != 1:
        raise UserError(f"give one statement at a time ({len(statements)} given)")
    kind = statements[0].type
    if kind not in (duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN):
        raise UserError(f"the store is read-only here: {kind.name} statements are refused; only SELECT queries run")
    if _EXPLAIN_ANALYZE.match(_COMMENTS.sub(" ", statement)):
        raise UserError("EXPLAIN ANALYZE runs the statement it explains: refused; use EXPLAIN (or a SELECT)")
    return _frame(store, statement, None)


def _frame(store: Store, sql: str, params: dict[str, Any] | None) -> pd.DataFrame:
    try:
        return store.con.execute(sql, params).df()
    except duckdb.Error as error:
        raise UserError(f"query failed: {str(error).splitlines()[0]}") from None
