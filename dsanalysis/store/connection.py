"""Opening the DuckDB results store: creation, schema migrations, the one-writer rule, transactions."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from dsanalysis import __version__
from dsanalysis.errors import StoreInUseError, UserError
from dsanalysis.store.queries import get_query, migrations, schema_sql

# Never fetch DuckDB extensions at run time: users behind firewalls have no internet.
_CONFIG = {"autoinstall_known_extensions": False}
#: seconds a command waits for a store another process holds (DuckDB: one writer, or readers only)
DEFAULT_WAIT_SECONDS = 60.0
WAIT_VARIABLE = "DSANALYSIS_STORE_WAIT"


def store_wait_seconds() -> float:
    """How long to wait for a store in use: $DSANALYSIS_STORE_WAIT seconds, else :data:`DEFAULT_WAIT_SECONDS`."""
    text = os.environ.get(WAIT_VARIABLE)
    if text is None:
        return DEFAULT_WAIT_SECONDS
    try:
        value = float(text)
    except ValueError:
        raise UserError(f"${WAIT_VARIABLE} must be a number of seconds, not {text!r}") from None
    if not 0 <= value <= 86_400:
        raise UserError(f"${WAIT_VARIABLE} must be between 0 and 86400 seconds, not {value}")
    return value


def _in_use_message(path: Path, error: str) -> str:
    """The one-line message for a store locked by another process, naming its PID when DuckDB does."""
    holder = re.search(r"\(PID (\d+)\)", error)
    by = f" (PID {holder.group(1)})" if holder else ""
    return (f"store {path} is in use by another process{by}; DuckDB allows one writer, and readers only while "
            "no process writes: wait for it to finish, or use another --store")


class Store:
    """A connection to the results store.

    Use as a context manager. Writers go through :meth:`transaction`, so an interrupted command
    leaves no half-written rows. Read-only stores refuse every write.
    """

    def __init__(self, path: str | Path, *, read_only: bool = False, create: bool = True, wait: float | None = None):
        self.path = Path(path)
        self.read_only = read_only
        if not self.path.exists() and (read_only or not create):
            raise UserError(f"store {self.path} does not exist; register a dataset first with `python -m dsanalysis ingest NAME PATH`")
        if not self.path.parent.exists():
            raise UserError(f"store folder {self.path.parent} does not exist")
        self.con = self._connect(store_wait_seconds() if wait is None else wait)
        self._ensure_schema()

    def _connect(self, wait: float) -> duckdb.DuckDBPyConnection:
        """Connect, waiting up to ``wait`` seconds (one line on stderr) while another process holds the store."""
        deadline, said = time.monotonic() + wait, False
        while True:
            try:
                return duckdb.connect(str(self.path), read_only=self.read_only, config=dict(_CONFIG))
            except duckdb.IOException as error:
                if "lock" not in str(error).lower():
                    raise UserError(f"cannot open store {self.path}: {error}") from error
                if time.monotonic() >= deadline:
                    waited = f" (waited {wait:.0f} s; {WAIT_VARIABLE} sets how long)" if wait > 0 else ""
                    raise StoreInUseError(_in_use_message(self.path, str(error)) + waited) from error
                if not said:
                    print(f"waiting up to {wait:.0f} s for {_in_use_message(self.path, str(error)).split(';')[0]} "
                          "to release it", file=sys.stderr, flush=True)
                    said = True
                time.sleep(min(0.5, max(deadline - time.monotonic(), 0.01)))
            except duckdb.ConnectionException as error:
                if "different configuration" not in str(error):
                    raise UserError(f"cannot open store {self.path}: {error}") from error
                return self._share_open_instance(error)
            except duckdb.Error as error:
                raise UserError(f"cannot open store {self.path}: {error}") from error

    def _share_open_instance(self, error: duckdb.Error) -> duckdb.DuckDBPyConnection:
        """A connection to the store this process already opened with other settings (a user's own
        ``duckdb.connect(path, read_only=True)`` in a notebook, say): readers share that instance."""
        if self.read_only:
            try:
                return duckdb.connect(str(self.path), read_only=True)
            except duckdb.Error:
                pass
        raise UserError(f"store {self.path} is already open in this process through another connection "
                        f"({'with other settings' if self.read_only else 'read-only'}): close it first, "
                        "or read through dsanalysis.open_study, which opens and closes the store per read") from error

    # -- schema ---------------------------------------------------------------------------------
    def schema_version(self) -> int | None:
        tables = {r[0] for r in self.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if "store_info" not in tables:
            return None if not tables else 0
        row = self.con.execute("SELECT value FROM store_info WHERE key = 'schema_version'").fetchone()
        if not row:
            return 0
        try:
            return int(row[0])
        except (TypeError, ValueError):
            raise UserError(f"store {self.path} has an unreadable schema version {row[0]!r}: it is damaged, or not a "
                            "dsanalysis store") from None

    def _ensure_schema(self) -> None:
        newest, schema = schema_sql()
        current = self.schema_version()
        if current == newest:
            return
        if current == 0:
            raise UserError(f"{self.path} is a DuckDB file but not a dsanalysis store (no store_info table)")
        if current is not None and current > newest:
            raise UserError(
                f"store {self.path} has schema version {current}, newer than this dsanalysis {__version__} "
                f"supports ({newest}); upgrade dsanalysis"
            )
        if self.read_only:
            raise UserError(
                f"store {self.path} has schema version {current}; run any writing command "
                f"(e.g. `python -m dsanalysis ingest`) once to migrate it to version {newest}"
            )
        now = dt.datetime.now()
        with self.transaction():
            if current is None:
                self.con.execute(schema)
                self.con.execute(
                    "INSERT INTO store_info VALUES ('schema_version', ?), ('created_at', ?), ('created_by', ?)",
                    [str(newest), now.isoformat(timespec="seconds"), f"dsanalysis {__version__}"],
                )
                applied = [newest]
            else:
                steps = migrations()
                applied = list(range(current + 1, newest + 1))
                missing = [v for v in applied if v not in steps]
                if missing:
                    raise UserError(f"no migration to schema version {missing[0]} in sql/migrations")
                for version in applied:
                    self.con.execute(steps[version])
                self.con.execute("UPDATE store_info SET value = ? WHERE key = 'schema_version'", [str(newest)])
            for version in applied:
                self.con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", [version, now, __version__])

    def lock_down(self) -> None:
        """For user-written SQL on a read-only store: no file but the store is reachable (no read_csv,
        read_text, glob, COPY, ATTACH, INSTALL) and no setting can change, enforced by DuckDB itself."""
        if not self.read_only:
            raise ValueError("lock_down is for read-only stores")
        self.con.execute("SET enable_external_access = false")
        self.con.execute("SET lock_configuration = true")

    # -- queries --------------------------------------------------------------------------------
    def query(self, name: str, /, *, inputs: Mapping[str, pd.DataFrame] | None = None, **params: Any) -> pd.DataFrame:
        """Run the named query ``name`` with bound parameters (and its declared ``inputs``, see
        :meth:`execute`) and return its rows."""
        with self._run(name, inputs, params) as cursor:
            return cursor.df()

    def query_arrays(self, name: str, /, *, inputs: Mapping[str, pd.DataFrame] | None = None,
                     **params: Any) -> dict[str, np.ndarray]:
        """Run the named query and return its columns as NumPy arrays (no per-row Python objects:
        for numeric results of millions of rows)."""
        with self._run(name, inputs, params) as cursor:
            return {column: np.asarray(values) for column, values in cursor.fetchnumpy().items()}

    def execute(self, name: str, /, *, inputs: Mapping[str, pd.DataFrame] | None = None, **params: Any) -> None:
        """Run the named statement ``name`` (a write); call inside :meth:`transaction`.

        ``inputs`` are the DataFrames the statement declares with ``-- input: NAME`` in its header, by
        name: each is registered as the relation NAME for this statement only (unregistered after it,
        also when it fails). A declared input missing, or one the statement does not declare, is a
        ValueError naming it.
        """
        with self._run(name, inputs, params):
            pass

    @contextlib.contextmanager
    def _run(self, name: str, inputs: Mapping[str, pd.DataFrame] | None,
             params: dict[str, Any]) -> Iterator[duckdb.DuckDBPyConnection]:
        """Register the statement's inputs, execute it and yield the cursor; unregister them on leaving."""
        named = get_query(name)
        given = dict(inputs or {})
        named.check_inputs(given)
        bound = named.bind(params)
        if hasattr(self.con, "complete"):  # DuckDB >= 2 refuses to register while a read is left half-fetched
            self.con.complete()
        registered = []
        try:
            for input_name, frame in given.items():
                self.con.register(input_name, frame)
                registered.append(input_name)
            yield self.con.execute(named.sql, bound)
        finally:
            for input_name in registered:
                with contextlib.suppress(duckdb.Error):  # an aborted transaction refuses even this; its error matters
                    self.con.unregister(input_name)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All writes inside commit together or not at all (also on Ctrl-C)."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
            self.con.execute("COMMIT")
        except BaseException as error:
            with contextlib.suppress(duckdb.Error):  # a failed COMMIT has already ended the transaction
                self.con.execute("ROLLBACK")
            if isinstance(error, duckdb.IOException | duckdb.PermissionException | duckdb.TransactionException) \
                    and not isinstance(error, UserError):
                raise UserError(f"could not write to store {self.path}: {str(error).splitlines()[0]} (a full disk or "
                                "a read-only folder?); nothing of this step was stored") from error
            raise

    @contextlib.contextmanager
    def released(self) -> Iterator[None]:
        """Let other processes use the store for the block (long computation that writes nothing), then
        reconnect, waiting for it as on opening. Nothing may use this Store inside the block."""
        self.con.close()
        try:
            yield
        finally:
            self.con = self._connect(store_wait_seconds())

    # -- lifetime -------------------------------------------------------------------------------
    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def artifacts_dir(store_path: str | Path) -> Path:
    """The folder next to the store for files too big for it (trained weights, decoded-image caches).

    ``results.duckdb`` -> ``results_files/``; created on first use by whoever writes there.
    """
    path = Path(store_path)
    return path.with_name(f"{path.stem}_files")


def discard_empty_store(path: str | Path) -> bool:
    """Delete the store at ``path`` (with its .wal and an empty ``_files`` folder) if it registers no dataset.

    For a command that created the store and then failed: the user is left with what they had. A
    store holding any dataset is kept. Returns whether it was deleted.
    """
    path = Path(path)
    if not path.exists():
        return False
    try:
        con = duckdb.connect(str(path), read_only=True, config=dict(_CONFIG))
        try:
            datasets = con.execute("SELECT count(*) FROM datasets").fetchone()[0]
        finally:
            con.close()
    except duckdb.Error:
        return False
    if datasets:
        return False
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)
    files = artifacts_dir(path)
    if files.is_dir() and not any(files.rglob("*")):
        files.rmdir()
    return True


def open_store(path: str | Path, *, read_only: bool = False, wait: float | None = None) -> Store:
    """Open (and, for writers, create or migrate) the store at ``path``, waiting up to ``wait`` seconds
    (default :func:`store_wait_seconds`) while another process holds it."""
    return Store(path, read_only=read_only, wait=wait)
