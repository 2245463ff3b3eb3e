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

from dsanalysis.errors import UserError
from dsanalysis.output import FORMATS, check_output_path

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

    from dsanalysis.output import write_frame
    from dsanalysis.store import open_store
    from dsanalysis.store.reading import named_query_frame, select_frame

    check_output_path(args.output, args.store)
    with open_store(args.store, read_only=True) as store:
        store.lock_down()
        if args.query is not None:
            frame = named_query_frame(store, args.query, _parse_params(args.param))
        else:
            frame = select_frame(store, args.statement)
    write_frame(frame, args.format, args.output, max_rows=args.max_rows)
    return 0
