"""The ``dsanalysis`` command line: a thin ``main(argv) -> int`` over the command modules.

Exit codes: 0 success, 1 failure (one line on stderr; ``--debug`` adds the traceback),
2 usage error (argparse's convention). Each command is a module ``dsanalysis/commands/<name>.py``
with ``ORDER`` (its place in ``--help``), ``HELP`` (one line), ``add_arguments(parser)`` and
``run(args) -> int``; adding a command is adding that one file. Command modules import heavy
libraries inside ``run`` only, so ``--help`` and the light commands start fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import signal
import sys
import traceback
from collections.abc import Sequence

from dsanalysis import __version__
from dsanalysis.errors import Terminated, UserError, interruption_outcome

DEFAULT_STORE = "results.duckdb"


def command_modules() -> dict[str, object]:
    """Every command module under ``dsanalysis.commands``, by command name, in ``ORDER``."""
    import dsanalysis.commands as package

    modules = [importlib.import_module(f"dsanalysis.commands.{info.name}") for info in pkgutil.iter_modules(package.__path__)]
    modules.sort(key=lambda m: (m.ORDER, m.__name__))
    return {m.__name__.rsplit(".", 1)[1].replace("_", "-"): m for m in modules}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dsanalysis",
        description="Deepfake dataset analysis: train Meso-4 per dataset, test across datasets, "
        "measure dataset traits and relate them to cross-dataset accuracy.",
    )
    parser.add_argument("--version", action="version", version=f"dsanalysis {__version__}")
    parser.add_argument(
        "--store",
        default=os.environ.get("DSANALYSIS_STORE", DEFAULT_STORE),
        help="DuckDB results store (default: $DSANALYSIS_STORE or ./results.duckdb)",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, module in command_modules().items():
        command_parser = sub.add_parser(
            name, help=module.HELP, description=module.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
        )
        module.add_arguments(command_parser)
        command_parser.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit status (never raises for user mistakes)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse: --help/--version exit 0, usage errors exit 2
        return int(exit_.code or 0)
    if args.debug:  # native libraries' start-up lines too (dsanalysis/native_logs.py), in workers as well
        os.environ["DSANALYSIS_DEBUG"] = "1"
    try:
        return int(args._run(args) or 0)
    except UserError as error:
        if args.debug:
            traceback.print_exc()
        print(f"error: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader stopped reading (`sql --list | head`): a normal end of output
        _silence_stdout()
        return 0
    except KeyboardInterrupt as interruption:
        stopped, status = interruption_outcome(interruption)
        print(f"{stopped}; the store keeps only work that was complete", file=sys.stderr)
        return status
    except Exception as error:  # noqa: BLE001 - last resort: one line, details with --debug
        if args.debug:
            traceback.print_exc()
        print(f"error: {type(error).__name__}: {error} (run with --debug for the traceback)", file=sys.stderr)
        return 1


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so flushing it at exit does not fail again on the closed pipe."""
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (tests capture output): nothing to do
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)
    os.close(devnull)


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated(f"signal {signum}")


def console_main() -> None:
    # SIGTERM unwinds like Ctrl-C, so a killed command marks its unfinished run 'interrupted'
    signal.signal(signal.SIGTERM, _raise_terminated)
    sys.exit(main())
