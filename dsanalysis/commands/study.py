"""Run a whole study from one TOML study file: ingest, split, train every configuration and seed
on every dataset, test every model on every dataset, measure traits, analyze, write the report.

  study plan study.toml   what would be done and what the store already holds
  study run study.toml    do it; killed or interrupted, the same command resumes where it stopped
  study run --demo        the built-in demo on synthetic datasets (writes reports/demo/)

The study file format is documented in the README (and dsanalysis/study/config.py).
"""

from __future__ import annotations

import argparse
from pathlib import Path

ORDER = 80
HELP = "run or plan a whole study from a TOML study file (or the built-in demo)"
DEMO_FOLDER = Path("reports") / "demo"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["run", "plan"], help="run the study, or show what is left to do")
    parser.add_argument("file", nargs="?", help="study file (TOML)")
    parser.add_argument("--demo", action="store_true", help=f"the built-in synthetic demo (in {DEMO_FOLDER}/)")


def load(args: argparse.Namespace):  # noqa: ANN201
    from dsanalysis.errors import UserError
    from dsanalysis.study.config import load_study

    if args.demo == (args.file is not None):
        raise UserError("give a study file or --demo (one of them)")
    if args.demo:
        from dsanalysis.study.demo import demo_study

        DEMO_FOLDER.mkdir(parents=True, exist_ok=True)
        return demo_study(DEMO_FOLDER), DEMO_FOLDER / "demo.duckdb"
    return load_study(args.file), Path(args.store)


def run(args: argparse.Namespace) -> int:
    from dsanalysis.output import write_frame
    from dsanalysis.store import open_store
    from dsanalysis.study.runner import plan_frame, run_study

    study, store_path = load(args)
    if args.action == "plan":
        if not store_path.exists():
            write_frame(plan_frame(None, study), "table", None)
            return 0
        with open_store(store_path, read_only=True) as store:
            write_frame(plan_frame(store, study), "table", None)
        return 0
    with open_store(store_path) as store:
        outcomes = run_study(store, study)
    ran = sum(o.status == "ran" for o in outcomes)
    print(f"study {study.name}: {ran} units run, {len(outcomes) - ran} already complete; store {store_path}")
    return 0
