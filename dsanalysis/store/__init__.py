"""The DuckDB results store: the only link between ingest, model/, traits, statistics and reports."""

from dsanalysis.store.connection import Store, artifacts_dir, discard_empty_store, open_store
from dsanalysis.store.queries import NamedQuery, all_queries, get_query

__all__ = ["NamedQuery", "Store", "artifacts_dir", "all_queries", "discard_empty_store", "get_query", "open_store"]
