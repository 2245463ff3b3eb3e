"""The results store: schema and versions, the one-writer rule, transactions, named queries."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

import duckdb
import pandas as pd
import pytest

from dsanalysis.errors import StoreInUseError, UserError
from dsanalysis.store import all_queries, open_store
from dsanalysis.store import connection as connection_module
from dsanalysis.store.queries import parse_query, schema_sql

REQUIRED_TABLES = {
    "datasets", "images", "image_attributes", "splits", "split_members", "runs", "run_history",
    "evaluations", "predictions", "metrics", "image_traits", "dataset_traits", "dataset_pair_traits",
    "embeddings", "analyses", "analysis_results", "store_info", "schema_migrations",
}


def test_new_store_has_every_table_and_the_schema_version(store_path):
    with open_store(store_path) as store:
        pass
    con = duckdb.connect(str(store_path), read_only=True)
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    version = con.execute("SELECT value FROM store_info WHERE key = 'schema_version'").fetchone()[0]
    assert REQUIRED_TABLES <= tables
    assert int(version) == schema_sql()[0]
    assert con.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == 1


def test_read_only_open_of_a_missing_store_says_what_to_run(tmp_path):
    with pytest.raises(UserError, match="does not exist.*ingest"):
        open_store(tmp_path / "nothing.duckdb", read_only=True)
    assert not (tmp_path / "nothing.duckdb").exists()


def test_store_from_a_newer_package_is_refused(store_path):
    with open_store(store_path) as store:
        store.con.execute("UPDATE store_info SET value = '999' WHERE key = 'schema_version'")
    with pytest.raises(UserError, match="schema version 999, newer"):
        open_store(store_path)


def test_foreign_duckdb_file_is_refused(store_path):
    con = duckdb.connect(str(store_path))
    con.execute("CREATE TABLE something (x INTEGER)")
    con.close()
    with pytest.raises(UserError, match="not a dsanalysis store"):
        open_store(store_path)


def test_forward_migration_runs_once_and_in_a_transaction(store_path, monkeypatch):
    with open_store(store_path):
        pass
    version, schema = schema_sql()
    monkeypatch.setattr(connection_module, "schema_sql", lambda: (version + 1, schema))
    monkeypatch.setattr(connection_module, "migrations", lambda: {version + 1: "CREATE TABLE added_later (x INTEGER);"})
    with open_store(store_path) as store:
        assert store.schema_version() == version + 1
        assert store.con.execute("SELECT count(*) FROM added_later").fetchone()[0] == 0
        applied = store.con.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
    assert [v for (v,) in applied] == [version, version + 1]
    with open_store(store_path) as store:  # a second open does not apply it again
        assert store.schema_version() == version + 1


def test_read_only_store_with_an_older_schema_asks_for_a_writing_command(store_path, monkeypatch):
    with open_store(store_path):
        pass
    version, schema = schema_sql()
    monkeypatch.setattr(connection_module, "schema_sql", lambda: (version + 1, schema))
    with pytest.raises(UserError, match="run any writing command"):
        open_store(store_path, read_only=True)


def test_transaction_rolls_back_everything_on_error(store_path):
    with open_store(store_path) as store:
        with pytest.raises(KeyboardInterrupt):
            with store.transaction() as con:
                con.execute("INSERT INTO datasets BY NAME SELECT 'd' AS dataset, '/x' AS root, 'folders' AS layout, now()::TIMESTAMP AS ingested_at, '0' AS package_version")
                raise KeyboardInterrupt
        assert store.con.execute("SELECT count(*) FROM datasets").fetchone()[0] == 0


def test_second_writer_process_gets_store_in_use(store_path, tmp_path, cli, monkeypatch):
    monkeypatch.setenv("DSANALYSIS_STORE_WAIT", "0")  # no waiting: the message at once
    with open_store(store_path):
        pass
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time, duckdb
            con = duckdb.connect({str(store_path)!r})
            print("ready", flush=True)
            sys.stdin.readline()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=tmp_path,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        expected = f"store {store_path} is in use by another process (PID {holder.pid})"
        with pytest.raises(StoreInUseError, match=re.escape(expected)):
            open_store(store_path)
        # every command, writing or reading, says so in one line and exits 1
        for args in (["datasets"], ["sql", "SELECT 1"], ["ingest", "x", str(tmp_path)]):
            result = cli(*args)
            assert result.code == 1, args
            assert result.err.startswith(f"error: {expected}") and result.err.count("\n") == 1, (args, result.err)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


def test_every_named_query_declares_exactly_the_parameters_it_uses():
    for query in all_queries().values():
        used = set(re.findall(r"\$(\w+)", query.sql))
        assert used == {p.name for p in query.params}, query.name
        assert query.description, query.name


def test_every_listed_query_runs_on_an_empty_store(store_path):
    with open_store(store_path) as store:
        for query in all_queries().values():
            if query.kind == "query":
                store.query(query.name)  # defaults suffice for listed queries


def test_query_header_parsing():
    query = parse_query(
        "-- name: q\n-- description: first part\n--   second part\n"
        "-- param: limit_rows INTEGER = 5  how many\n-- param: who VARCHAR  a name\nSELECT $who LIMIT $limit_rows\n",
        "query", "q.sql",
    )
    assert query.description == "first part second part"
    assert query.bind({"who": "x"}) == {"who": "x", "limit_rows": 5}
    with pytest.raises(UserError, match="needs parameter 'who'"):
        query.bind({})
    with pytest.raises(UserError, match="no parameter 'nope'"):
        query.bind({"who": "x", "nope": "1"})
    with pytest.raises(UserError, match="must be INTEGER"):
        query.bind({"who": "x", "limit_rows": "many"})


def test_a_statement_gets_exactly_its_declared_inputs_for_itself_only(store_path):
    run = pd.DataFrame([{"run_id": "r1", "kind": "imported", "arch": "meso4", "config_name": "imported", "config": "{}",
                         "status": "complete", "package_version": "test"}])
    with open_store(store_path) as store:
        with pytest.raises(ValueError, match="'model_run_start' needs input 'run_row'"):
            store.execute("model_run_start")
        with pytest.raises(ValueError, match="'model_run_start' declares no input 'runs_row'"):
            store.execute("model_run_start", inputs={"run_row": run, "runs_row": run})
        with pytest.raises(ValueError, match="'datasets' declares no input 'run_row' \\(inputs: none\\)"):
            store.query("datasets", inputs={"run_row": run})
        with store.transaction():
            store.execute("model_run_start", inputs={"run_row": run})
        assert store.query("model_run_get", run_id="r1")["status"].tolist() == ["complete"]
        with pytest.raises(duckdb.CatalogException):  # registered for the statement only
            store.con.execute("SELECT * FROM run_row")
        with pytest.raises(duckdb.Error), store.transaction():  # a failing statement unregisters its inputs too
            store.execute("model_run_start", inputs={"run_row": run.assign(no_such_column=1)})
        with pytest.raises(duckdb.CatalogException):
            store.con.execute("SELECT * FROM run_row")
    with pytest.raises(ValueError, match="no parameter may be called 'inputs'"):
        parse_query("-- name: q\n-- description: d\n-- param: inputs VARCHAR  x\nSELECT $inputs", "internal", "q.sql")
    with pytest.raises(ValueError, match="a listed query reads only the store"):
        parse_query("-- name: q\n-- description: d\n-- input: rows  x\nSELECT * FROM rows", "query", "q.sql")


def test_every_statement_declares_the_frames_it_reads_and_reads_what_it_declares(store_path):
    with open_store(store_path) as store:
        stored = {r[0] for r in store.con.execute(
            "SELECT table_name FROM duckdb_tables() UNION SELECT view_name FROM duckdb_views()").fetchall()}
    relation = re.compile(r"\b(?:FROM|JOIN)\s+([A-Za-z_]\w*)\b(?!\s*\()", re.IGNORECASE)
    for query in all_queries().values():
        sql = re.sub(r"--[^\n]*", "", query.sql)
        local = set(re.findall(r"\b(\w+)\s+AS\s*\(", sql)) | set(re.findall(r"TEMP\s+TABLE\s+(\w+)", sql))
        declared = {i.name for i in query.inputs}
        assert set(relation.findall(sql)) - stored - local - declared == set(), query.name
        assert all(re.search(rf"\b{name}\b", sql) for name in declared), query.name


def test_a_command_waits_for_a_store_another_process_holds_briefly(store_path, tmp_path, cli, monkeypatch):
    monkeypatch.setenv("DSANALYSIS_STORE_WAIT", "60")
    with open_store(store_path):
        pass
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import time, duckdb
            con = duckdb.connect({str(store_path)!r})
            print("ready", flush=True)
            time.sleep(2)
            con.close()
        """)],
        stdout=subprocess.PIPE, text=True, cwd=tmp_path,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        result = cli("datasets")
        assert result.code == 0, result.err
        assert result.err.startswith("waiting up to 60 s for store ") and f"(PID {holder.pid})" in result.err
    finally:
        holder.wait(timeout=30)
    monkeypatch.setenv("DSANALYSIS_STORE_WAIT", "soon")
    assert cli("datasets").err.strip() == "error: $DSANALYSIS_STORE_WAIT must be a number of seconds, not 'soon'"
