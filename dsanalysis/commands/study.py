"""Run a whole study from one TOML study file: ingest, split, train every configuration and seed
on every dataset, test every model on every dataset, measure traits, analyze, write the report.

  study plan study.toml   what would be done, what the store already holds, and a time estimate
  study run study.toml    do it; killed or interrupted, the same command resumes where it stopped
  study run study.toml --executor ray [--address HOST:6379]
                          training and evaluation as Ray tasks (local Ray instance without --address)
  study run --demo        the built-in demo on synthetic datasets (writes reports/demo/)

The study file format is documented in the README (and dsanalysis/study/config.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ORDER = 80
HELP = "run or plan a whole study from a TOML study file (or the built-in demo)"
DEMO_FOLDER = Path("reports") / "demo"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["run", "plan"], help="run the study, or show what is left to do")
    parser.add_argument("file", nargs="?", help="study file (TOML)")
    parser.add_argument("--demo", action="store_true", help=f"the built-in synthetic demo (in {DEMO_FOLDER}/)")
    execution = parser.add_argument_group("run: where training and evaluation run")
    execution.add_argument("--executor", choices=["local", "ray"], default="local",
                           help="local: every unit in this process (default); ray: training and evaluation as Ray "
                                "tasks, this process alone writes the store (pip install 'dsanalysis[ray]')")
    execution.add_argument("--address", help="Ray cluster address (e.g. HEAD:6379 after `ray start --head`); "
                                             "default: start a local Ray instance")
    execution.add_argument("--cpus-per-task", type=float, default=1.0, help="CPUs Ray reserves per task (default 1)")
    execution.add_argument("--gpus-per-task", type=float, default=1.0,
                           help="GPUs per task where the cluster has GPUs; fractions share a GPU (default 1)")
    parser.add_argument("--no-estimate", action="store_true",
                        help="plan: skip the throughput probe (a few seconds of TensorFlow) and the time estimate")


def load(args: argparse.Namespace):  # noqa: ANN201
    from dsanalysis.errors import UserError
    from dsanalysis.study.config import load_study

    if args.demo == (args.file is not None):
        raise UserError("give a study file or --demo (one of them)")
    if args.demo:
        from dsanalysis.study.demo import DEMO_STORE_NAME, demo_study

        DEMO_FOLDER.mkdir(parents=True, exist_ok=True)
        return demo_study(DEMO_FOLDER), DEMO_FOLDER / DEMO_STORE_NAME
    return load_study(args.file), Path(args.store)


def _say(line: str) -> None:
    print(line, flush=True)  # progress lines appear as they happen, also when piped


def _plan(args: argparse.Namespace, study, store_path: Path) -> int:  # noqa: ANN001
    from dsanalysis.output import write_frame
    from dsanalysis.store import open_store
    from dsanalysis.study.estimate import estimate_plan, probe_throughput
    from dsanalysis.study.runner import plan_frame

    store = open_store(store_path, read_only=True) if store_path.exists() else None
    try:
        plan = plan_frame(store, study)
        if not args.no_estimate:
            plan = estimate_plan(store, study, plan, probe_throughput(study))
    finally:
        if store is not None:
            store.close()
    write_frame(plan, "table", None)
    pending = plan["status"] == "pending"
    print(f"{int(pending.sum())} of {len(plan)} units pending" + ("" if store is not None else f" (no store at {store_path} yet)"))
    if not args.no_estimate:
        known = plan.loc[pending, "estimate_s"].dropna()
        unknown = plan.loc[pending & plan["estimate_s"].isna(), "kind"].unique()
        print(f"estimated time left: about {_duration(known.sum())} for {len(known)} units"
              + (f", plus {', '.join(unknown)} (not estimated)" if len(unknown) else "")
              + "; an estimate from a quick throughput probe on this machine, not a measurement")
    return 0


def _duration(seconds: float) -> str:
    minutes = seconds / 60
    return f"{seconds:.0f} s" if seconds < 120 else f"{minutes:.0f} min" if minutes < 120 else f"{minutes / 60:.1f} h"


def run(args: argparse.Namespace) -> int:
    from dsanalysis.errors import UserError, interruption_outcome
    from dsanalysis.store import open_store
    from dsanalysis.study.runner import StudyInterrupted, run_study

    study, store_path = load(args)
    if args.action == "plan":
        return _plan(args, study, store_path)
    executor = None
    if args.executor == "ray":
        from dsanalysis.study.ray_executor import RayExecutor

        executor = RayExecutor(address=args.address, cpus_per_task=args.cpus_per_task, gpus_per_task=args.gpus_per_task)
    elif args.address:
        raise UserError("--address needs --executor ray")
    with open_store(store_path) as store:
        try:
            if executor is not None:
                executor.start()
                _say(executor.describe())
            outcomes = run_study(store, study, report=_say, executor=executor)
        except StudyInterrupted as interrupted:
            stopped, status = interruption_outcome(interrupted.interruption)
            print(f"{stopped} during '{interrupted.unit.label}' (marked not done; completed units are kept): rerun "
                  f"`python -m dsanalysis study run {args.file or '--demo'}` with the same options to finish", file=sys.stderr)
            return status
        finally:
            if executor is not None:
                executor.stop()
    ran = sum(o.status == "ran" for o in outcomes)
    print(f"study {study.name}: {ran} units run, {len(outcomes) - ran} already complete; store {store_path}")
    return 0
