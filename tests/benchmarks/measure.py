"""Measuring benchmarks: the median time of repeated calls, and a child process measured alone (wall, CPU, peak memory)."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from pathlib import Path


def median_seconds(function, repeats: int) -> float:
    """Median wall seconds of ``repeats`` calls of ``function()``."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run_measured(argv: list[str], cwd: Path) -> dict[str, float]:
    """Run ``argv`` in ``cwd``; its wall seconds, CPU seconds (user + system) and peak RSS in MB.

    The figures are those of this one child (``os.wait4``), not of every child so far. A non-zero
    exit raises RuntimeError with the end of the child's standard error.
    """
    started = time.perf_counter()
    with open(os.devnull, "wb") as sink, subprocess.Popen(argv, cwd=cwd, stdout=sink, stderr=subprocess.PIPE) as process:
        error = process.stderr.read().decode(errors="replace") if process.stderr else ""
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))} failed (exit {process.returncode}): {error[-2000:]}")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "peak_rss_mb": usage.ru_maxrss / 1024}
