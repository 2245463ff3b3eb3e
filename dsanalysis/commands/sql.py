"""Run a read-only SQL query, or a named query from sql/queries, against the store.

Examples:
  python -m dsanalysis sql "SELECT dataset, count(*) FROM images GROUP BY dataset"
  python -m dsanalysis sql --query ingest_problems --param dataset=mesonet
  python -m dsanalysis sql --list
Only SELECT (and EXPLAIN, not EXPLAIN ANALYZE) statements run. The store is opened read-only, and the
connection can reach no file but the store (DuckDB's enable_external_access = false: no read_csv,
read_text, glob, COPY, ATTACH or INSTALL) and change no setting (lock_configuration).
"""

from __future__ import annotations

import argparse
import re

from dsanalysis.errors import UserError
from dsanalysis.output import FORMATS, check_output_path

_COMMENTS = re.compile(r"(--[^\n]*\n?|/\*.*?\*/)", re.DOTALL)
_EXPLAIN_ANALYZE = re.compile(r"^\s*EXPLAIN\s*(\(\s*)?ANALY[SZ]E\b", re.IGNORECASE)

ORDER = 90
HELP = "run a read-only SQL query or a named query against the store"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("statement", nargs="?", help="one SELECT statement")
    parser.add_argument("--query", metavar="NAME", help="run the named query NAME instead (see --list)")
    parser.add_argument("--param", metavar="KEY=VALUE", action="append", default=[], help="a named query's parameter (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the named queries with their descriptions and parameters")
    parser.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    parser.add_argument("--output", metavar="FILE", help="write to FILE instead of the terminal")
    parser.add_argument("--max-rows", type=int, default=200, help="rows shown in table format (default 200)")


def _list_queries() -> None:
    from dsanalysis.store import all_queries
    from dsanalysis.store.queries import REQUIRED

    for query in all_queries().values():
        if query.kind != "query":
            continue
        print(f"{query.name}\n    {query.description}")
        for param in query.params:
            default = "" if param.default is REQUIRED else f" (default {param.default or 'NULL'})"
            print(f"    --param {param.name}=<{param.type}>{default}: {param.description}")


def _parse_params(pairs: list[str]) -> dict[str, str]:
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UserError(f"--param {pair!r} must look like KEY=VALUE")
        params[key.strip()] = value
    return params


def run(args: argparse.Namespace) -> int:
    if args.list:
        _list_queries()
        return 0
    if (args.statement is None) == (args.query is None):
        raise UserError("give either a SQL statement or --query NAME (see --list)")
    if args.statement is not None and args.param:
        raise UserError("--param binds a named query's parameters; use --query NAME")

    import duckdb

    from dsanalysis.output import write_frame
    from dsanalysis.store import get_query, open_store

    check_output_path(args.output, args.store)
    with open_store(args.store, read_only=True) as store:
        store.lock_down()
        if args.query is not None:
            named = get_query(args.query)
            if named.kind != "query":
                raise UserError(f"{args.query!r} is internal to the package, not a query to run (see --list)")
            sql, params = named.sql, named.bind(_parse_params(args.param))
        else:
            sql, params = args.statement, None
            try:
                statements = store.con.extract_statements(sql)
            except duckdb.Error as error:
                raise UserError(f"SQL does not parse: {str(error).splitlines()[0]}") from None
            if len(statements) != 1:
                raise UserError(f"give one statement at a time ({len(statements)} given)")
            kind = statements[0].type
            if kind not in (duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN):
                raise UserError(f"the store is read-only here: {kind.name} statements are refused; only SELECT queries run")
            if _EXPLAIN_ANALYZE.match(_COMMENTS.sub(" ", sql)):
                raise UserError("EXPLAIN ANALYZE runs the statement it explains: refused; use EXPLAIN (or a SELECT)")
        try:
            frame = store.con.execute(sql, params).df()
        except duckdb.Error as error:
            raise UserError(f"query failed: {str(error).splitlines()[0]}") from None
    write_frame(frame, args.format, args.output, max_rows=args.max_rows)
    return 0
