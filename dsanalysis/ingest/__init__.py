"""Dataset ingest: find a dataset's files, check each one, and index them in the store."""

from dsanalysis.ingest.crops import CropSettings
from dsanalysis.ingest.ingest import IngestSummary, ingest_dataset

__all__ = ["CropSettings", "IngestSummary", "ingest_dataset"]
