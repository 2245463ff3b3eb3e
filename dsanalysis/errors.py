"""Errors that the command line reports as one line, without a traceback."""


class UserError(Exception):
    """A problem with the user's input or environment (bad path, bad key, store in use).

    The CLI prints ``error: <message>`` and exits with status 1; ``--debug`` shows the traceback.
    """


class StoreInUseError(UserError):
    """Another process holds the DuckDB store open for writing."""


class Terminated(KeyboardInterrupt):
    """SIGTERM received (``kill``, a scheduler's time limit): handled as an interruption, exit status 143."""


def interruption_outcome(interruption: KeyboardInterrupt) -> tuple[str, int]:
    """The word and exit status an interrupted command reports: ('terminated', 143) or ('interrupted', 130)."""
    return ("terminated", 143) if isinstance(interruption, Terminated) else ("interrupted", 130)
