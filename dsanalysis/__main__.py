"""``python -m dsanalysis``: the command-line interface."""

from dsanalysis.cli import console_main

console_main()
