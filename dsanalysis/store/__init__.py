"""The DuckDB results store: the only link between ingest, model/, traits, statistics and reports."""

from dsanalysis.store.connection import Store, artifacts_dir, open_store
from dsanalysis.store.queries import NamedQuery, all_queries, get_query

__all__ = ["NamedQuery", "Store", "artifacts_dir", "all_queries", "get_query", "open_store"]
