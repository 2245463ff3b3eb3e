"""A whole small study: ``study run`` against the seed's procedure followed literally.

Three datasets: the shared MesoNet sample (train and validation folders pooled), the shared LFW
face-swap sample and one synthetic dataset (``dsanalysis.synthetic``); one configuration (Meso-4,
the default recipe, 2 epochs), one seed; then every model on every dataset's test part.
  * package: ``python -m dsanalysis study run study.toml`` on a fresh store: ingest, a seeded
    70/30 split (10% of training held out for validation), training, one decoded pass per dataset
    for every model's evaluation with 1,000-replicate bootstrap intervals, plus the cheapest
    study extras it always does (quality traits, ``analyze ranking``, the HTML report);
  * seed's way: ``seed_procedure.py`` on folders holding the same training and test images as the
    package's split (symbolic links, made before the clock starts): ImageDataGenerator +
    ``train_on_batch`` loop per dataset, then one ImageDataGenerator pass per (model, dataset).
Both run as child processes (each pays its TensorFlow start-up), alternating, ``--repeats`` times;
the table reports median wall and CPU seconds and the ratio. Target: the package at least 2x faster.

    .venv/bin/python tests/benchmarks/bench_study.py [--repeats 3] [--limit 0] [--synthetic-per-class 150]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import run_measured  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "datasets"
STUDY = """[study]
name = "bench-small-study"

[[datasets]]
name = "mesonet"
path = "{mesonet}"
follow_links = true                        # linked subsets of ../shared

[[datasets]]
name = "lfw"
path = "{lfw}"
follow_links = true

[[datasets]]
name = "synthetic"
path = "{synthetic}"

[split]
strategy = "random"
test_fraction = 0.3
validation_fraction = 0.1
seed = 0

[training]
architectures = ["meso4"]
base = "default"
seeds = [0]

[training.grid]
epochs = [{epochs}]

[traits]
extractors = ["quality"]

[analyses]
run = ["ranking"]

[report]
out = "report"
"""


def _limited(source: Path, target: Path, per_class: int) -> Path:
    """Links to the first ``per_class`` JPEGs of every class folder under ``source`` (all for 0)."""
    for folder in sorted({p.parent for p in source.rglob("*.jpg")}):
        files = sorted(folder.glob("*.jpg"))[: per_class or None]
        out = target / folder.relative_to(source)
        out.mkdir(parents=True)
        for path in files:
            (out / path.name).symlink_to(path)
    return target


def seed_folders(store_path: Path, target: Path) -> dict[str, dict[str, int]]:
    """Class folders ``<dataset>/{train,test}/{df,real}`` with links to the package split's images."""
    import duckdb

    counts: dict[str, dict[str, int]] = {}
    with duckdb.connect(str(store_path), read_only=True) as con:
        rows = con.execute(
            "SELECT i.dataset, m.part, i.label, d.root || '/' || i.rel_path AS path, i.image_id "
            "FROM split_members AS m JOIN images AS i USING (image_id) JOIN datasets AS d USING (dataset) "
            "WHERE m.part IN ('train', 'test') ORDER BY i.image_id").fetchall()
    for dataset, part, label, path, image_id in rows:
        folder = target / dataset / part / ("real" if label == "real" else "df")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{image_id:08d}{Path(path).suffix}").symlink_to(path)
        counts.setdefault(dataset, {}).setdefault(part, 0)
        counts[dataset][part] += 1
    return counts


def package_stages(store_path: Path) -> dict[str, float]:
    """Seconds the package's study spent training (every epoch, validation included) and evaluating."""
    import duckdb

    with duckdb.connect(str(store_path), read_only=True) as con:
        train = con.execute("SELECT coalesce(sum(train_seconds), 0) FROM runs").fetchone()[0]
        evaluate = con.execute("SELECT coalesce(sum(seconds), 0) FROM evaluations").fetchone()[0]
    return {"train_seconds": float(train), "evaluate_seconds": float(evaluate)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3, help="alternating runs of each (median reported; default 3)")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0,
                        help="images per class folder of the shared datasets (default 0: all)")
    parser.add_argument("--synthetic-per-class", type=int, default=150, help="synthetic images per class (default 150)")
    parser.add_argument("--out", type=Path, default=REPO / "reports" / "benchmarks" / "study.json")
    args = parser.parse_args()
    if not SHARED.is_dir():
        print(f"{SHARED} is absent: this benchmark needs the shared datasets", file=sys.stderr)
        return 1

    from dsanalysis.synthetic.datasets import SyntheticDatasetSpec, write_synthetic_dataset

    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="bench_study_") as tmp:
        work = Path(tmp)
        data = {"mesonet": _limited(SHARED / "mesonet", work / "data" / "mesonet", args.limit),
                "lfw": _limited(SHARED / "lfw_faceswap", work / "data" / "lfw", args.limit),
                "synthetic": write_synthetic_dataset(SyntheticDatasetSpec("synthetic", images_per_class=args.synthetic_per_class),
                                                     work / "data" / "synthetic", seed=0)}
        (work / "study.toml").write_text(STUDY.format(epochs=args.epochs, **data))
        timed: dict[str, list[dict[str, float]]] = {"package": [], "seed_way": []}
        counts: dict = {}
        for repeat in range(args.repeats):
            run_dir = work / f"run{repeat}"
            run_dir.mkdir()
            shutil.copy(work / "study.toml", run_dir / "study.toml")
            store = run_dir / "study.duckdb"
            print(f"round {repeat + 1}: study run ...", file=sys.stderr, flush=True)
            timed["package"].append(run_measured([python, "-m", "dsanalysis", "--store", str(store), "study", "run",
                                                  "study.toml", "--no-estimate"], run_dir))
            timed["package"][-1].update(package_stages(store))
            counts = seed_folders(store, run_dir / "seed")
            print(f"round {repeat + 1}: seed procedure ...", file=sys.stderr, flush=True)
            timed["seed_way"].append(run_measured([python, str(Path(__file__).with_name("seed_procedure.py")),
                                                   str(run_dir / "seed"), "--epochs", str(args.epochs)], run_dir))
            timed["seed_way"][-1].update(json.loads((run_dir / "seed" / "timings.json").read_text()))
    medians = {name: {key: statistics.median(r[key] for r in runs) for key in runs[0]} for name, runs in timed.items()}
    ratio = medians["seed_way"]["wall_s"] / medians["package"]["wall_s"]
    results = {"settings": vars(args) | {"out": str(args.out)}, "images": counts, "median": medians,
               "speedup_wall": ratio, "speedup_cpu": medians["seed_way"]["cpu_s"] / medians["package"]["cpu_s"],
               "runs": timed}
    print(f"{'procedure':44s} {'wall s':>8s} {'CPU s':>8s} {'peak MB':>8s}")
    for name, label in (("package", "package: study run (+ traits, ranking, report)"),
                        ("seed_way", "seed's procedure, literally")):
        m = medians[name]
        print(f"{label:44s} {m['wall_s']:8.1f} {m['cpu_s']:8.1f} {m['peak_rss_mb']:8.0f}")
    print(f"speedup (seed wall / package wall; target >= 2): {ratio:.2f}  (CPU: {results['speedup_cpu']:.2f})")
    for name in ("package", "seed_way"):
        m = medians[name]
        rest = m["wall_s"] - m["train_seconds"] - m["evaluate_seconds"]
        print(f"  {name}: training {m['train_seconds']:.1f} s, evaluation {m['evaluate_seconds']:.1f} s, "
              f"everything else (start-up, ingest, traits, analysis, report) {rest:.1f} s")
    print("images (train / test per dataset): " + ", ".join(
        f"{d} {c.get('train', 0)}/{c.get('test', 0)}" for d, c in sorted(counts.items())))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
