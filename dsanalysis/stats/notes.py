"""The 'notes' table every analysis stores: what could not be estimated, what limits a result, and why.

Each note has a ``kind`` (:data:`NOTE_KINDS`), so readers (the terminal, the report, the headline
sentences) pick notes by kind, never by searching their wording.
"""

from __future__ import annotations

import pandas as pd

from dsanalysis.stats import tables

#: the kinds of note, with what each says
NOTE_KINDS = {
    "not_estimable": "something could not be estimated (no data, too few, constant), and why",
    "caution": "a result was estimated, but under a limit the reader must know (one seed, few blocks, fewer images)",
    "sample_size": "what the number of datasets lets the dataset-level analysis claim (shown first)",
    "multiplicity": "how many tests a family holds and how many survive the correction",
    "sensitivity": "how a result changes on a subset (e.g. only the runs that learned)",
}
#: the columns of a notes table, in order
NOTE_COLUMNS = tables.NOTES.names

Note = tuple[str, str, str, str]  # (section, subject, kind, message)


def note_table(rows: list[Note]) -> pd.DataFrame:
    """The notes ``rows`` (section, subject, kind, message) as a table; ValueError for an undeclared kind."""
    unknown = sorted({row[2] for row in rows} - set(NOTE_KINDS))
    if unknown:
        raise ValueError(f"unknown note kind(s) {', '.join(unknown)}; declare them in NOTE_KINDS")
    return pd.DataFrame(rows, columns=NOTE_COLUMNS)


def of_kind(notes: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The notes of one ``kind``; none from a table without kinds (an analysis stored before notes had them)."""
    if kind not in NOTE_KINDS:
        raise ValueError(f"unknown note kind {kind!r}")
    if notes.empty or "kind" not in notes.columns:
        return pd.DataFrame(columns=NOTE_COLUMNS)
    return notes[notes["kind"] == kind]
