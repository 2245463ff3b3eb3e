"""Named SQL: every query is a ``.sql`` file under ``sql/queries`` (listed for users, read-only)
or ``sql/internal`` (the package's own reads and writes), with a header that names it, describes it and declares its parameters::

    -- name: images_of_dataset
    -- description: Every indexed file of one dataset, readable or not.
    -- param: dataset VARCHAR  the dataset name
    -- param: limit_rows INTEGER = 100  at most this many rows
    SELECT ... WHERE dataset = $dataset LIMIT $limit_rows

Python code calls a query by name and binds values as DuckDB parameters; values are never
formatted into SQL text. An internal statement that reads DataFrames the caller passes declares
each with ``-- input: NAME  meaning`` and reads it as the relation NAME; the caller passes them by
name (``store.execute("model_run_start", inputs={"run_row": frame})``), and the store registers
them for that statement only (:meth:`dsanalysis.store.Store.execute`).

The typed ``analysis_<result>`` queries are not files: they are generated from the declaration of
each result table (:mod:`dsanalysis.stats.tables`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb

from dsanalysis.errors import UserError

#: default of a parameter declared without ``= value``: the caller must bind it
REQUIRED = object()
_PARAM_TYPES = {"VARCHAR": str, "INTEGER": int, "BIGINT": int, "DOUBLE": float, "BOOLEAN": bool}
_HEADER = re.compile(r"^--\s*(name|description|param|input):\s*(.*)$")
_PARAM = re.compile(r"^(\w+)\s+(\w+)(?:\s*=\s*(\S+))?\s*(.*)$")
_INPUT = re.compile(r"^(\w+)\s+(\S.*)$")
#: the keyword that passes a statement's inputs (Store.query/execute): no parameter may take its name
INPUTS_KEYWORD = "inputs"


@dataclass(frozen=True)
class QueryParam:
    name: str
    type: str
    default: Any
    description: str

    def convert(self, value: Any) -> Any:
        """Convert a command-line string (or a Python value) to this parameter's type."""
        if value is None or not isinstance(value, str):
            return value
        python_type = _PARAM_TYPES[self.type]
        if python_type is bool:
            lowered = value.strip().lower()
            if lowered not in {"true", "false", "1", "0", "yes", "no"}:
                raise UserError(f"parameter {self.name!r} must be true or false, not {value!r}")
            return lowered in {"true", "1", "yes"}
        try:
            return python_type(value)
        except ValueError:
            raise UserError(f"parameter {self.name!r} must be {self.type}, not {value!r}") from None


@dataclass(frozen=True)
class QueryInput:
    """A DataFrame the statement reads as the relation ``name``, passed by the caller."""

    name: str
    description: str


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    sql: str
    kind: str  # 'query' (listed for users, read-only) or 'internal' (the package's own SQL)
    params: tuple[QueryParam, ...] = field(default_factory=tuple)
    inputs: tuple[QueryInput, ...] = field(default_factory=tuple)

    def check_inputs(self, given: Mapping[str, Any]) -> None:
        """Refuse (ValueError, naming it) an input the statement does not declare or a declared one not given."""
        declared = {i.name: i for i in self.inputs}
        for name in given:
            if name not in declared:
                raise ValueError(f"statement {self.name!r} declares no input {name!r} "
                                 f"(inputs: {', '.join(declared) or 'none'})")
        for name, declaration in declared.items():
            if name not in given:
                raise ValueError(f"statement {self.name!r} needs input {name!r}: {declaration.description}")

    def bind(self, values: dict[str, Any]) -> dict[str, Any]:
        """Parameter values for DuckDB: declared defaults, overridden by ``values``."""
        declared = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(declared))
        if unknown:
            known = ", ".join(declared) or "none"
            raise UserError(f"query {self.name!r} has no parameter {unknown[0]!r} (parameters: {known})")
        bound = {}
        for param in self.params:
            if param.name in values:
                bound[param.name] = param.convert(values[param.name])
            elif param.default is not REQUIRED:
                bound[param.name] = param.convert(param.default)
            else:
                raise UserError(f"query {self.name!r} needs parameter {param.name!r} ({param.type}): {param.description}")
        return bound


def run_query(con: "duckdb.DuckDBPyConnection", name: str, **params: Any) -> "duckdb.DuckDBPyConnection":
    """Execute the named query on ``con`` with bound parameters; fetch from the returned cursor."""
    named = get_query(name)
    return con.execute(named.sql, named.bind(params))


def parse_query(text: str, kind: str, source: str) -> NamedQuery:
    """Parse one ``.sql`` file's header and body into a :class:`NamedQuery`."""
    name = None
    description: list[str] = []
    params: list[QueryParam] = []
    inputs: list[QueryInput] = []
    body: list[str] = []
    in_header = True
    for line in text.splitlines():
        match = _HEADER.match(line.strip()) if in_header else None
        if match:
            key, value = match.groups()
            if key == "name":
                name = value.strip()
            elif key == "description":
                description.append(value.strip())
            elif key == "input":
                declared = _INPUT.match(value.strip())
                if not declared:
                    raise ValueError(f"{source}: bad input declaration {value!r} (NAME  meaning)")
                inputs.append(QueryInput(declared.group(1), declared.group(2).strip()))
            else:
                param = _PARAM.match(value.strip())
                if not param or param.group(2).upper() not in _PARAM_TYPES:
                    raise ValueError(f"{source}: bad parameter declaration {value!r}")
                pname, ptype, default_text, pdesc = param.groups()
                default: Any = REQUIRED if default_text is None else default_text
                if default_text is not None and default_text.upper() == "NULL":
                    default = None
                params.append(QueryParam(pname, ptype.upper(), default, pdesc.strip()))
        elif in_header and line.strip().startswith("--") and description and not body:
            description.append(line.strip().lstrip("-").strip())  # description continued
        else:
            if line.strip():
                in_header = False
            body.append(line)
    if not name:
        raise ValueError(f"{source}: missing '-- name:' header")
    if any(p.name == INPUTS_KEYWORD for p in params):
        raise ValueError(f"{source}: no parameter may be called {INPUTS_KEYWORD!r} (the keyword that passes inputs)")
    if inputs and kind == "query":
        raise ValueError(f"{source}: a listed query reads only the store; inputs are for internal statements")
    return NamedQuery(name, " ".join(d for d in description if d), "\n".join(body).strip(), kind, tuple(params),
                      tuple(inputs))


@cache
def all_queries() -> dict[str, NamedQuery]:
    """Every named query and statement shipped with the package, by name."""
    root = resources.files("dsanalysis.sql")
    found: dict[str, NamedQuery] = {}
    for folder, kind in (("queries", "query"), ("internal", "internal")):
        for entry in sorted(root.joinpath(folder).iterdir(), key=lambda e: e.name):
            if not entry.name.endswith(".sql"):
                continue
            query = parse_query(entry.read_text(encoding="utf-8"), kind, f"{folder}/{entry.name}")
            if query.name in found:
                raise ValueError(f"{folder}/{entry.name}: query name {query.name!r} is used twice")
            found[query.name] = query
    from dsanalysis.stats.tables import result_queries  # generated from the result tables' declarations

    for query in result_queries():
        if query.name in found:
            raise ValueError(f"query name {query.name!r} is used by a file and by a result table")
        found[query.name] = query
    return dict(sorted(found.items(), key=lambda item: (item[1].kind != "query", item[0])))  # listed ones first, by name


def get_query(name: str) -> NamedQuery:
    """The named query ``name``; a :class:`UserError` lists the known names if there is none."""
    queries = all_queries()
    if name not in queries:
        listed = ", ".join(q for q, nq in queries.items() if nq.kind == "query")
        raise UserError(f"no named query {name!r}; known queries: {listed}")
    return queries[name]


def schema_sql() -> tuple[int, str]:
    """The newest full schema and its version number (from its ``-- schema-version:`` line)."""
    text = resources.files("dsanalysis.sql").joinpath("schema.sql").read_text(encoding="utf-8")
    match = re.search(r"^--\s*schema-version:\s*(\d+)", text, re.MULTILINE)
    if not match:
        raise ValueError("sql/schema.sql lacks its '-- schema-version: N' line")
    return int(match.group(1)), text


def migrations() -> dict[int, str]:
    """Forward migrations by the version they produce: ``sql/migrations/002_*.sql`` -> 2."""
    folder = resources.files("dsanalysis.sql").joinpath("migrations")
    found: dict[int, str] = {}
    if not folder.is_dir():
        return found
    for entry in folder.iterdir():
        match = re.match(r"^(\d+)_.*\.sql$", entry.name)
        if match:
            found[int(match.group(1))] = entry.read_text(encoding="utf-8")
    return found
