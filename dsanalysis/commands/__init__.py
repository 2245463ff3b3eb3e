"""One module per CLI command: ``add_arguments(parser)`` and ``run(args) -> int``."""

from __future__ import annotations

import argparse
from typing import Any


def old_spelling(parser: argparse.ArgumentParser, flag: str, dest: str, kind: Any = int) -> None:
    """Accept ``flag``, an earlier spelling of the option stored in ``dest``, without listing it in --help."""
    parser.add_argument(flag, dest=dest, type=kind, default=argparse.SUPPRESS, help=argparse.SUPPRESS)
